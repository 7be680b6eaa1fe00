/**
 * In-process, typed event bus. Publishers call it after their write has committed, so a
 * subscriber never sees an event for state that could still roll back. A failing subscriber is
 * reported and skipped; it never breaks the publisher or the other subscribers.
 */
import type { Clock } from '../core/clock.js';
import type { AnyDomainEvent, DomainEventPayloads, DomainEventType } from '../core/events/domain-events.js';

export type EventListener = (event: AnyDomainEvent) => void;

export interface EventBus {
  publish<T extends DomainEventType>(type: T, data: DomainEventPayloads[T]): void;
  /** Returns the function that unsubscribes. */
  subscribe(listener: EventListener): () => void;
  subscriberCount(): number;
}

export interface EventBusOptions {
  clock: Clock;
  onListenerError?: (error: unknown, event: AnyDomainEvent) => void;
}

export function createEventBus(options: EventBusOptions): EventBus {
  const listeners = new Set<EventListener>();
  return {
    publish(type, data) {
      const event = { type, at: new Date(options.clock.nowMs()).toISOString(), data } as AnyDomainEvent;
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          options.onListenerError?.(error, event);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    subscriberCount: () => listeners.size,
  };
}
