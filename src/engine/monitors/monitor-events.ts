/**
 * Turns the scheduler's transitions into domain events (`monitor.down`, `breaker.opened`...)
. The scheduler calls it only after the result is durable, so no event
 * announces a state that a crash could take back.
 */
import type { EventBus } from '../event-bus.js';
import type { SchedulerListener } from './monitor-scheduler.js';

const breakerEventType = {
  open: 'breaker.opened',
  half_open: 'breaker.half_opened',
  closed: 'breaker.closed',
} as const;

export function createMonitorEventPublisher(bus: EventBus): SchedulerListener {
  return {
    statusChanged(monitor, transition, state) {
      bus.publish(`monitor.${transition.to}`, {
        monitor: monitor.name,
        service: monitor.service,
        kind: monitor.kind,
        from: transition.from,
        to: transition.to,
        reason: transition.reason,
        cause: transition.cause,
        message: state.status.lastMessage,
      });
    },
    breakerChanged(monitor, transition, breaker) {
      bus.publish(breakerEventType[transition.to], {
        name: monitor.name,
        monitor: monitor.name,
        service: monitor.service,
        from: transition.from,
        to: transition.to,
        reason: transition.reason,
        consecutiveFailures: breaker.consecutiveFailures,
      });
    },
    checked() {
      // Every result is stored and counted in metrics; only transitions become events, or /ws
      // would carry a thousand messages a second at 10,000 monitors.
    },
  };
}
