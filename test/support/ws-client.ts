/** A small WebSocket reader for tests: waits until subscribed, then lets a test await matching events. */
import type WebSocket from 'ws';

export interface StreamEvent {
  type: string;
  at: string;
  data: Record<string, unknown>;
}

export interface EventCollector {
  received: StreamEvent[];
  /** Resolves with the first (already received or future) event matching `predicate`. */
  next(predicate: (event: StreamEvent) => boolean, timeoutMs?: number): Promise<StreamEvent>;
}

export function collectEvents(socket: WebSocket): Promise<EventCollector> {
  const received: StreamEvent[] = [];
  const waiters: Array<{ predicate: (event: StreamEvent) => boolean; resolve: (event: StreamEvent) => void }> = [];
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.on('message', (raw: Buffer) => {
      const event = JSON.parse(raw.toString('utf8')) as StreamEvent;
      if (event.type === 'stream.subscribed') {
        resolve(collector);
        return;
      }
      received.push(event);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(event)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
    });
    const collector: EventCollector = {
      received,
      next(predicate, timeoutMs = 5000) {
        const found = received.find(predicate);
        if (found) return Promise.resolve(found);
        return new Promise((resolveEvent, rejectEvent) => {
          const timer = setTimeout(() => rejectEvent(new Error(`no matching event within ${timeoutMs} ms; got ${received.map((e) => e.type).join(', ') || 'none'}`)), timeoutMs);
          waiters.push({ predicate, resolve: (event) => { clearTimeout(timer); resolveEvent(event); } });
        });
      },
    };
  });
}
