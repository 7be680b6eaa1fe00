/**
 * Reading one integration entry (`receivers[i].slack_configs[j]`) into typed settings, every
 * problem reported with its path. Field names and defaults are Alertmanager's, so an existing
 * alertmanager.yml keeps working. Secrets may come inline or from a file (`url` / `url_file`);
 * a file is read when a notification is sent, as Alertmanager does, so a rotated secret is
 * picked up without a reload.
 */
import {
  checkKnownKeys,
  readBoolean,
  readList,
  readMapping,
  readString,
  type Mapping,
  type PathSegment,
  type ProblemList,
} from '../../core/alerting/config-reader.js';
import type { HttpTransport } from './http-transport.js';
import { readOAuth2, type OAuth2Settings } from './oauth2-client.js';

/** A secret given inline or as a file path read at send time (trailing whitespace trimmed). */
export type SecretValue = { kind: 'inline'; value: string } | { kind: 'file'; path: string };

/** Authentication from Alertmanager's `http_config` (the parts sre-monitor supports). */
export type HttpAuth =
  | { kind: 'authorization'; type: string; credentials: SecretValue }
  | { kind: 'basic'; username: string; password: SecretValue }
  | OAuth2Settings;

/** `http_config` keys sre-monitor reads; `follow_redirects` and `enable_http2` are accepted and have no effect. */
const httpConfigKeys = ['authorization', 'basic_auth', 'bearer_token', 'bearer_token_file', 'oauth2', 'tls_config', 'proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header', 'http_headers', 'follow_redirects', 'enable_http2'];
/** Alertmanager `http_config` keys sre-monitor does not implement: a problem rather than a silent ignore. */
const unsupportedHttpConfigKeys: string[] = [];

/** Reads the fields of one integration mapping; problems go to the shared list. */
export class IntegrationConfigReader {
  constructor(
    readonly mapping: Mapping,
    readonly path: PathSegment[],
    readonly problems: ProblemList,
    /** From `global.http_config`: used when the entry has no `http_config` of its own. */
    readonly defaultAuth?: HttpAuth,
    /** `global.http_config`'s TLS and proxy settings, likewise. */
    readonly defaultTransport?: HttpTransport,
  ) {}

  at(key: PathSegment): PathSegment[] {
    return [...this.path, key];
  }

  /** `global.<key>` beside the receivers list this entry is in (its path is `[...receivers, i, key, j]`). */
  globalPath(key: string): PathSegment[] {
    return [...this.path.slice(0, -4), 'global', key];
  }

  /** Adds the problems of `found` unless the list has them already: a `global:` problem is reported once, not per entry. */
  addProblemsOnce(found: ProblemList): void {
    for (const problem of found.problems) {
      const known = this.problems.problems.some((other) => other.message === problem.message && other.path.join('\0') === problem.path.join('\0'));
      if (!known) this.problems.add(problem.path, problem.message);
    }
  }

  /**
   * Reports unknown keys. `accepted` are Alertmanager keys that sre-monitor reads without using
   * (so an existing config is not rejected for them); they count as known.
   */
  checkKeys(used: readonly string[], accepted: readonly string[] = []): void {
    checkKnownKeys(this.mapping, [...used, ...accepted], this.path, this.problems);
  }

  has(key: string): boolean {
    const value = this.mapping[key];
    return value !== undefined && value !== null && value !== '';
  }

  /** The field as text; '' when absent. */
  string(key: string): string {
    return readString(this.mapping[key], this.at(key), this.problems) ?? '';
  }

  /** A boolean with the integration's default when the field is absent. */
  boolean(key: string, defaultValue: boolean): boolean {
    if (this.mapping[key] === undefined || this.mapping[key] === null) return defaultValue;
    return readBoolean(this.mapping[key], this.at(key), this.problems) ?? defaultValue;
  }

