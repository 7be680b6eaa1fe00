/**
 * Alertmanager's proxy settings in `http_config`: `proxy_url` (http or https proxy, tunnelled
 * with CONNECT), `no_proxy` (comma-separated hosts, domains and CIDR ranges reached directly),
 * `proxy_from_environment` (HTTP_PROXY / HTTPS_PROXY / NO_PROXY) and `proxy_connect_header`
 * (headers sent to the proxy on CONNECT, each a list of values).
 */
import { BlockList, isIP } from 'node:net';
import { readList, readMapping, readString } from '../../core/alerting/config-reader.js';
import { checkHttpUrl, type IntegrationConfigReader } from './integration-config.js';

export interface ProxySettings {
  /** The proxy; undefined with `fromEnvironment`. */
  url?: string;
  fromEnvironment: boolean;
  /** `no_proxy` entries, lower case. */
  noProxy: string[];
  connectHeaders: Record<string, string[]>;
}

/** Reads the proxy keys of an `http_config` mapping; undefined when none is set. */
export function readProxyConfig(http: IntegrationConfigReader): ProxySettings | undefined {
  const hasUrl = http.has('proxy_url');
  const fromEnvironment = http.boolean('proxy_from_environment', false);
  if (!hasUrl && !fromEnvironment) {
    for (const key of ['no_proxy', 'proxy_connect_header']) if (http.has(key)) http.problems.add(http.at(key), 'needs proxy_url');
    return undefined;
  }
  if (hasUrl && fromEnvironment) {
    http.problems.add(http.at('proxy_from_environment'), 'set either proxy_url or proxy_from_environment, not both');
    return undefined;
  }
  let url: string | undefined;
  if (hasUrl) {
    const text = http.string('proxy_url');
    if (checkHttpUrl(text, http.at('proxy_url'), http.problems)) url = text;
  }
  const noProxy = http
    .string('no_proxy')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
  if (fromEnvironment && noProxy.length > 0) http.problems.add(http.at('no_proxy'), 'with proxy_from_environment, NO_PROXY from the environment applies: leave no_proxy out');
  const connectHeaders: Record<string, string[]> = {};
  const headersPath = http.at('proxy_connect_header');
  for (const [name, values] of Object.entries(readMapping(http.mapping.proxy_connect_header ?? {}, headersPath, http.problems) ?? {})) {
    const list = readList(values, [...headersPath, name], http.problems) ?? [];
    connectHeaders[name] = list.flatMap((value, index) => readString(value, [...headersPath, name, index], http.problems) ?? []);
  }
  return { ...(url === undefined ? {} : { url }), fromEnvironment, noProxy, connectHeaders };
}

/** True when `host` (a hostname or IP, without port) is reached directly by `no_proxy`. */
export function bypassesProxy(host: string, noProxy: readonly string[]): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  const family = isIP(name);
  for (const entry of noProxy) {
    if (entry === '*' || entry === name) return true;
    if (family !== 0 && entry.includes('/')) {
      const [network, bits] = entry.split('/');
      const networkFamily = isIP(network ?? '');
      if (networkFamily === 0 || networkFamily !== family) continue;
      const blocks = new BlockList();
      try {
        blocks.addSubnet(network ?? '', Number(bits), family === 6 ? 'ipv6' : 'ipv4');
      } catch {
        continue;
      }
      if (blocks.check(name, family === 6 ? 'ipv6' : 'ipv4')) return true;
      continue;
    }
    if (family === 0) {
      const domain = entry.startsWith('.') ? entry.slice(1) : entry;
      if (name === domain || name.endsWith(`.${domain}`)) return true;
    }
  }
  return false;
}
