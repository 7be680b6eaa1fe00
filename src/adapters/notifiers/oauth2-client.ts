/**
 * `http_config.oauth2` (Prometheus' common HTTP client config, as Alertmanager reads it): the
 * OAuth 2.0 client credentials grant (RFC 6749 §4.4). A token is requested from `token_url` with
 * the client id and secret as HTTP Basic credentials (each form-encoded first, §2.3.1),
 * `grant_type=client_credentials`, the `scopes` joined with spaces and any `endpoint_params`;
 * it is kept until 10 s before its `expires_in` (no `expires_in`: until a receiver answers 401)
 * and shared by every send of the integration, concurrent ones included. A reload builds new
 * settings and so starts with no token.
 *
 * Outcomes of the token request: 5xx, 429, timeouts and network errors are retryable failures
 * of the send; any other answer (a 4xx such as `invalid_client`, a body without
 * `access_token`) is an `auth` failure, not retried, naming the token endpoint's host.
 */
import type { DeliveryResult } from '../../core/alerting/notification.js';
import { readList, readMapping, readString } from '../../core/alerting/config-reader.js';
import { failureOfError } from './http-failure.js';
import type { HttpPost } from './http-post.js';
import { checkHttpUrl, IntegrationConfigReader, type SecretValue } from './integration-config.js';
import { receiverUrl } from './receiver-url.js';

export interface OAuth2Settings {
  kind: 'oauth2';
  clientId: string;
  clientSecret: SecretValue;
  tokenUrl: string;
  scopes: string[];
  endpointParams: Record<string, string>;
}

/** Keys of Prometheus' `oauth2` block that sre-monitor does not implement. */
const unsupportedOAuth2Keys = ['client_secret_ref', 'tls_config', 'proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header'];

/** Reads `http_config.oauth2`; problems name the field. */
export function readOAuth2(http: IntegrationConfigReader): OAuth2Settings | undefined {
  const path = http.at('oauth2');
  const mapping = readMapping(http.mapping.oauth2, path, http.problems);
  if (mapping === undefined) return undefined;
  const reader = new IntegrationConfigReader(mapping, path, http.problems);
  for (const key of Object.keys(mapping).filter((key) => unsupportedOAuth2Keys.includes(key))) http.problems.add([...path, key], 'not supported by sre-monitor yet');
  reader.checkKeys(['client_id', 'client_secret', 'client_secret_file', 'scopes', 'token_url', 'endpoint_params'], unsupportedOAuth2Keys);
  const clientId = reader.string('client_id');
  if (clientId === '') http.problems.add(path, 'oauth2 needs a client_id');
  const clientSecret = reader.secret('client_secret', { required: true });
  const tokenUrl = reader.string('token_url');
  if (tokenUrl === '') http.problems.add(path, 'oauth2 needs a token_url');
  else if (!checkHttpUrl(tokenUrl, reader.at('token_url'), http.problems)) return undefined;
  const scopes: string[] = [];
  if (mapping.scopes !== undefined && mapping.scopes !== null) {
    (readList(mapping.scopes, reader.at('scopes'), http.problems) ?? []).forEach((scope, index) => {
      const text = readString(scope, [...reader.at('scopes'), index], http.problems);
      if (text !== undefined && text !== '') scopes.push(text);
    });
  }
  const endpointParams = mapping.endpoint_params === undefined || mapping.endpoint_params === null ? {} : reader.stringMap('endpoint_params');
  if (clientId === '' || clientSecret === undefined || tokenUrl === '') return undefined;
  return { kind: 'oauth2', clientId, clientSecret, tokenUrl, scopes, endpointParams };
}

/** A token request that failed; `result` is what the send answers. */
export class OAuth2TokenError extends Error {
  constructor(readonly result: DeliveryResult) {
    super(result.ok ? 'token request failed' : result.message);
    this.name = 'OAuth2TokenError';
  }
}

