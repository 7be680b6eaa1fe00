/**
 * Tells the request priority (src/engine/request-priority.ts) how many API requests are in
 * flight: each counts from its arrival until its response has been sent or its connection
 * closed. WebSocket upgrades are long-lived connections, not requests waiting for an answer,
 * and are not counted.
 */
import type { FastifyInstance } from 'fastify';
import type { RequestPriority } from '../engine/request-priority.js';

export function registerRequestPriority(app: FastifyInstance, priority: RequestPriority): void {
  app.addHook('onRequest', (request, reply, done) => {
    if (request.raw.headers.upgrade === undefined) reply.raw.once('close', priority.requestStarted());
    done();
  });
}
