// examples/oncall.yaml holds seed 001's rotation: primary weekly, secondary every two weeks, a
// manager as backup, walked by the P1 escalation policy.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { whoIsOnCall } from '../core/oncall/schedule-timeline.js';
import { loadConfig } from './load-config.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('examples/oncall.yaml', () => {
  it('has seed 001\'s rotations and answers who is on call', async () => {
    const { runtime } = await loadConfig('examples/oncall.yaml', { cwd: repoRoot, env: {} });
    const schedules = new Map(runtime.oncall.schedules.map((schedule) => [schedule.name, schedule]));
    expect([...schedules.values()].map((schedule) => [schedule.name, schedule.layers[0]?.shiftDays])).toEqual([['primary', 7], ['secondary', 14], ['manager-backup', 7]]);
    const onCall = (name: string, at: string) => whoIsOnCall(schedules.get(name) ?? (undefined as never), Date.parse(at)).final.person;
    // Week 2 of primary is bob's, week 3 carol's; bob covers alice's Saturday in week 5.
    expect(onCall('primary', '2026-01-13T12:00:00Z')).toBe('bob');
    expect(onCall('primary', '2026-01-19T08:00:00Z')).toBe('carol');
    expect(onCall('primary', '2026-02-06T12:00:00Z')).toBe('alice');
    expect(onCall('primary', '2026-02-07T12:00:00Z')).toBe('bob');
    expect(onCall('primary', '2026-02-08T08:00:00Z')).toBe('alice');
    expect(onCall('secondary', '2026-01-19T07:59:00Z')).toBe('dan');
    expect(onCall('secondary', '2026-01-19T08:00:00Z')).toBe('alice');
    expect(onCall('secondary', '2026-01-20T15:00:00Z')).toBe('carol');
    expect(onCall('manager-backup', '2026-06-01T00:00:00Z')).toBe('maria');
    const policy = runtime.alerting.escalation.policies.find((candidate) => candidate.name === 'critical');
    expect(policy?.levels.map((level) => level.targets)).toEqual([[{ receiver: 'sre-channel' }, { schedule: 'primary' }], [{ schedule: 'secondary' }], [{ schedule: 'manager-backup' }]]);
  });
});
