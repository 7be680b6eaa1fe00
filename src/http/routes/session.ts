/**
 * `/api/v1/session`: the dashboard's login. `POST` with `Authorization: Bearer <token>` checks
 * the token like any request (lockout included) and answers with an httpOnly, SameSite=Strict
 * session cookie; `GET` says who the caller is; `DELETE` logs out. Scripts keep using tokens.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ValidationError } from '../../core/errors.js';
import { readCookie, sessionCookie, sessionCookieName, type SessionStore } from '../sessions.js';

const tags = ['session'];

function authenticatedBy(request: FastifyRequest, sessions: SessionStore): 'token' | 'session' | 'anonymous' {
  if (request.headers.authorization) return 'token';
  const id = readCookie(request.headers.cookie, sessionCookieName);
  return id !== undefined && sessions.find(id) ? 'session' : 'anonymous';
}

export function registerSessionRoutes(app: FastifyInstance, deps: { sessions: SessionStore }): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { sessions } = deps;

  api.post('/api/v1/session', {
    config: { requiredRole: 'viewer' },
    schema: { tags, summary: "Log in: exchange the bearer token for an httpOnly session cookie (the dashboard's login)" },
  }, async (request, reply) => {
    if (!request.headers.authorization) {
      throw new ValidationError([{ field: 'Authorization', message: "send the API token as 'Authorization: Bearer <token>' to open a session" }]);
    }
    const { id, session } = sessions.create(request.actor.name, request.actor.role);
    const maxAgeSeconds = Math.floor((session.expiresAtMs - session.createdAtMs) / 1000);
    void reply.header('set-cookie', sessionCookie(id, maxAgeSeconds, request.protocol === 'https'));
    void reply.header('cache-control', 'no-store');
    return reply.code(201).send({ name: session.tokenName, role: session.role, expires_at: new Date(session.expiresAtMs).toISOString() });
  });

  api.get('/api/v1/session', {
    config: { requiredRole: 'viewer' },
    schema: { tags, summary: 'Who the caller is: name, role and how they authenticated (token, session or anonymous)' },
  }, (request) => {
    const via = authenticatedBy(request, sessions);
    const id = readCookie(request.headers.cookie, sessionCookieName);
    const session = via === 'session' && id !== undefined ? sessions.find(id) : undefined;
    return Promise.resolve({ name: request.actor.name, role: request.actor.role, via, expires_at: session ? new Date(session.expiresAtMs).toISOString() : null });
  });

  api.delete('/api/v1/session', {
    config: { requiredRole: 'public' },
    schema: { tags, summary: 'Log out: end the session and clear its cookie' },
  }, async (request, reply) => {
    const id = readCookie(request.headers.cookie, sessionCookieName);
    if (id !== undefined) sessions.revoke(id);
    void reply.header('set-cookie', sessionCookie('', 0, request.protocol === 'https'));
    return reply.code(204).send();
  });
}
