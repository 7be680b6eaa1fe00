/**
 * `http_config.http_headers` (Prometheus' common HTTP client config, as Alertmanager reads it):
 * extra headers sent with every request of an integration, each with `values` (inline),
 * `secrets` (inline, not shown back) and `files` (read at each send, surrounding whitespace
 * trimmed, so a rotated token needs no reload). Several values of one header go out joined with
 * ", ", which HTTP treats as the same as repeated header lines.
 *
 * Headers that Prometheus reserves (Authorization, Host, Content-Type, User-Agent, the connection
 * headers...) cannot be set, and neither can the ones sre-monitor sets itself (Idempotency-Key,
 * the webhook signature): both are problems naming the header, as Prometheus' own check is.
 */
import { readList, readMapping, readString, type PathSegment } from '../../core/alerting/config-reader.js';
import type { IntegrationConfigReader } from './integration-config.js';

/** One configured header; `name` is lower-case. */
export interface CustomHeader {
  name: string;
  values: string[];
  secrets: string[];
  files: string[];
}

/** Prometheus' reserved headers (prometheus/common config/headers.go) plus sre-monitor's own. */
const reservedHeaders = new Set([
  'authorization', 'host', 'content-encoding', 'content-length', 'content-type', 'user-agent', 'connection', 'keep-alive',
  'proxy-authenticate', 'proxy-authorization', 'www-authenticate', 'accept-encoding', 'x-prometheus-remote-write-version',
  'x-prometheus-remote-read-version', 'x-prometheus-scrape-timeout-seconds', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256',
  'idempotency-key', 'x-sre-monitor-signature', 'x-sre-monitor-timestamp', 'transfer-encoding',
]);

/** RFC 9110 token characters: what a header name may hold. */
const headerNamePattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Reads `http_headers` of the `http_config` that `http` reads; undefined when absent. */
export function readHttpHeaders(http: IntegrationConfigReader): CustomHeader[] | undefined {
  const raw = http.mapping.http_headers;
  if (raw === undefined || raw === null) return undefined;
  const path = http.at('http_headers');
  const mapping = readMapping(raw, path, http.problems);
  if (mapping === undefined) return undefined;
  const headers: CustomHeader[] = [];
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(mapping)) {
    const at: PathSegment[] = [...path, name];
    const lower = name.toLowerCase();
    if (!headerNamePattern.test(name)) {
      http.problems.add(at, 'is not a valid HTTP header name');
      continue;
    }
    if (reservedHeaders.has(lower)) {
      http.problems.add(at, `setting header ${JSON.stringify(name)} is not allowed (set by sre-monitor or by the connection)`);
      continue;
    }
    if (seen.has(lower)) {
      http.problems.add(at, `header ${JSON.stringify(name)} is defined more than once (names are case-insensitive)`);
      continue;
    }
    seen.add(lower);
    const header = readHeader(value, at, http);
    if (header !== undefined) headers.push({ name: lower, ...header });
  }
  return headers;
}

function readHeader(value: unknown, path: PathSegment[], http: IntegrationConfigReader): Omit<CustomHeader, 'name'> | undefined {
  const mapping = readMapping(value, path, http.problems);
  if (mapping === undefined) return undefined;
  for (const key of Object.keys(mapping)) {
    if (!['values', 'secrets', 'files'].includes(key)) http.problems.add([...path, key], 'unknown field (a header has values, secrets and files)');
  }
  const list = (key: 'values' | 'secrets' | 'files'): string[] => {
    const items = mapping[key] === undefined || mapping[key] === null ? [] : (readList(mapping[key], [...path, key], http.problems) ?? []);
    const out: string[] = [];
    items.forEach((item, index) => {
      const text = readString(item, [...path, key, index], http.problems);
      if (text === undefined) return;
      if (/[\r\n]/.test(text)) http.problems.add([...path, key, index], 'must not contain a line break');
      else out.push(text);
    });
    return out;
  };
  return { values: list('values'), secrets: list('secrets'), files: list('files') };
}

/** A `files` entry of `http_headers` that cannot be used: a config failure of the send. */
export class HeaderFileError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'HeaderFileError';
  }
}

/**
 * The headers to send, by lower-case name; `readFile` reads a `files` entry (the notifier
 * context's secret reader, which trims). Rejects with HeaderFileError when a file cannot be read
 * or holds a line break.
 */
export async function resolveHttpHeaders(headers: readonly CustomHeader[], readFile: (path: string) => Promise<string>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const header of headers) {
    const fromFiles = await Promise.all(
      header.files.map(async (file) => {
        let text: string;
        try {
          text = await readFile(file);
        } catch (error) {
          throw new HeaderFileError(`cannot read the file ${file} of header ${header.name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
        if (/[\r\n]/.test(text)) throw new HeaderFileError(`header ${header.name}: the file ${file} holds more than one line`);
        return text;
      }),
    );
    const values = [...header.values, ...header.secrets, ...fromFiles];
    if (values.length > 0) out[header.name] = values.join(', ');
  }
  return out;
}