interface Token {
  value: string;
  type: string;
  /** Renew at or after this time; Infinity when the server gave no lifetime. */
  renewAtMs: number;
}

export interface OAuth2TokenSource {
  /** `Authorization` header value, fetching a token when none is held or it is about to expire. */
  authorization(signal: AbortSignal): Promise<string>;
  /** The receiver answered 401: the next send asks for a new token. */
  invalidate(): void;
}

export interface OAuth2Dependencies {
  post: HttpPost;
  nowMs(): number;
  timeoutMs: number;
  userAgent: string;
  resolveSecret(secret: SecretValue): Promise<string>;
}

const formEncode = (text: string): string => encodeURIComponent(text).replace(/%20/g, '+');

function failure(retryable: boolean, reason: 'auth' | 'server', message: string): OAuth2TokenError {
  return new OAuth2TokenError({ ok: false, retryable, reason, message });
}

export function createOAuth2TokenSource(settings: OAuth2Settings, dependencies: OAuth2Dependencies): OAuth2TokenSource {
  let held: Token | undefined;
  let fetching: Promise<Token> | undefined;
  // token_url was checked to be an http(s) URL when the config was read.
  const target = receiverUrl(settings.tokenUrl).host;

  const fetchToken = async (signal: AbortSignal): Promise<Token> => {
    const secret = await dependencies.resolveSecret(settings.clientSecret);
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (settings.scopes.length > 0) form.set('scope', settings.scopes.join(' '));
    for (const [name, value] of Object.entries(settings.endpointParams)) form.set(name, value);
    const basic = Buffer.from(`${formEncode(settings.clientId)}:${formEncode(secret)}`).toString('base64');
    let answer;
    try {
      answer = await dependencies.post(settings.tokenUrl, {
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: `Basic ${basic}`, 'user-agent': dependencies.userAgent },
        body: form.toString(),
        signal,
        timeoutMs: dependencies.timeoutMs,
      });
    } catch (error) {
      const failed = failureOfError(error, { target, timeoutMs: dependencies.timeoutMs });
      throw new OAuth2TokenError({ ...failed, message: `oauth2 token request: ${failed.message}` });
    }
    if (answer.status >= 500 || answer.status === 429) throw failure(true, 'server', `oauth2: token endpoint ${target} answered HTTP ${answer.status}`);
    let body: { access_token?: unknown; token_type?: unknown; expires_in?: unknown; error?: unknown } = {};
    try {
      body = JSON.parse(answer.bodyStart) as typeof body;
    } catch {
      // Not JSON: reported below.
    }
    if (answer.status < 200 || answer.status >= 300 || typeof body.access_token !== 'string' || body.access_token === '') {
      const why = typeof body.error === 'string' ? ` (${body.error})` : answer.status >= 200 && answer.status < 300 ? ' without an access_token' : '';
      throw failure(false, 'auth', `oauth2: token endpoint ${target} answered HTTP ${answer.status}${why}`);
    }
    const lifetimeS = typeof body.expires_in === 'number' ? body.expires_in : typeof body.expires_in === 'string' ? Number(body.expires_in) : NaN;
    const type = typeof body.token_type === 'string' && body.token_type !== '' ? body.token_type : 'Bearer';
    return {
      value: body.access_token,
      // Go's oauth2 renews 10 s early, so a token never expires on the way to the receiver.
      type: type.toLowerCase() === 'bearer' ? 'Bearer' : type,
      renewAtMs: Number.isFinite(lifetimeS) && lifetimeS > 0 ? dependencies.nowMs() + lifetimeS * 1000 - 10_000 : Infinity,
    };
  };

  return {
    async authorization(signal) {
      if (held === undefined || dependencies.nowMs() >= held.renewAtMs) {
        fetching ??= fetchToken(signal).finally(() => {
          fetching = undefined;
        });
        held = await fetching;
      }
      return `${held.type} ${held.value}`;
    },
    invalidate() {
      held = undefined;
    },
  };
}
