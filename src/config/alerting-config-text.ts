/**
 * The alerting config as `/api/v2/status` shows it (Alertmanager's `config.original`), with
 * every credential masked as `<secret>` the way Alertmanager masks them: webhook and API URLs
 * (Slack and Teams URLs are the secret), keys, tokens, passwords, signing secrets, `oauth2`
 * client secrets, `http_headers` secrets, and the ack-link secret. Viewers can read this endpoint.
 */
import { stringify } from 'yaml';
import type { RawConfig } from './schema.js';

// `secrets`: the list of an `http_headers` entry's hidden values.
const secretKey = /(url|key|secrets?|password|token|credentials|auth|sid)(_file)?$/i;

function mask(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return value.map((item) => mask(item, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, child]) => [name, mask(child, name)]));
  }
  return typeof value === 'string' && secretKey.test(key) ? '<secret>' : value;
}

export function alertingConfigText(raw: RawConfig): string {
  const { ack_links: _ackLinks, ...rest } = raw.alerting;
  const { external_url: externalUrl, ...others } = rest;
  return stringify({ ...(externalUrl === undefined ? {} : { external_url: externalUrl }), ...(mask(others, '') as Record<string, unknown>) });
}