  /** A whole number >= 0, e.g. `max_alerts` (0 = no limit). */
  nonNegativeInteger(key: string, defaultValue: number): number {
    const value = this.mapping[key];
    if (value === undefined || value === null) return defaultValue;
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number === 'number' && Number.isInteger(number) && number >= 0) return number;
    this.problems.add(this.at(key), 'must be a whole number >= 0');
    return defaultValue;
  }

  /** A mapping of strings (`headers`, `details`). */
  stringMap(key: string): Record<string, string> {
    const mapping = readMapping(this.mapping[key], this.at(key), this.problems) ?? {};
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(mapping)) {
      const text = readString(value, [...this.at(key), name], this.problems);
      if (text !== undefined) out[name] = text;
    }
    return out;
  }

  /** A list of strings, or one string taken as a list of one (`to: +15550100`). */
  stringOrList(key: string): string[] {
    const value = this.mapping[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      const text = readString(value, this.at(key), this.problems);
      return text === undefined || text === '' ? [] : [text];
    }
    const out: string[] = [];
    (readList(value, this.at(key), this.problems) ?? []).forEach((item, index) => {
      const text = readString(item, [...this.at(key), index], this.problems);
      if (text !== undefined && text !== '') out.push(text);
    });
    return out;
  }

  /**
   * `key` or `key_file` (e.g. `url` / `url_file`, `routing_key` / `routing_key_file`); at most
   * one. Falls back to `fallback` (from `global:`) when neither is set; reports a missing
   * value when `required`. An inline URL must be an absolute http(s) URL when `isUrl`.
   */
  secret(key: string, options: { required: boolean; isUrl?: boolean; fileKey?: string; fallback?: SecretValue }): SecretValue | undefined {
    const fileKey = options.fileKey ?? `${key}_file`;
    const inline = this.has(key) ? this.string(key) : '';
    const file = this.has(fileKey) ? this.string(fileKey) : '';
    if (inline !== '' && file !== '') {
      this.problems.add(this.at(fileKey), `at most one of ${key} and ${fileKey} may be set`);
      return undefined;
    }
    if (file !== '') return { kind: 'file', path: file };
    if (inline !== '') {
      if (options.isUrl === true && !checkHttpUrl(inline, this.at(key), this.problems)) return undefined;
      return { kind: 'inline', value: inline };
    }
    if (options.fallback !== undefined) return options.fallback;
    if (options.required) this.problems.add(this.path, `missing ${key} (one of ${key} or ${fileKey} must be set)`);
    return undefined;
  }

  /**
   * `http_config`: bearer token, `authorization`, `basic_auth` or `oauth2`; unsupported parts are
   * problems. Without one, the `global.http_config` authentication (Alertmanager's default for
   * every integration).
   */
  httpAuth(): HttpAuth | undefined {
    const path = this.at('http_config');
    const config = readMapping(this.mapping.http_config, path, this.problems);
    if (config === undefined) return this.defaultAuth;
    const unsupported = Object.keys(config).filter((key) => unsupportedHttpConfigKeys.includes(key));
    for (const key of unsupported) this.problems.add([...path, key], 'not supported by sre-monitor yet');
    checkKnownKeys(Object.fromEntries(Object.entries(config).filter(([key]) => !unsupported.includes(key))), httpConfigKeys, path, this.problems);
    const http = new IntegrationConfigReader(config, path, this.problems);
    const methods = ['authorization', 'basic_auth', 'bearer_token', 'bearer_token_file', 'oauth2'].filter((key) => http.has(key));
    if (methods.length > 1) {
      this.problems.add(path, `at most one of authorization, basic_auth, bearer_token and oauth2 may be set (got ${methods.join(', ')})`);
      return undefined;
    }
    if (http.has('oauth2')) return readOAuth2(http);
    if (http.has('bearer_token') || http.has('bearer_token_file')) {
      const credentials = http.secret('bearer_token', { required: true });
      return credentials === undefined ? undefined : { kind: 'authorization', type: 'Bearer', credentials };
    }
    if (http.has('authorization')) return readAuthorization(http);
    if (http.has('basic_auth')) return readBasicAuth(http);
    return undefined;
  }
}

function readAuthorization(http: IntegrationConfigReader): HttpAuth | undefined {
  const path = http.at('authorization');
  const mapping = readMapping(http.mapping.authorization, path, http.problems);
  if (mapping === undefined) return undefined;
  const reader = new IntegrationConfigReader(mapping, path, http.problems);
  reader.checkKeys(['type', 'credentials', 'credentials_file']);
  const credentials = reader.secret('credentials', { required: true });
  const type = reader.string('type') || 'Bearer';
  return credentials === undefined ? undefined : { kind: 'authorization', type, credentials };
}

function readBasicAuth(http: IntegrationConfigReader): HttpAuth | undefined {
  const path = http.at('basic_auth');
  const mapping = readMapping(http.mapping.basic_auth, path, http.problems);
  if (mapping === undefined) return undefined;
  const reader = new IntegrationConfigReader(mapping, path, http.problems);
  reader.checkKeys(['username', 'password', 'password_file']);
  const username = reader.string('username');
  if (username === '') http.problems.add(path, 'basic_auth needs a username');
  const password = reader.secret('password', { required: false }) ?? { kind: 'inline', value: '' };
  return username === '' ? undefined : { kind: 'basic', username, password };
}

/** True when `text` is an absolute http or https URL; reports a problem otherwise. */
export function checkHttpUrl(text: string, path: PathSegment[], problems: ProblemList): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problems.add(path, 'must be an absolute URL (http:// or https://)');
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.add(path, `must be an http:// or https:// URL, got ${url.protocol}`);
    return false;
  }
  return true;
}

/** A global setting as a secret (`global.slack_api_url` / `slack_api_url_file`), when set. */
export function globalSecret(global: Mapping, key: string): SecretValue | undefined {
  const inline = global[key];
  const file = global[`${key}_file`];
  if (typeof inline === 'string' && inline !== '') return { kind: 'inline', value: inline };
  if (typeof file === 'string' && file !== '') return { kind: 'file', path: file };
  return undefined;
}

/** A global setting as text ('' when unset or not a scalar). */
export function globalString(global: Mapping, key: string): string {
  const value = global[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}
