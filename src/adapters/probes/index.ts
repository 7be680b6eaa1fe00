/**
 * src/adapters/probes: one Probe per monitor kind (`http`, `tcp`, `tls`, `dns`, `postgres`,
 * `redis`, `host`), each doing one attempt (network kinds on a fresh connection) and turning every
 * failure into a precise `down` message. Shared pieces: phase timings from socket events, a
 * settle-once attempt for aborts, Node error and TLS authorization messages, certificate expiry,
 * password redaction for connection URLs.
 */
export * from './http-probe.js';
export * from './tcp-probe.js';
export * from './tls-probe.js';
export * from './dns-probe.js';
export { validateJsonPath } from './http-body-assertions.js';
export { createProbeTimeoutSignal, ProbeTimeoutError } from './probe-timeout.js';
export type { ExpectedStatus } from './http-status-expectation.js';
export * from './postgres-probe.js';
export * from './redis-probe.js';
export * from './host-probe.js';
export { createHostReaders, type DiskReading, type HostReaders, type HostReadersOptions, type MemoryReading } from './host-readers.js';
