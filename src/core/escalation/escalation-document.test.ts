import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { asJsonSchema } from '../validation/json-schema.js';
import { formatPath } from '../validation/field-path.js';
import { translateSchemaErrors } from '../validation/schema-problems.js';
import {
  EscalationConfigDocument,
  checkEscalationTargets,
  escalationConfigFromDocument,
  escalationPolicyDocumentFromPolicy,
  type EscalationPolicyDocument,
} from './escalation-document.js';
import { policyNameForSeverity } from './escalation-policy.js';

const minute = 60_000;

/** Seed 000's table: P1 pages SMS/Slack/email now and PagerDuty after 15 min; P2 email/Slack, SMS after 30 min. */
const seedDocument: EscalationConfigDocument = {
  escalation_policies: [
    { name: 'critical', levels: [{ notify: ['sms', 'slack', 'email'] }, { after: '15m', notify: ['pagerduty'] }], repeat: 1 },
    { name: 'high', levels: [{ after: '0', notify: ['email', 'slack'] }, { after: '30m', notify: [{ receiver: 'sms' }] }] },
  ],
  severity_policies: { P1: 'critical', P2: 'high' },
};

function schemaProblems(document: unknown): Array<{ field: string; message: string }> {
  const errors = Value.Errors(EscalationConfigDocument, document);
  return translateSchemaErrors(asJsonSchema(EscalationConfigDocument), errors, document).map((problem) => ({ field: formatPath(problem.path), message: problem.message }));
}

function withPolicy(overrides: Partial<EscalationPolicyDocument>): EscalationConfigDocument {
  return { escalation_policies: [{ name: 'p', levels: [{ notify: ['slack'] }], ...overrides }] };
}

describe('escalation policies from the config file', () => {
  it("reads seed 000's table: P1 pages at once and escalates after 15 minutes", () => {
    expect(schemaProblems(seedDocument)).toEqual([]);
    const { config, problems } = escalationConfigFromDocument(seedDocument);
    expect(problems).toEqual([]);
    expect(config.policies).toEqual([
      {
        name: 'critical',
        levels: [
          { afterMs: 0, targets: [{ receiver: 'sms' }, { receiver: 'slack' }, { receiver: 'email' }] },
          { afterMs: 15 * minute, targets: [{ receiver: 'pagerduty' }] },
        ],
        repeat: 1,
        repeatAfterMs: 15 * minute,
      },
      {
        name: 'high',
        levels: [
          { afterMs: 0, targets: [{ receiver: 'email' }, { receiver: 'slack' }] },
          { afterMs: 30 * minute, targets: [{ receiver: 'sms' }] },
        ],
        repeat: 0,
        repeatAfterMs: 30 * minute,
      },
    ]);
    expect(policyNameForSeverity(config.severityPolicies, 'critical')).toBe('critical');
  });

  it('keeps person and schedule targets apart from receivers', () => {
    const { config } = escalationConfigFromDocument(withPolicy({ levels: [{ notify: [{ person: 'alice' }, { schedule: 'primary' }, 'slack'] }] }));
    expect(config.policies[0]?.levels[0]?.targets).toEqual([{ person: 'alice' }, { schedule: 'primary' }, { receiver: 'slack' }]);
  });

  it('takes an explicit repeat_after', () => {
    const { config, problems } = escalationConfigFromDocument(withPolicy({ repeat: 2, repeat_after: '1h' }));
    expect(problems).toEqual([]);
    expect(config.policies[0]).toMatchObject({ repeat: 2, repeatAfterMs: 60 * minute });
  });

  it('writes a policy back with its defaults filled in', () => {
    const { config } = escalationConfigFromDocument(seedDocument);
    const critical = config.policies[0];
    if (critical === undefined) throw new Error('no policy');
    expect(escalationPolicyDocumentFromPolicy(critical)).toEqual({
      name: 'critical',
      levels: [
        { after: '0s', notify: [{ receiver: 'sms' }, { receiver: 'slack' }, { receiver: 'email' }] },
        { after: '15m', notify: [{ receiver: 'pagerduty' }] },
      ],
      repeat: 1,
      repeat_after: '15m',
    });
    expect(escalationConfigFromDocument({ escalation_policies: [escalationPolicyDocumentFromPolicy(critical)] }).config.policies[0]).toEqual(critical);
  });
});

