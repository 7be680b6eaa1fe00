/**
 * src/adapters/probes: one Probe per monitor kind (`http`, `tcp`, `tls`), each doing one
 * attempt on a fresh connection and turning every failure into a precise `down` message. Shared
 * pieces: phase timings from socket events, a settle-once attempt for aborts, Node error and TLS
 * authorization messages, certificate expiry.
 */
export * from './http-probe.js';
export * from './tcp-probe.js';
export * from './tls-probe.js';
export { validateJsonPath } from './http-body-assertions.js';
export { createProbeTimeoutSignal, ProbeTimeoutError } from './probe-timeout.js';
export type { ExpectedStatus } from './http-status-expectation.js';
