/**
 * Authentication and authorisation for every route. Routes state the role they need in
 * `config.requiredRole`; undeclared GET routes need viewer and anything else admin, so a new
 * route is safe by default. Addresses that keep failing are blocked for a while (429).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createAuthFailureLimiter, type AuthFailureLimiter } from '../core/auth/auth-failure-limiter.js';
import { roleAllows, type Role } from '../core/auth/roles.js';
import type { Clock } from '../core/clock.js';
import { ForbiddenError, RateLimitedError, UnauthenticatedError } from '../core/errors.js';
import type { AppMetrics } from '../adapters/metrics/metrics-registry.js';
import type { Actor } from '../engine/actor.js';
import type { EventBus } from '../engine/event-bus.js';
import type { TokenService } from '../engine/token-service.js';
import { readCookie, sessionCookieName, type SessionStore } from './sessions.js';

export type RouteAccess = Role | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    requiredRole?: RouteAccess;
  }
  interface FastifyRequest {
    actor: Actor;
  }
}

export interface AuthSettings {
  anonymousRole: Role | null;
  lockout: { maxFailures: number; windowMs: number; blockMs: number };
}

export interface AuthOptions {
  tokens: TokenService;
  clock: Clock;
  bus: EventBus;
  metrics: AppMetrics;
  /** Read on every request so a config reload takes effect at once. */
  settings: () => AuthSettings;
  /** Dashboard sessions (cookie auth); without it only bearer tokens work. */
  sessions?: SessionStore;
}

/**
 * Header a cookie-authenticated unsafe request must carry. A cross-site form cannot set it and a
 * cross-site script would need a CORS preflight we never grant, so it stops CSRF together with
 * SameSite=Strict.
 */
export const csrfHeaderName = 'x-requested-with';
export const csrfHeaderValue = 'sre-monitor';

const bearerPattern = /^Bearer\s+(\S+)\s*$/i;
const anonymousName = 'anonymous';

export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  let limiterSettings = options.settings().lockout;
  let limiter: AuthFailureLimiter = createAuthFailureLimiter(limiterSettings);
  const currentLimiter = (): AuthFailureLimiter => {
    const wanted = options.settings().lockout;
    if (wanted !== limiterSettings) {
      limiterSettings = wanted;
      limiter = createAuthFailureLimiter(wanted);
    }
    return limiter;
  };

  if (options.sessions) {
    const sessions = options.sessions;
    const unsubscribe = options.bus.subscribe((event) => {
      if (event.type === 'token.revoked') sessions.revokeToken(event.data.name);
    });
    app.addHook('onClose', (_instance, done) => {
      unsubscribe();
      done();
    });
  }
  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRequest', async (request) => {
    const required = requiredRoleOf(request);
    if (required === 'public') return;
    request.actor = await authenticate(request, required, currentLimiter(), options);
  });
}

function requiredRoleOf(request: FastifyRequest): RouteAccess {
  const declared = request.routeOptions.config.requiredRole;
  if (declared) return declared;
  if (request.routeOptions.url === undefined) return 'public'; // unknown route: let the 404 handler answer
  return request.method === 'GET' || request.method === 'HEAD' ? 'viewer' : 'admin';
}

async function authenticate(request: FastifyRequest, required: Role, limiter: AuthFailureLimiter, options: AuthOptions): Promise<Actor> {
  const address = request.ip;
  const nowMs = options.clock.nowMs();
  const blockedMs = limiter.blockedForMs(address, nowMs);
  if (blockedMs > 0) {
    options.metrics.authFailures.inc({ reason: 'blocked' });
    const seconds = Math.ceil(blockedMs / 1000);
    throw new RateLimitedError(`too many failed authentications from ${address}; try again in ${seconds} s`, seconds);
  }

  const header = request.headers.authorization;
  if (header === undefined || header === '') {
    const fromSession = sessionActor(request, options.sessions);
    if (fromSession) {
      if (!roleAllows(fromSession.role, required)) {
        throw new ForbiddenError(`token '${fromSession.name}' has the ${fromSession.role} role; this request needs ${required}`);
      }
      return fromSession;
    }
    const anonymous = options.settings().anonymousRole;
    if (anonymous === null || !roleAllows(anonymous, required)) {
      throw new UnauthenticatedError(`this request needs the ${required} role: send an API token as 'Authorization: Bearer <token>'`);
    }
    return { name: anonymousName, role: anonymous, requestId: request.id };
  }

  const secret = bearerPattern.exec(header)?.[1];
  const token = secret === undefined ? undefined : await options.tokens.verify(secret);
  if (!token) {
    options.metrics.authFailures.inc({ reason: 'invalid_token' });
    const verdict = limiter.recordFailure(address, nowMs);
    if (verdict.kind === 'blocked' && verdict.newlyBlocked) {
      request.log.warn({ address }, 'address blocked after repeated authentication failures');
      options.bus.publish('security.auth_blocked', {
        address,
        failures: options.settings().lockout.maxFailures,
        blockedUntil: new Date(verdict.untilMs).toISOString(),
      });
    }
    throw new UnauthenticatedError(
      secret === undefined ? "the Authorization header must be 'Bearer <token>'" : 'the API token is not valid (mistyped, revoked or never created)',
    );
  }
  limiter.recordSuccess(address);
  if (!roleAllows(token.role, required)) {
    throw new ForbiddenError(`token '${token.name}' has the ${token.role} role; this request needs ${required}`);
  }
  return { name: token.name, role: token.role, requestId: request.id };
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The actor of a live session cookie; unsafe methods and foreign origins must pass the CSRF checks. */
function sessionActor(request: FastifyRequest, sessions: SessionStore | undefined): Actor | undefined {
  const id = sessions ? readCookie(request.headers.cookie, sessionCookieName) : undefined;
  const session = id === undefined ? undefined : sessions?.find(id);
  if (!session) return undefined;
  const origin = request.headers.origin;
  if (origin !== undefined && hostOf(origin) !== request.headers.host) {
    throw new ForbiddenError(`a session cookie is only accepted from the dashboard's own origin, not ${origin}`);
  }
  if (!safeMethods.has(request.method) && request.headers[csrfHeaderName] !== csrfHeaderValue) {
    throw new ForbiddenError(`a request authenticated by the session cookie must send '${csrfHeaderName}: ${csrfHeaderValue}'`);
  }
  return { name: session.tokenName, role: session.role, requestId: request.id };
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
