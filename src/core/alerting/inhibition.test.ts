import { describe, expect, it } from 'vitest';
import { alertFingerprint } from './alert.js';
import type { InhibitRule } from './alertmanager-config.js';
import { createInhibitionIndex } from './inhibition.js';
import { parseMatchers } from './matcher-parser.js';
import type { LabelSet } from './label-matcher.js';

function rule(source: string, target: string, equal: string[]): InhibitRule {
  return { sourceMatchers: parseMatchers(source), targetMatchers: parseMatchers(target), equal };
}

const source = (labels: LabelSet) => ({ fingerprint: alertFingerprint(labels), labels });

const criticalMutesWarning = rule('severity="critical"', 'severity="warning"', ['cluster', 'service']);
const page = source({ alertname: 'Down', severity: 'critical', cluster: 'eu', service: 'api' });

describe('createInhibitionIndex', () => {
  it.each([
    ['same equal labels: muted', [page], { alertname: 'Slow', severity: 'warning', cluster: 'eu', service: 'api' }, page.fingerprint],
    ['an equal label differs: not muted', [page], { alertname: 'Slow', severity: 'warning', cluster: 'us', service: 'api' }, undefined],
    ['target matchers do not match: not muted', [page], { alertname: 'Slow', severity: 'info', cluster: 'eu', service: 'api' }, undefined],
    ['no source fires: not muted', [], { alertname: 'Slow', severity: 'warning', cluster: 'eu', service: 'api' }, undefined],
  ])('%s', (_name, firing, target, expected) => {
    expect(createInhibitionIndex([criticalMutesWarning], firing).inhibitedBy(target)).toBe(expected);
  });

  it('a missing equal label equals an empty one on both sides', () => {
    const rules = [rule('severity="critical"', 'severity="warning"', ['zone'])];
    const withoutZone = source({ alertname: 'Down', severity: 'critical' });
    const index = createInhibitionIndex(rules, [withoutZone]);
    expect(index.inhibitedBy({ alertname: 'Slow', severity: 'warning', zone: '' })).toBe(withoutZone.fingerprint);
    expect(index.inhibitedBy({ alertname: 'Slow', severity: 'warning' })).toBe(withoutZone.fingerprint);
    expect(index.inhibitedBy({ alertname: 'Slow', severity: 'warning', zone: 'a' })).toBeUndefined();
  });

  it('an alert matching both sides does not inhibit itself or its twin', () => {
    const rules = [rule('alertname="Down"', 'alertname=~"Down|Slow"', ['service'])];
    const down = source({ alertname: 'Down', service: 'api', instance: '1' });
    const downToo = source({ alertname: 'Down', service: 'api', instance: '2' });
    const index = createInhibitionIndex(rules, [down, downToo]);
    expect(index.inhibitedBy(down.labels)).toBeUndefined();
    expect(index.inhibitedBy(downToo.labels)).toBeUndefined();
    expect(index.inhibitedBy({ alertname: 'Slow', service: 'api' })).toBe([down, downToo].map((a) => a.fingerprint).sort()[0]);
  });

  it('a source that matches only the source side still mutes a target matching both sides', () => {
    const rules = [rule('severity=~"critical|warning"', 'severity="warning"', [])];
    const critical = source({ alertname: 'A', severity: 'critical' });
    const index = createInhibitionIndex(rules, [critical]);
    expect(index.inhibitedBy({ alertname: 'B', severity: 'warning' })).toBe(critical.fingerprint);
  });

  it('later rules are tried when the first does not mute', () => {
    const rules = [criticalMutesWarning, rule('alertname="ClusterDown"', 'cluster="eu"', [])];
    const clusterDown = source({ alertname: 'ClusterDown', cluster: 'us' });
    const index = createInhibitionIndex(rules, [clusterDown]);
    expect(index.inhibitedBy({ alertname: 'X', cluster: 'eu', severity: 'warning' })).toBe(clusterDown.fingerprint);
  });
});
