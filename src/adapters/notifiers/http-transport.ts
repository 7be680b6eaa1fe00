/**
 * How an HTTP integration reaches its receiver, from Alertmanager's `http_config`: TLS settings
 * (`tls_config`), a proxy (`proxy_url`, `no_proxy`, `proxy_from_environment`,
 * `proxy_connect_header`) and extra headers (`http_headers`, http-headers-config.ts). An entry without `http_config` uses `global.http_config`'s; an
 * entry's own `http_config` replaces the global one, as in Alertmanager. Authentication is read
 * by `IntegrationConfigReader.httpAuth`.
 */
import { Agent, EnvHttpProxyAgent, ProxyAgent, type Dispatcher } from 'undici';
import { IntegrationConfigReader, type SecretValue } from './integration-config.js';
import { readHttpHeaders, type CustomHeader } from './http-headers-config.js';
import { bypassesProxy, readProxyConfig, type ProxySettings } from './proxy-config.js';
import { readTlsConfig, tlsConnectOptions, type TlsSettings } from './tls-config.js';

export interface HttpTransport {
  tls?: TlsSettings;
  proxy?: ProxySettings;
  /** `http_headers`: extra headers on every request. */
  headers?: CustomHeader[];
}

/** The transport of the entry `reader` reads (or the global default); undefined for Node's defaults. */
export function readHttpTransport(reader: IntegrationConfigReader): HttpTransport | undefined {
  const config = reader.mapping.http_config;
  if (config === undefined || config === null) return reader.defaultTransport;
  if (typeof config !== 'object' || Array.isArray(config)) return undefined; // reported by httpAuth
  const http = new IntegrationConfigReader(config as Record<string, unknown>, reader.at('http_config'), reader.problems);
  const tls = readTlsConfig(http);
  const proxy = readProxyConfig(http);
  const headers = readHttpHeaders(http);
  if (tls === undefined && proxy === undefined && (headers === undefined || headers.length === 0)) return undefined;
  return { ...(tls ? { tls } : {}), ...(proxy ? { proxy } : {}), ...(headers !== undefined && headers.length > 0 ? { headers } : {}) };
}

/**
 * A dispatcher for one send to `url` (close it afterwards), or undefined for the default one.
 * Certificate files are read now, so renewed ones are used without a reload.
 */
export async function dispatcherFor(url: string, transport: HttpTransport | undefined, resolve: (secret: SecretValue) => Promise<string>): Promise<Dispatcher | undefined> {
  if (transport === undefined) return undefined;
  const tls = transport.tls === undefined ? undefined : await tlsConnectOptions(transport.tls, resolve);
  const proxy = transport.proxy;
  if (proxy?.fromEnvironment) return new EnvHttpProxyAgent(tls === undefined ? {} : { connect: tls, requestTls: tls });
  if (proxy?.url !== undefined && !bypassesProxy(new URL(url).hostname, proxy.noProxy)) {
    const headers = Object.fromEntries(Object.entries(proxy.connectHeaders).map(([name, values]) => [name.toLowerCase(), values.join(', ')]));
    return new ProxyAgent({ uri: proxy.url, headers, ...(tls === undefined ? {} : { requestTls: tls }) });
  }
  return tls === undefined ? undefined : new Agent({ connect: tls });
}
