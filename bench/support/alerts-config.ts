/**
 * The `alerting:` sections `npm run bench -- alerts` appends to the bench workspace config, one
 * per part, in Alertmanager's own syntax (docs/configuration.md), and the alerts it posts.
 * Every receiver is a webhook to the bench's local receiver on 127.0.0.1.
 */
import { stringify } from 'yaml';

/** Labels of the ingest pool: 10 departments x 10 teams; routes match on both. */
export const departments = 10;
const teamsPerDepartment = 10;
/** Children per department route; team 9 of each department falls back to the department's receiver. */
const routedTeams = 9;
/** alertname x service combinations repeat every lcm(20, 250) = 500 alerts: 500 groups. */
const alertNames = 20;
const services = 250;
const severities = ['P1', 'P2', 'P3', 'P4'] as const;

export interface IngestAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  generatorURL: string;
}

/** Alert `index` of the ingest pool, as a Prometheus would post it (endsAt is added per request). */
export function ingestAlert(index: number, startsAt: string): IngestAlert {
  const department = index % departments;
  const team = Math.floor(index / departments) % teamsPerDepartment;
  return {
    labels: {
      alertname: `BenchAlert${index % alertNames}`,
      service: `svc-${index % services}`,
      department: `dept-${department}`,
      team: `team-${department}-${team}`,
      severity: severities[index % severities.length] ?? 'P3',
      instance: `host-${index}:9100`,
    },
    annotations: { summary: `bench alert ${index}`, runbook_url: 'https://runbooks.example.com/bench' },
    startsAt,
    generatorURL: 'http://prometheus.example.com/graph?g0.expr=bench',
  };
}

/** `silence` of the 50: service svc-(2k) at severity P4, created through /api/v1/silences. */
export function silenceMatchers(silence: number): string[] {
  return [`service="svc-${(silence * 2) % services}"`, 'severity="P4"'];
}

function webhookReceiver(name: string, url: string) {
  return { name, webhook_configs: [{ url, send_resolved: false }] };
}

/**
 * 100 routes below the root: a route per department (10) with a child per team (9 each), all
 * grouping by alertname and service, so every posted alert walks two levels of matchers.
 */
export function ingestAlertingYaml(receiverUrl: string, groupWait: string): string {
  const receivers = [webhookReceiver('default', receiverUrl)];
  const routes = Array.from({ length: departments }, (_, department) => {
    receivers.push(webhookReceiver(`dept-${department}`, receiverUrl));
    const children = Array.from({ length: routedTeams }, (_, team) => {
      receivers.push(webhookReceiver(`team-${department}-${team}`, receiverUrl));
      return { matchers: [`team="team-${department}-${team}"`], receiver: `team-${department}-${team}` };
    });
    return { matchers: [`department="dept-${department}"`], receiver: `dept-${department}`, routes: children };
  });
  return stringify({
    alerting: {
      route: { receiver: 'default', group_by: ['alertname', 'service'], group_wait: groupWait, group_interval: '5m', repeat_interval: '4h', routes },
      receivers,
    },
  });
}

/** One route, grouped by the `group` label, group_wait 0s: every distinct group is one notification. */
export function fanoutAlertingYaml(receiverUrl: string, concurrency: number | undefined): string {
  return stringify({
    alerting: {
      route: { receiver: 'fanout', group_by: ['group'], group_wait: '0s', group_interval: '5m', repeat_interval: '4h' },
      receivers: [webhookReceiver('fanout', receiverUrl)],
      ...(concurrency === undefined ? {} : { notifications: { concurrency } }),
    },
  });
}

export const latencyAlertName = 'BenchConditionTrue';

/**
 * A PromQL rule evaluated every `interval` against the bench's fake Prometheus; grouped by the
 * `trial` label the fake returns, so each trial is a new group sent after group_wait.
 */
export function latencyAlertingYaml(receiverUrl: string, prometheusUrl: string, interval: string, groupWait: string): string {
  return stringify({
    alerting: {
      route: { receiver: 'latency', group_by: ['alertname', 'trial'], group_wait: groupWait, group_interval: '5m', repeat_interval: '4h' },
      receivers: [webhookReceiver('latency', receiverUrl)],
      rules: [{ alert: latencyAlertName, expr: { promql: 'bench_condition == 1', prometheus_url: prometheusUrl }, interval, labels: { severity: 'P2' }, annotations: { summary: 'trial {{ $labels.trial }}' } }],
    },
  });
}
