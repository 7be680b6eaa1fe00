/**
 * `GET /api/v1/rules`: sre-monitor's alerting rules in the shape of Prometheus' own
 * `GET /api/v1/rules` (`{status, data: {groups}}`, one group per evaluation interval), so
 * Grafana and scripts that read a Prometheus' rules read these: each rule's state (the most
 * severe of its alerts), health and last error, last evaluation and its duration, and its
 * pending and firing alerts. Pending alerts are never sent to the pipeline, so this is where
 * they show. Query parameters as Prometheus': `type`, `rule_name[]`, `rule_group[]`, `file[]`.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { prometheusRuleGroups, type RuleStatus } from '../../engine/alerting/rules/index.js';

const names = (description: string) => Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 256 })], { description }));
const asList = (value: string | string[] | undefined): string[] | undefined => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);

const ListQuery = Type.Object(
  {
    type: Type.Optional(Type.Enum(['alert', 'record'], { description: 'alert: alerting rules only; record: recording rules (sre-monitor has none).' })),
    'rule_name[]': names('Only rules with these names.'),
    'rule_group[]': names('Only these groups (`every 1m`, ...).'),
    'file[]': names('Only rules of these files (all of sre-monitor\'s are `alerting.rules`).'),
  },
  { additionalProperties: false },
);

export function registerRuleRoutes(app: FastifyInstance, deps: { rules: () => RuleStatus[] }): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get('/api/v1/rules', { schema: { tags: ['alerts'], summary: "Alerting rules with state, health and their pending and firing alerts, as Prometheus' GET /api/v1/rules answers", querystring: ListQuery } }, (request) => {
    const ruleNames = asList(request.query['rule_name[]']);
    const groupNames = asList(request.query['rule_group[]']);
    const files = asList(request.query['file[]']);
    const statuses = request.query.type === 'record' ? [] : deps.rules().filter((rule) => ruleNames === undefined || ruleNames.includes(rule.name));
    const groups = prometheusRuleGroups(statuses).groups.filter((group) => (groupNames === undefined || groupNames.includes(group.name)) && (files === undefined || files.includes(group.file)));
    return Promise.resolve({ status: 'success', data: { groups } });
  });
}
