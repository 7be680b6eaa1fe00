/**
 * Alerting metrics, read at scrape time from the pipeline: alerts by state, notifications sent,
 * failed by reason and dead-lettered, the outbox backlog, open receiver breakers and what the
 * pipeline held back by reason (silenced, inhibited, muted by time, dedup, throttled).
 */
import { Gauge, type Registry } from 'prom-client';

export interface AlertingMetricsSnapshot {
  alerts(): { firing: number; resolved: number };
  delivery(): Promise<{ sent: number; failed: Record<string, number>; deadLettered: number; pending: number; dead: number; openBreakers: number }>;
  suppressed(): Record<string, number>;
}

export function registerAlertingMetrics(registry: Registry, snapshot: AlertingMetricsSnapshot): void {
  new Gauge({
    name: 'sre_monitor_alerts',
    help: 'Alerts held by the pipeline, by state (resolved ones are kept for alerting.retention).',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const counts = snapshot.alerts();
      this.set({ state: 'firing' }, counts.firing);
      this.set({ state: 'resolved' }, counts.resolved);
    },
  });
  const notifications = new Gauge({
    name: 'sre_monitor_notifications',
    help: 'Notifications by outcome since start (sent, dead_lettered, failed_attempts by reason) and stored now (pending, dead).',
    labelNames: ['outcome', 'reason'],
    registers: [registry],
    async collect() {
      const stats = await snapshot.delivery();
      notifications.reset();
      notifications.set({ outcome: 'sent', reason: '' }, stats.sent);
      notifications.set({ outcome: 'dead_lettered', reason: '' }, stats.deadLettered);
      notifications.set({ outcome: 'pending', reason: '' }, stats.pending);
      notifications.set({ outcome: 'dead', reason: '' }, stats.dead);
      for (const [reason, count] of Object.entries(stats.failed)) notifications.set({ outcome: 'failed_attempts', reason }, count);
      breakers.set(stats.openBreakers);
    },
  });
  const breakers = new Gauge({ name: 'sre_monitor_receiver_breakers_open', help: 'Receivers whose circuit breaker is open (deliveries held back).', registers: [registry] });
  new Gauge({
    name: 'sre_monitor_alerts_suppressed',
    help: 'Alerts or notifications the pipeline held back since start, by reason.',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      for (const [reason, count] of Object.entries(snapshot.suppressed())) this.set({ reason }, count);
    },
  });
}
