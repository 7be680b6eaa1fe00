/**
 * Alertmanager's `tls_config` (in `email_configs` and in `http_config`): which certificate
 * authorities to trust, a client certificate for mutual TLS, the server name to verify, the
 * TLS versions allowed, or `insecure_skip_verify`. PEM values come inline (`ca`, `cert`, `key`)
 * or from files (`ca_file`, `cert_file`, `key_file`); files are read when a notification is
 * sent, as secret files are, so renewed certificates are used without a reload.
 */
import type { SecureVersion } from 'node:tls';
import { readMapping } from '../../core/alerting/config-reader.js';
import { IntegrationConfigReader, type SecretValue } from './integration-config.js';

export interface TlsSettings {
  ca?: SecretValue;
  cert?: SecretValue;
  key?: SecretValue;
  serverName?: string;
  insecureSkipVerify: boolean;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
}

/** Node's options for `tls.connect` (also what nodemailer's `tls` and undici's `connect` take). */
export interface TlsConnectOptions {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  rejectUnauthorized: boolean;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
}

/** Alertmanager's version names (Go's) and Node's. */
const versions: Record<string, SecureVersion> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };
const versionRank: SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

function readVersion(reader: IntegrationConfigReader, key: string): SecureVersion | undefined {
  const text = reader.string(key);
  if (text === '') return undefined;
  const version = versions[text];
  if (version === undefined) reader.problems.add(reader.at(key), `must be one of ${Object.keys(versions).join(', ')}, got ${JSON.stringify(text)}`);
  return version;
}

/** Reads `tls_config` under `reader` (undefined when absent); problems name the field. */
export function readTlsConfig(reader: IntegrationConfigReader, key = 'tls_config'): TlsSettings | undefined {
  if (reader.mapping[key] === undefined || reader.mapping[key] === null) return undefined;
  const path = reader.at(key);
  const mapping = readMapping(reader.mapping[key], path, reader.problems);
  if (mapping === undefined) return undefined;
  const tls = new IntegrationConfigReader(mapping, path, reader.problems);
  tls.checkKeys(['ca', 'ca_file', 'cert', 'cert_file', 'key', 'key_file', 'server_name', 'insecure_skip_verify', 'min_version', 'max_version']);
  const ca = tls.secret('ca', { required: false });
  const cert = tls.secret('cert', { required: false });
  const clientKey = tls.secret('key', { required: false });
  if ((cert === undefined) !== (clientKey === undefined)) tls.problems.add(path, 'a client certificate needs both cert (or cert_file) and key (or key_file)');
  const minVersion = readVersion(tls, 'min_version');
  const maxVersion = readVersion(tls, 'max_version');
  if (minVersion !== undefined && maxVersion !== undefined && versionRank.indexOf(minVersion) > versionRank.indexOf(maxVersion)) {
    tls.problems.add(tls.at('max_version'), `must not be below min_version (${minVersion})`);
  }
  const serverName = tls.string('server_name');
  return {
    ...(ca ? { ca } : {}),
    ...(cert && clientKey ? { cert, key: clientKey } : {}),
    ...(serverName === '' ? {} : { serverName }),
    insecureSkipVerify: tls.boolean('insecure_skip_verify', false),
    ...(minVersion ? { minVersion } : {}),
    ...(maxVersion ? { maxVersion } : {}),
  };
}

/** The connect options, files read now with `resolve` (which throws when one cannot be read). */
export async function tlsConnectOptions(settings: TlsSettings, resolve: (secret: SecretValue) => Promise<string>): Promise<TlsConnectOptions> {
  const read = (value: SecretValue | undefined) => (value === undefined ? Promise.resolve(undefined) : resolve(value));
  const [ca, cert, key] = await Promise.all([read(settings.ca), read(settings.cert), read(settings.key)]);
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined || key === undefined ? {} : { cert, key }),
    ...(settings.serverName === undefined ? {} : { servername: settings.serverName }),
    rejectUnauthorized: !settings.insecureSkipVerify,
    ...(settings.minVersion ? { minVersion: settings.minVersion } : {}),
    ...(settings.maxVersion ? { maxVersion: settings.maxVersion } : {}),
  };
}