describe('bad escalation config names the field', () => {
  it.each<[string, unknown, string]>([
    ['no levels', { escalation_policies: [{ name: 'p', levels: [] }] }, 'escalation_policies[0].levels'],
    ['a level without targets', { escalation_policies: [{ name: 'p', levels: [{ notify: [] }] }] }, 'escalation_policies[0].levels[0].notify'],
    ['a bad duration', { escalation_policies: [{ name: 'p', levels: [{ after: '15 minutes', notify: ['a'] }] }] }, 'escalation_policies[0].levels[0].after'],
    ['an unknown key', { escalation_policies: [{ name: 'p', levels: [{ notify: ['a'], wait: '5m' }] }] }, 'escalation_policies[0].levels[0].wait'],
    ['a negative repeat', { escalation_policies: [{ name: 'p', levels: [{ notify: ['a'] }], repeat: -1 }] }, 'escalation_policies[0].repeat'],
    ['a target of unknown kind', { escalation_policies: [{ name: 'p', levels: [{ notify: [{ team: 'db' }] }] }] }, 'escalation_policies[0].levels[0].notify[0].team'],
    ['a target with two kinds', { escalation_policies: [{ name: 'p', levels: [{ notify: [{ person: 'a', schedule: 'b' }] }] }] }, 'escalation_policies[0].levels[0].notify[0]'],
    ['an empty target', { escalation_policies: [{ name: 'p', levels: [{ notify: [{}] }] }] }, 'escalation_policies[0].levels[0].notify[0]'],
    ['a number as target', { escalation_policies: [{ name: 'p', levels: [{ notify: [5] }] }] }, 'escalation_policies[0].levels[0].notify[0]'],
    ['a severity mapped to a non-slug', { severity_policies: { P1: 'Crit Ical' } }, 'severity_policies.P1'],
    ['a name that is not a slug', { escalation_policies: [{ name: 'P1 Critical', levels: [{ notify: ['a'] }] }] }, 'escalation_policies[0].name'],
  ])('schema: %s', (_case, document, field) => {
    expect(schemaProblems(document).map((problem) => problem.field)).toContain(field);
  });

  it.each<[string, EscalationConfigDocument, string, RegExp]>([
    [
      'duplicate names',
      { escalation_policies: [{ name: 'p', levels: [{ notify: ['a'] }] }, { name: 'p', levels: [{ notify: ['b'] }] }] },
      'escalation_policies[1].name',
      /unique/,
    ],
    ['a severity mapped to no policy', { ...withPolicy({}), severity_policies: { P1: 'crit' } }, 'severity_policies.P1', /escalation policy 'crit' does not exist \(known: p\)/],
    ['a severity written twice', { ...withPolicy({}), severity_policies: { P1: 'p', p1: 'p' } }, 'severity_policies.p1', /case-insensitively/],
    ['repeat without any pause', withPolicy({ repeat: 1 }), 'escalation_policies[0].repeat_after', /same instant/],
  ])('values: %s', (_case, document, field, message) => {
    const { problems } = escalationConfigFromDocument(document);
    expect(problems).toEqual([{ field, message: expect.stringMatching(message) as string }]);
  });

  it('prefixes the fields with where the section sits in the file', () => {
    const { problems } = escalationConfigFromDocument({ ...withPolicy({}), severity_policies: { P1: 'nope' } }, ['alerting']);
    expect(problems.map((problem) => problem.field)).toEqual(['alerting.severity_policies.P1']);
  });
});

describe('targets must name configured receivers, people and schedules', () => {
  const { config } = escalationConfigFromDocument(
    withPolicy({ levels: [{ notify: ['slack', 'pager'] }, { after: '15m', notify: [{ person: 'bob' }, { schedule: 'primary' }, { person: 'alice' }] }] }),
  );

  it.each<[string, { receivers: string[]; people: string[]; schedules: string[] }, Array<[string, RegExp]>]>([
    ['all known', { receivers: ['slack', 'pager'], people: ['alice', 'bob'], schedules: ['primary'] }, []],
    ['an unknown receiver', { receivers: ['slack', 'pagerduty'], people: ['alice', 'bob'], schedules: ['primary'] }, [['alerting.escalation_policies[0].levels[0].notify[1]', /receiver 'pager' does not exist \(known: pagerduty, slack\)/]]],
    [
      'people and schedules not configured yet',
      { receivers: ['slack', 'pager'], people: [], schedules: [] },
      [
        ['alerting.escalation_policies[0].levels[1].notify[0]', /person 'bob' does not exist \(none are configured\)/],
        ['alerting.escalation_policies[0].levels[1].notify[1]', /schedule 'primary'/],
        ['alerting.escalation_policies[0].levels[1].notify[2]', /person 'alice'/],
      ],
    ],
  ])('%s', (_case, known, expected) => {
    const problems = checkEscalationTargets(config.policies, { receivers: new Set(known.receivers), people: new Set(known.people), schedules: new Set(known.schedules) }, ['alerting']);
    expect(problems.map((problem) => [problem.field, problem.message])).toEqual(expected.map(([field, message]): [string, unknown] => [field, expect.stringMatching(message)]));
  });
});
