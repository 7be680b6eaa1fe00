/**
 * src/core: the pure domain of sre-monitor. No I/O, no wall clock: functions take `nowMs`
 * and return decisions. Everything above (engine, adapters, http, cli) depends on this folder,
 * never the other way round.
 */
export * from './clock.js';
export * from './errors.js';
export * from './duration.js';
export * from './auth/roles.js';
export * from './auth/auth-failure-limiter.js';
export * from './events/domain-events.js';
export * from './services/service.js';
export * from './services/dependency-graph.js';
