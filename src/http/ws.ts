/**
 * `GET /ws`: live domain events as JSON `{type, at, data}`, optionally filtered with
 * `?types=service.created,incident.*`. A client that reads too slowly is disconnected (close
 * code 1013) instead of letting its backlog grow without bound; it reconnects and catches up
 * through the REST API.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { WebSocket } from 'ws';
import { domainEventTypes, type AnyDomainEvent } from '../core/events/domain-events.js';
import { ValidationError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { AppMetrics } from '../adapters/metrics/metrics-registry.js';
import type { EventBus } from '../engine/event-bus.js';

export interface EventStreamOptions {
  bus: EventBus;
  clock: Clock;
  metrics: AppMetrics;
  /** Unsent bytes allowed per client before it is dropped. */
  maxBufferedBytes?: number;
  /** How often idle connections are pinged; one without a pong by the next ping is closed. */
  pingIntervalMs?: number;
}

const StreamQuery = Type.Object(
  { types: Type.Optional(Type.String({ maxLength: 2000, description: 'Comma-separated event types; `prefix.*` matches a family.' })) },
  { additionalProperties: false },
);

/** Parses `?types=`; returns undefined for "everything". Unknown types are a 400. */
export function parseTypeFilter(text: string | undefined): ((type: string) => boolean) | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const wanted = text.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const problems = wanted
    .filter((t) => (t.endsWith('.*') ? !domainEventTypes.some((known) => known.startsWith(t.slice(0, -1))) : !domainEventTypes.includes(t as AnyDomainEvent['type'])))
    .map((t) => ({ field: 'types', message: `unknown event type '${t}'; known: ${domainEventTypes.join(', ')}` }));
  if (problems.length > 0) throw new ValidationError(problems);
  const exact = new Set(wanted.filter((t) => !t.endsWith('.*')));
  const prefixes = wanted.filter((t) => t.endsWith('.*')).map((t) => t.slice(0, -1));
  return (type) => exact.has(type) || prefixes.some((prefix) => type.startsWith(prefix));
}

export function registerEventStream(app: FastifyInstance, options: EventStreamOptions): void {
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const alive = new WeakMap<WebSocket, boolean>();
  const sockets = new Set<WebSocket>();

  const pingTimer = setInterval(() => {
    for (const socket of sockets) {
      if (alive.get(socket) === false) {
        socket.terminate();
        continue;
      }
      alive.set(socket, false);
      socket.ping();
    }
  }, options.pingIntervalMs ?? 30_000);
  pingTimer.unref();
  app.addHook('onClose', (_instance, done) => {
    clearInterval(pingTimer);
    for (const socket of sockets) socket.close(1001, 'server shutting down');
    done();
  });

  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const url of ['/ws', '/ws/events']) {
    api.get(url, {
      websocket: true,
      config: { requiredRole: 'viewer' },
      schema: { tags: ['events'], summary: 'Live domain events over WebSocket', querystring: StreamQuery },
      // Validate before the upgrade so a bad filter is a plain 400, not a half-open socket.
      preValidation: (request, _reply, done) => {
        try {
          parseTypeFilter(request.query.types);
          done();
        } catch (error) {
          done(error as Error);
        }
      },
    }, (socket, request) => {
      const accepts = parseTypeFilter(request.query.types);
      sockets.add(socket);
      alive.set(socket, true);
      options.metrics.websocketClients.inc();
      socket.on('pong', () => alive.set(socket, true));

      const unsubscribe = options.bus.subscribe((event) => {
        if (accepts && !accepts(event.type)) return;
        if (socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > maxBuffered) {
          options.metrics.websocketDroppedClients.inc();
          request.log.warn({ bufferedBytes: socket.bufferedAmount }, 'dropping slow /ws client');
          unsubscribe();
          socket.close(1013, 'too slow: reconnect and catch up through the API');
          // A client that does not read will not read the close frame either.
          setTimeout(() => socket.terminate(), 1000).unref();
          return;
        }
        socket.send(JSON.stringify(event));
      });
      socket.on('close', () => {
        unsubscribe();
        sockets.delete(socket);
        options.metrics.websocketClients.dec();
      });
      socket.send(JSON.stringify({ type: 'stream.subscribed', at: new Date(options.clock.nowMs()).toISOString(), data: { types: request.query.types ?? '*' } }));
    });
  }
}
