/**
 * `sns_configs`: one Amazon SNS `Publish` per notification, as Alertmanager sends it: a POST of
 * the Query API (`Action=Publish&Version=2010-03-31`, form-encoded) to the region's endpoint
 * (`https://sns.<region>.amazonaws.com/`, or `api_url`), signed with AWS Signature Version 4 for
 * service `sns`. Exactly one of `topic_arn`, `phone_number` and `target_arn` says where it goes.
 * `subject`, `message` and the `attributes` (String message attributes) are templates.
 *
 * Limits, as Alertmanager keeps them: the message is cut to 256 KiB (1,600 bytes for SMS), never
 * inside a character, and then carries the attribute `truncated=true`. SNS refuses a subject
 * with line breaks or control characters or of 100 characters or more, which Alertmanager sends
 * as rendered (and loses the notification to a 400); sre-monitor puts such characters as spaces
 * and cuts the subject to 99 characters. A FIFO topic (`.fifo`) gets `MessageGroupId`, the hex
 * SHA-256 of the group key, as in Alertmanager.
 *
 * Credentials are looked up at each send, in the AWS SDK's order: `sigv4.access_key` and
 * `secret_key`; the `sigv4.profile` of the shared credentials and config files; the
 * `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` environment variables; the
 * `AWS_PROFILE` (or `default`) profile. With `sigv4.role_arn` those credentials only call STS
 * `AssumeRole`, and the role's temporary credentials (kept until shortly before they expire)
 * sign the Publish. SNS answers XML: a `Throttling` error (HTTP 400) and 5xx are retried, other
 * errors are dead-lettered with SNS's error code and message. The signing library (aws4) is
 * loaded at the first send, as decision 30 has it for clients most installations do not use.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import { readMapping, readString, type PathSegment } from '../../core/alerting/config-reader.js';
import type { DeliveryResult, Notification, Notifier } from '../../core/alerting/notification.js';
import { lazyModule } from '../lazy-module.js';
import type { ChannelFactory } from './channel.js';
import { renderGoTemplate } from './go-template.js';
import { configFailure, deliveryResultOf, postThrough, resolveSecret, SecretFileError, type NotifierContext } from './http-delivery.js';
import { failureOfError } from './http-failure.js';
import { HeaderFileError, resolveHttpHeaders } from './http-headers-config.js';
import type { PostAnswer } from './http-post.js';
import { dispatcherFor, readHttpTransport, type HttpTransport } from './http-transport.js';
import { checkHttpUrl, IntegrationConfigReader, type SecretValue } from './integration-config.js';
import { notificationText, notificationTitle, shortText, truncateRunes } from './notification-text.js';
import { receiverUrl } from './receiver-url.js';
import { defaultNamedTemplates, fieldName, templateData } from './template-rendering.js';

const loadAws4 = lazyModule(async () => (await import('aws4')).default);

export const snsApiVersion = '2010-03-31';
const stsApiVersion = '2011-06-15';
const formContentType = 'application/x-www-form-urlencoded; charset=utf-8';

/** SNS's limits: 256 KiB for a message with its attributes; 1,600 for SMS (Alertmanager counts bytes); a subject under 100 characters. */
export const snsMessageLimitBytes = 256 * 1024;
export const snsSmsLimitBytes = 1600;
export const snsSubjectMaxCharacters = 99;
/** What Alertmanager adds when it cut the message. */
const truncatedAttribute: [string, string] = ['truncated', 'true'];
/** AssumeRole's session length: the AWS SDK's default, 15 minutes. */
const assumeRoleSeconds = 900;
/** Temporary credentials are renewed this long before they expire. */
const renewBeforeMs = 60_000;
/** SNS error codes that mean "slow down" (HTTP 400 on the Query API): retried. */
const throttlingCodes = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottled', 'TooManyRequestsException', 'KMSThrottling', 'RequestLimitExceeded']);

const arnPartition = 'arn:aws(?:-[a-z]+)*';
export const snsTopicArnPattern = new RegExp(`^${arnPartition}:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}(?:\\.fifo)?$`);
const snsTargetArnPattern = new RegExp(`^${arnPartition}:sns:[a-z0-9-]+:\\d{12}:\\S+$`);
const roleArnPattern = new RegExp(`^${arnPartition}:iam::\\d{12}:role/\\S+$`);
/** E.164: a `+`, then up to 15 digits. */
export const e164Pattern = /^\+[1-9]\d{1,14}$/;
const regionPattern = /^[a-z]{2}(?:-[a-z0-9]+)+-\d+$/;
/** STS's RoleSessionName (prometheus/sigv4 checks it too). */
const sessionNamePattern = /^[\w+=,.@-]{2,64}$/;
/** SNS message attribute names: letters, digits, `_`, `-`, `.`; not starting or ending with `.`, no `..`, not `AWS.` / `Amazon.`. */
const attributeNamePattern = /^(?!\.)(?!.*\.\.)[A-Za-z0-9_.-]{1,256}(?<!\.)$/;
const reservedAttributePrefix = /^(aws|amazon)\./i;

export type SnsDestinationKind = 'topic_arn' | 'phone_number' | 'target_arn';
const destinationParameter: Record<SnsDestinationKind, string> = { topic_arn: 'TopicArn', phone_number: 'PhoneNumber', target_arn: 'TargetArn' };

export interface SnsSigV4Settings {
  /** '' = from the ARN, then AWS_REGION / AWS_DEFAULT_REGION, then the profile. */
  region: string;
  /** '' = the credential chain. */
  accessKey: string;
  secretKey?: SecretValue;
  profile: string;
  roleArn: string;
  externalId: string;
  sessionName: string;
  tags: Array<[string, string]>;
  useFipsStsEndpoint: boolean;
}

export interface SnsSettings {
  /** Template; '' = AWS_ENDPOINT_URL_SNS, AWS_ENDPOINT_URL, else the region's endpoint. */
  apiUrl: string;
  sigv4: SnsSigV4Settings;
  destination: { kind: SnsDestinationKind; value: string };
  /** Template; '' = the default title; null = no Subject (`subject: ''` in the config, as in Alertmanager). */
  subject: string | null;
  /** Template; '' = the default text. */
  message: string;
  /** Templates, names and values, sorted by name. */
  attributes: Array<[string, string]>;
  sendResolved: boolean;
  transport?: HttpTransport;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Why a send cannot start (no credentials, no region, a template that renders no ARN): a config failure. */
class SnsSetupError extends Error {}

type Context = Pick<NotifierContext, 'onTemplateError'>;

const isTemplate = (text: string): boolean => text.includes('{{');

/** `source` rendered for the notification; `extra` names resolve first (`sns.default.message`). */
function render(source: string, notification: Notification, extra: Record<string, string> = {}): string {
  return renderGoTemplate(source, templateData(notification), defaultNamedTemplates(notification, extra));
}

/** A template whose failure falls back to `fallback`, logged (the notification still goes out). */
function renderOr(source: string, fallback: string, notification: Notification, field: string, context: Context, extra: Record<string, string> = {}): string {
  if (source === '') return fallback;
  try {
    return render(source, notification, extra);
  } catch (error) {
    context.onTemplateError(`${fieldName(notification, field)}: ${error instanceof Error ? error.message : String(error)}; sent the default text instead`);
    return fallback;
  }
}

/** A field without a default (an ARN, a phone number, the endpoint): a failure is a config failure. */
function renderRequired(source: string, notification: Notification, field: string): string {
  if (!isTemplate(source)) return source;
  let rendered: string;
  try {
    rendered = render(source, notification).trim();
  } catch (error) {
    throw new SnsSetupError(`the ${field} template does not render: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (rendered === '') throw new SnsSetupError(`the ${field} template renders empty`);
  return rendered;
}

/** `text` cut to at most `maxBytes` bytes of UTF-8, never inside a character (Alertmanager cuts bytes, without a marker). */
export function cutToBytes(text: string, maxBytes: number): { text: string; cut: boolean } {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return { text, cut: false };
  const bytes = Buffer.from(text, 'utf8');
  let end = Math.max(0, maxBytes);
  // bytes[end] is the first byte left out: back up while it continues a character.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return { text: bytes.subarray(0, end).toString('utf8'), cut: true };
}

/** A subject SNS accepts: line breaks and control characters as one space, trimmed, at most 99 characters; '' when nothing is left. */
export function snsSubject(text: string): string {
  const oneLine = text.replace(/\s*[\p{Cc}\u2028\u2029]+\s*/gu, ' ').trim();
  return truncateRunes(oneLine, snsSubjectMaxCharacters).trim();
}

/** The default message: the title and the plain text for topics and mobile endpoints; the short text for SMS. */
function defaultMessage(notification: Notification, kind: SnsDestinationKind): string {
  if (kind === 'phone_number') return shortText(notification);
  return `${notificationTitle(notification)}\n\n${notificationText(notification)}`;
}

const attributeBytes = ([name, value]: [string, string]): number => Buffer.byteLength(name, 'utf8') + 'String'.length + Buffer.byteLength(value, 'utf8');

/** The message attributes: each template rendered; one that fails or renders an empty value is left out (SNS refuses empty values) and logged. */
function renderAttributes(notification: Notification, settings: SnsSettings, context: Context): Array<[string, string]> {
  const out = new Map<string, string>();
  for (const [nameSource, valueSource] of settings.attributes) {
    const what = `${fieldName(notification, 'attributes')}.${nameSource}`;
    let name: string;
    let value: string;
    try {
      name = isTemplate(nameSource) ? render(nameSource, notification).trim() : nameSource;
      value = isTemplate(valueSource) ? render(valueSource, notification) : valueSource;
    } catch (error) {
      context.onTemplateError(`${what}: ${error instanceof Error ? error.message : String(error)}; sent without this attribute`);
      continue;
    }
    if (!attributeNamePattern.test(name) || reservedAttributePrefix.test(name)) {
      context.onTemplateError(`${what}: the name renders ${JSON.stringify(truncateRunes(name, 60))}, not an SNS attribute name; sent without this attribute`);
      continue;
    }
    if (value === '') {
      context.onTemplateError(`${what}: renders empty, which SNS refuses; sent without this attribute`);
      continue;
    }
    out.set(name, value);
  }
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The Publish parameters for a notification sent to `destination` (rendered): Action, Version,
 * the destination, Message, Subject, the message attributes, and for a FIFO topic the group and
 * deduplication ids.
 */
export function snsPublishParameters(notification: Notification, settings: SnsSettings, destination: string, context: Context): Array<[string, string]> {
  const kind = settings.destination.kind;
  const fallbackMessage = defaultMessage(notification, kind);
  const extra = { 'sns.default.message': fallbackMessage };
  const subject = settings.subject === null ? '' : snsSubject(renderOr(settings.subject, notificationTitle(notification), notification, 'subject', context, extra));
  let message = renderOr(settings.message, fallbackMessage, notification, 'message', context, extra);
  // SNS refuses an empty message.
  if (message.trim() === '') message = fallbackMessage;
  const attributes = renderAttributes(notification, settings, context);
  // Attributes (and, to be safe, the subject) count towards SNS's 256 KiB.
  const used = attributes.reduce((total, attribute) => total + attributeBytes(attribute), 0) + Buffer.byteLength(subject, 'utf8');
  const limit = kind === 'phone_number' ? snsSmsLimitBytes : snsMessageLimitBytes - used - attributeBytes(truncatedAttribute);
  const cut = cutToBytes(message, limit);
  if (cut.cut) {
    // As Alertmanager: a cut message says so in an attribute.
    const others = attributes.filter(([name]) => name !== truncatedAttribute[0]);
    attributes.length = 0;
    attributes.push(...others, truncatedAttribute);
  }
  const parameters: Array<[string, string]> = [
    ['Action', 'Publish'],
    ['Version', snsApiVersion],
    [destinationParameter[kind], destination],
    ['Message', cut.text],
  ];
  if (subject !== '') parameters.push(['Subject', subject]);
  attributes.forEach(([name, value], index) => {
    const prefix = `MessageAttributes.entry.${index + 1}`;
    parameters.push([`${prefix}.Name`, name], [`${prefix}.Value.DataType`, 'String'], [`${prefix}.Value.StringValue`, value]);
  });
  if (kind !== 'phone_number' && destination.endsWith('.fifo')) {
    // Alertmanager: the group key's hash for both. sre-monitor deduplicates by the notification's
    // idempotency key instead, so a retry is dropped by SNS but the next notification of the
    // group (its resolve, say) is not, whatever the group_interval.
    parameters.push(['MessageGroupId', sha256Hex(notification.groupKey)], ['MessageDeduplicationId', sha256Hex(notification.idempotencyKey)]);
  }
  return parameters;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

// --- Region, endpoint and credentials, read at each send as the AWS SDK reads them ---

type Env = Readonly<Record<string, string | undefined>>;
const envValue = (env: Env, name: string): string => (env[name] ?? '').trim();

/** The region inside an ARN (`arn:aws:sns:<region>:...`), '' when there is none. */
export function regionOfArn(arn: string): string {
  const parts = arn.split(':');
  return parts[0] === 'arn' && parts.length >= 6 ? (parts[3] ?? '') : '';
}

function awsHost(service: string, region: string): string {
  return `${service}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/** One section of an INI file: its keys (lower-case) and values. */
type IniSections = Map<string, Record<string, string>>;

/** The sections of an AWS shared file; a missing file has none. Indented lines (nested settings) are skipped. */
async function readIni(path: string): Promise<IniSections> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return new Map();
    throw new SnsSetupError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const sections: IniSections = new Map();
  let current: Record<string, string> | undefined;
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const header = /^\[\s*(.+?)\s*\]$/.exec(trimmed);
    if (header !== null) {
      current = {};
      sections.set(header[1] ?? '', current);
      continue;
    }
    if (/^\s/.test(line) || current === undefined) continue;
    const equals = trimmed.indexOf('=');
    if (equals > 0) current[trimmed.slice(0, equals).trim().toLowerCase()] = trimmed.slice(equals + 1).trim();
  }
  return sections;
}

interface Profile {
  name: string;
  /** Keys of the credentials file over those of the config file. */
  values: Record<string, string>;
  found: boolean;
  files: string[];
}

/** A profile of `~/.aws/credentials` (`[name]`) and `~/.aws/config` (`[profile name]`, `[default]`), files as the AWS environment variables name them. */
async function readProfile(name: string, env: Env): Promise<Profile> {
  const credentialsFile = envValue(env, 'AWS_SHARED_CREDENTIALS_FILE') || join(homedir(), '.aws', 'credentials');
  const configFile = envValue(env, 'AWS_CONFIG_FILE') || join(homedir(), '.aws', 'config');
  const [credentials, config] = await Promise.all([readIni(credentialsFile), readIni(configFile)]);
  const fromConfig = config.get(name === 'default' ? 'default' : `profile ${name}`) ?? (name === 'default' ? config.get('profile default') : undefined);
  const fromCredentials = credentials.get(name);
  return { name, values: { ...fromConfig, ...fromCredentials }, found: fromConfig !== undefined || fromCredentials !== undefined, files: [credentialsFile, configFile] };
}

function credentialsOfProfile(profile: Profile): AwsCredentials | undefined {
  const accessKeyId = profile.values.aws_access_key_id ?? '';
  const secretAccessKey = profile.values.aws_secret_access_key ?? '';
  if (accessKeyId === '' || secretAccessKey === '') return undefined;
  const sessionToken = profile.values.aws_session_token ?? '';
  return { accessKeyId, secretAccessKey, ...(sessionToken === '' ? {} : { sessionToken }) };
}

const unsupportedProfileKeys = ['role_arn', 'source_profile', 'credential_process', 'sso_session', 'sso_start_url', 'web_identity_token_file'];

/** The credentials before any role: the AWS SDK's order (static keys, an explicit profile, the environment, the default profile). */
async function baseCredentials(settings: SnsSettings, context: NotifierContext, env: Env): Promise<AwsCredentials> {
  const sigv4 = settings.sigv4;
  if (sigv4.accessKey !== '' && sigv4.secretKey !== undefined) {
    const secretAccessKey = await resolveSecret(sigv4.secretKey, context);
    if (secretAccessKey === '') throw new SnsSetupError('sigv4.secret_key is empty');
    return { accessKeyId: sigv4.accessKey, secretAccessKey };
  }
  if (sigv4.profile === '') {
    const accessKeyId = envValue(env, 'AWS_ACCESS_KEY_ID');
    const secretAccessKey = envValue(env, 'AWS_SECRET_ACCESS_KEY');
    const sessionToken = envValue(env, 'AWS_SESSION_TOKEN');
    if (accessKeyId !== '' && secretAccessKey !== '') return { accessKeyId, secretAccessKey, ...(sessionToken === '' ? {} : { sessionToken }) };
  }
  const explicit = sigv4.profile !== '';
  const profile = await readProfile(sigv4.profile || envValue(env, 'AWS_PROFILE') || 'default', env);
  const credentials = credentialsOfProfile(profile);
  if (credentials !== undefined) return credentials;
  if (explicit || profile.found) {
    if (!profile.found) throw new SnsSetupError(`AWS profile "${profile.name}" (sigv4.profile) is not in ${profile.files.join(' or ')}`);
    const unsupported = unsupportedProfileKeys.filter((key) => key in profile.values);
    const why = unsupported.length > 0 ? `; it uses ${unsupported.join(', ')}, which sre-monitor does not read (set sigv4.role_arn for a role)` : '';
    throw new SnsSetupError(`AWS profile "${profile.name}" has no aws_access_key_id and aws_secret_access_key${why}`);
  }
  throw new SnsSetupError(
    'no AWS credentials: set sigv4.access_key and sigv4.secret_key, sigv4.profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (sre-monitor does not read instance, container or web-identity credentials)',
  );
}

/** The region: `sigv4.region`, the ARN's, AWS_REGION, AWS_DEFAULT_REGION, then the profile's. */
async function resolveRegion(settings: SnsSettings, destination: string, env: Env): Promise<string> {
  const fromArn = settings.destination.kind === 'phone_number' ? '' : regionOfArn(destination);
  const region = settings.sigv4.region || fromArn || envValue(env, 'AWS_REGION') || envValue(env, 'AWS_DEFAULT_REGION');
  if (region !== '') return region;
  const profile = await readProfile(settings.sigv4.profile || envValue(env, 'AWS_PROFILE') || 'default', env);
  const fromProfile = profile.values.region ?? '';
  if (fromProfile !== '') return fromProfile;
  throw new SnsSetupError('no AWS region: set sigv4.region (or AWS_REGION); an ARN in topic_arn or target_arn also gives it');
}

function endpointUrl(text: string, what: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SnsSetupError(`${what} is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SnsSetupError(`${what} must be an http:// or https:// URL`);
  return url.href;
}

// --- Signed requests ---

interface Exchanged {
  answer: PostAnswer;
  target: string;
}

/** `YYYYMMDDTHHMMSSZ`, the form X-Amz-Date takes. */
export function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/**
 * POSTs a form body to `url`, signed with SigV4 for `service` in `region`. Host and
 * Content-Length are signed and left to the transport, which sends the same values.
 * Authorization from `http_config` does not apply: the signature is the authorization (as in
 * Alertmanager, where the AWS SDK sets it first). Never throws.
 */
async function postSigned(
  request: { url: string; body: string; service: 'sns' | 'sts'; region: string; credentials: AwsCredentials; idempotencyKey?: string },
  transport: HttpTransport | undefined,
  context: NotifierContext,
  signal: AbortSignal,
): Promise<Exchanged | DeliveryResult> {
  let dispatcher: Dispatcher | undefined;
  let href: string;
  let target: string;
  let headers: Record<string, string>;
  try {
    ({ href, host: target } = receiverUrl(request.url));
    const aws4 = await loadAws4();
    const url = new URL(href);
    const signed = aws4.sign(
      { host: url.host, path: `${url.pathname}${url.search}`, method: 'POST', service: request.service, region: request.region, body: request.body, headers: { 'Content-Type': formContentType, 'X-Amz-Date': amzDate(context.clock.nowMs()) } },
      request.credentials,
    );
    const signedHeaders = signed.headers ?? {};
    const custom = transport?.headers === undefined ? {} : await resolveHttpHeaders(transport.headers, (path) => context.readSecretFile(path));
    headers = {
      ...custom,
      'content-type': formContentType,
      'user-agent': context.userAgent,
      'x-amz-date': String(signedHeaders['X-Amz-Date']),
      authorization: String(signedHeaders.Authorization),
      ...(request.credentials.sessionToken === undefined ? {} : { 'x-amz-security-token': request.credentials.sessionToken }),
      ...(request.idempotencyKey === undefined ? {} : { 'idempotency-key': request.idempotencyKey }),
    };
    dispatcher = await dispatcherFor(href, transport, (secret) => resolveSecret(secret, context));
  } catch (error) {
    return configFailure(error instanceof SecretFileError || error instanceof HeaderFileError ? error.message : `cannot prepare the ${request.service.toUpperCase()} request: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const post = dispatcher === undefined ? context.post : postThrough(dispatcher);
    const answer = await post(href, { headers, body: request.body, signal, timeoutMs: context.timeoutMs });
    return { answer, target };
  } catch (error) {
    return failureOfError(error, { target, timeoutMs: context.timeoutMs });
  } finally {
    void dispatcher?.close();
  }
}

const isExchanged = (value: Exchanged | DeliveryResult): value is Exchanged => 'answer' in value;

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (whole, entity: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (entity in named) return named[entity] ?? whole;
    const code = entity.startsWith('#x') ? Number.parseInt(entity.slice(2), 16) : Number.parseInt(entity.slice(1), 10);
    return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** The text of the first `<tag>` element in an AWS XML answer; undefined when there is none. */
export function xmlElement(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml);
  return match === null ? undefined : decodeXml((match[1] ?? '').trim());
}

/**
 * An AWS Query API error answer as a DeliveryResult: throttling codes are retried whatever the
 * status (SNS says `Throttling` with HTTP 400), and the message carries the error's code and
 * text. A body that is not AWS's ErrorResponse maps like any HTTP answer.
 */
export function awsErrorResult(status: number, answer: PostAnswer, target: string, nowMs: number, what: string): Extract<DeliveryResult, { ok: false }> {
  const code = xmlElement(answer.bodyStart, 'Code');
  const generic = deliveryResultOf(status, { get: (name) => answer.header(name) }, answer.bodyStart, nowMs, target);
  const failed = generic.ok ? { ok: false as const, retryable: true, reason: 'server' as const, message: `HTTP ${status} from ${target}`, status } : generic;
  if (code === undefined) return { ...failed, message: `${what}: ${failed.message}` };
  const message = `${what}: HTTP ${status} from ${target}: ${code}: ${xmlElement(answer.bodyStart, 'Message') ?? ''}`.replace(/: $/, '');
  if (throttlingCodes.has(code)) return { ...failed, retryable: true, reason: 'rate_limited', message };
  return { ...failed, message };
}

// --- STS AssumeRole ---

interface AssumedRole {
  baseAccessKeyId: string;
  credentials: AwsCredentials;
  expiresAtMs: number;
}

/** One role session per settings object (a reload builds new settings, so a new session). */
const assumedRoles = new WeakMap<SnsSettings, AssumedRole>();

function stsEndpoint(sigv4: SnsSigV4Settings, region: string, env: Env): string {
  const configured = envValue(env, 'AWS_ENDPOINT_URL_STS') || envValue(env, 'AWS_ENDPOINT_URL');
  if (configured !== '') return endpointUrl(configured, 'AWS_ENDPOINT_URL_STS');
  return `https://${sigv4.useFipsStsEndpoint ? awsHost('sts-fips', region) : awsHost('sts', region)}/`;
}

/** The role's temporary credentials: kept until a minute before they expire, then asked for again. */
async function roleCredentials(settings: SnsSettings, base: AwsCredentials, region: string, context: NotifierContext, env: Env, signal: AbortSignal): Promise<AwsCredentials | DeliveryResult> {
  const nowMs = context.clock.nowMs();
  const cached = assumedRoles.get(settings);
  if (cached !== undefined && cached.baseAccessKeyId === base.accessKeyId && nowMs < cached.expiresAtMs - renewBeforeMs) return cached.credentials;
  const sigv4 = settings.sigv4;
  const form = new URLSearchParams([
    ['Action', 'AssumeRole'],
    ['Version', stsApiVersion],
    ['RoleArn', sigv4.roleArn],
    ['RoleSessionName', sigv4.sessionName || `sre-monitor-${nowMs}`],
    ['DurationSeconds', String(assumeRoleSeconds)],
  ]);
  if (sigv4.externalId !== '') form.append('ExternalId', sigv4.externalId);
  sigv4.tags.forEach(([key, value], index) => {
    form.append(`Tags.member.${index + 1}.Key`, key);
    form.append(`Tags.member.${index + 1}.Value`, value);
  });
  const what = `STS AssumeRole ${sigv4.roleArn}`;
  const exchanged = await postSigned({ url: stsEndpoint(sigv4, region, env), body: form.toString(), service: 'sts', region, credentials: base }, settings.transport, context, signal);
  if (!isExchanged(exchanged)) return exchanged.ok ? exchanged : { ...exchanged, message: `${what}: ${exchanged.message}` };
  const { answer, target } = exchanged;
  if (answer.status < 200 || answer.status >= 300) return awsErrorResult(answer.status, answer, target, context.clock.nowMs(), what);
  const accessKeyId = xmlElement(answer.bodyStart, 'AccessKeyId') ?? '';
  const secretAccessKey = xmlElement(answer.bodyStart, 'SecretAccessKey') ?? '';
  const sessionToken = xmlElement(answer.bodyStart, 'SessionToken') ?? '';
  const expiresAtMs = Date.parse(xmlElement(answer.bodyStart, 'Expiration') ?? '');
  if (accessKeyId === '' || secretAccessKey === '' || sessionToken === '') return { ok: false, retryable: true, reason: 'server', message: `${what}: ${target} answered without credentials`, status: answer.status };
  const credentials = { accessKeyId, secretAccessKey, sessionToken };
  assumedRoles.set(settings, { baseAccessKeyId: base.accessKeyId, credentials, expiresAtMs: Number.isNaN(expiresAtMs) ? nowMs + assumeRoleSeconds * 1000 : expiresAtMs });
  return credentials;
}

// --- The notifier ---

interface PreparedSend {
  destination: string;
  region: string;
  endpoint: string;
  base: AwsCredentials;
}

async function prepare(notification: Notification, settings: SnsSettings, context: NotifierContext, env: Env): Promise<PreparedSend> {
  const destination = renderRequired(settings.destination.value, notification, settings.destination.kind);
  const region = await resolveRegion(settings, destination, env);
  const apiUrl = renderRequired(settings.apiUrl, notification, 'api_url');
  const configured = apiUrl || envValue(env, 'AWS_ENDPOINT_URL_SNS') || envValue(env, 'AWS_ENDPOINT_URL');
  const endpoint = configured === '' ? `https://${awsHost('sns', region)}/` : endpointUrl(configured, apiUrl === '' ? 'AWS_ENDPOINT_URL_SNS' : 'api_url');
  const base = await baseCredentials(settings, context, env);
  return { destination, region, endpoint, base };
}

export function createSnsNotifier(settings: SnsSettings, context: NotifierContext): Notifier {
  return {
    key: 'sns_configs',
    sendResolved: settings.sendResolved,
    async send(notification, { signal }) {
      // The environment is read at each send, as the AWS SDK reads it when Alertmanager builds its client.
      const env = process.env;
      let prepared: PreparedSend;
      try {
        prepared = await prepare(notification, settings, context, env);
      } catch (error) {
        return configFailure(error instanceof Error ? error.message : String(error));
      }
      let credentials: AwsCredentials = prepared.base;
      if (settings.sigv4.roleArn !== '') {
        const assumed = await roleCredentials(settings, prepared.base, prepared.region, context, env, signal);
        if ('ok' in assumed) return assumed;
        credentials = assumed;
      }
      const body = new URLSearchParams(snsPublishParameters(notification, settings, prepared.destination, context)).toString();
      const exchanged = await postSigned(
        { url: prepared.endpoint, body, service: 'sns', region: prepared.region, credentials, idempotencyKey: notification.idempotencyKey },
        settings.transport,
        context,
        signal,
      );
      if (!isExchanged(exchanged)) return exchanged;
      const { answer, target } = exchanged;
      if (answer.status >= 200 && answer.status < 300) return { ok: true, status: answer.status };
      const result = awsErrorResult(answer.status, answer, target, context.clock.nowMs(), 'SNS Publish');
      // Expired role credentials: forget them; the retry assumes the role again.
      if (settings.sigv4.roleArn !== '' && /<Code>ExpiredToken<\/Code>/.test(answer.bodyStart)) {
        assumedRoles.delete(settings);
        return { ...result, retryable: true };
      }
      return result;
    },
  };
}

// --- Config ---

/** An optional sub-mapping's reader (`sigv4`), or undefined when absent. */
function subReader(reader: IntegrationConfigReader, key: string): IntegrationConfigReader | undefined {
  const value = reader.mapping[key];
  if (value === undefined || value === null) return undefined;
  const mapping = readMapping(value, reader.at(key), reader.problems);
  return mapping === undefined ? undefined : new IntegrationConfigReader(mapping, reader.at(key), reader.problems);
}

/** A mapping of strings, its entries sorted by name. */
function readStringPairs(reader: IntegrationConfigReader, key: string): Array<[string, string]> {
  return Object.entries(reader.stringMap(key)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function readSigV4(reader: IntegrationConfigReader): SnsSigV4Settings {
  const sigv4 = subReader(reader, 'sigv4');
  const empty: SnsSigV4Settings = { region: '', accessKey: '', profile: '', roleArn: '', externalId: '', sessionName: '', tags: [], useFipsStsEndpoint: false };
  if (sigv4 === undefined) return empty;
  // `service_name` is for prometheus/sigv4's own signer: SNS requests are always signed for `sns`.
  sigv4.checkKeys(['region', 'access_key', 'secret_key', 'secret_key_file', 'profile', 'role_arn', 'external_id', 'session_name', 'tags', 'use_fips_sts_endpoint'], ['service_name']);
  const settings: SnsSigV4Settings = {
    region: sigv4.string('region').trim(),
    accessKey: sigv4.string('access_key').trim(),
    profile: sigv4.string('profile').trim(),
    roleArn: sigv4.string('role_arn').trim(),
    externalId: sigv4.string('external_id'),
    sessionName: sigv4.string('session_name'),
    tags: readStringPairs(sigv4, 'tags'),
    useFipsStsEndpoint: sigv4.boolean('use_fips_sts_endpoint', false),
  };
  const secretKey = sigv4.secret('secret_key', { required: false });
  if (secretKey !== undefined) settings.secretKey = secretKey;
  const secretGiven = sigv4.has('secret_key') || sigv4.has('secret_key_file');
  if ((settings.accessKey === '') !== !secretGiven) reader.problems.add(sigv4.path, 'access_key and secret_key (or secret_key_file) must be set together');
  if (settings.region !== '' && !regionPattern.test(settings.region)) reader.problems.add(sigv4.at('region'), `must be an AWS region such as us-east-1, got "${settings.region}"`);
  if (settings.roleArn !== '' && !roleArnPattern.test(settings.roleArn)) reader.problems.add(sigv4.at('role_arn'), 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)');
  for (const key of ['external_id', 'session_name', 'tags'] as const) {
    if (settings.roleArn === '' && sigv4.has(key)) reader.problems.add(sigv4.at(key), `${key} can only be used with role_arn`);
  }
  if (settings.sessionName !== '' && !sessionNamePattern.test(settings.sessionName)) reader.problems.add(sigv4.at('session_name'), 'must be 2-64 letters, digits and +=,.@_- characters');
  for (const [key, value] of settings.tags) {
    if (key.length > 128) reader.problems.add([...sigv4.at('tags'), key], 'a tag key has at most 128 characters');
    if (value.length > 256) reader.problems.add([...sigv4.at('tags'), key], 'a tag value has at most 256 characters');
  }
  return settings;
}

/** Exactly one destination, checked when it is not a template (as Alertmanager, which cannot check templates either). */
function readDestination(reader: IntegrationConfigReader): SnsSettings['destination'] | undefined {
  const given = (['topic_arn', 'phone_number', 'target_arn'] as const).filter((key) => reader.has(key));
  if (given.length !== 1) {
    reader.problems.add(reader.path, given.length === 0 ? 'missing topic_arn, phone_number or target_arn (exactly one must be set)' : `exactly one of topic_arn, phone_number and target_arn may be set (got ${given.join(', ')})`);
    return undefined;
  }
  const kind = given[0] as SnsDestinationKind;
  const value = reader.string(kind).trim();
  if (isTemplate(value)) return { kind, value };
  const rules: Record<SnsDestinationKind, [RegExp, string]> = {
    topic_arn: [snsTopicArnPattern, 'must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)'],
    phone_number: [e164Pattern, 'must be a phone number in E.164 format (+ and up to 15 digits, such as +15555550100)'],
    target_arn: [snsTargetArnPattern, 'must be an SNS ARN (arn:aws:sns:<region>:<account>:...)'],
  };
  const [pattern, message] = rules[kind];
  if (!pattern.test(value)) {
    reader.problems.add(reader.at(kind), message);
    return undefined;
  }
  return { kind, value };
}

function readAttributes(reader: IntegrationConfigReader): Array<[string, string]> {
  const attributes = readStringPairs(reader, 'attributes');
  for (const [name] of attributes) {
    if (isTemplate(name)) continue;
    const at: PathSegment[] = [...reader.at('attributes'), name];
    if (reservedAttributePrefix.test(name)) reader.problems.add(at, 'attribute names must not start with "AWS." or "Amazon."');
    else if (!attributeNamePattern.test(name)) reader.problems.add(at, 'an attribute name has 1-256 letters, digits, _, - and ., and no leading, trailing or double .');
  }
  return attributes;
}

/** `subject`: '' = the default; an explicit empty subject sends none, as in Alertmanager. */
function readSubject(reader: IntegrationConfigReader): string | null {
  if (!('subject' in reader.mapping)) return '';
  const value = reader.mapping.subject;
  if (value === '') return null;
  return readString(value, reader.at('subject'), reader.problems) ?? '';
}

export const buildSnsIntegration: ChannelFactory = (reader, _global, context) => {
  // `use_aws_http_client` picks the AWS SDK's HTTP client over Alertmanager's: sre-monitor has one client.
  reader.checkKeys(['api_url', 'sigv4', 'topic_arn', 'phone_number', 'target_arn', 'subject', 'message', 'attributes', 'send_resolved', 'http_config'], ['use_aws_http_client']);
  reader.boolean('use_aws_http_client', false);
  const apiUrl = reader.string('api_url').trim();
  const urlOk = apiUrl === '' || isTemplate(apiUrl) || checkHttpUrl(apiUrl, reader.at('api_url'), reader.problems);
  const destination = readDestination(reader);
  const sigv4 = readSigV4(reader);
  // Read for its problems only: SigV4 is the authorization, whatever http_config says (as in Alertmanager).
  reader.httpAuth();
  const transport = readHttpTransport(reader);
  const settings: SnsSettings = {
    apiUrl,
    sigv4,
    destination: destination ?? { kind: 'topic_arn', value: '' },
    subject: readSubject(reader),
    message: reader.string('message'),
    attributes: readAttributes(reader),
    sendResolved: reader.boolean('send_resolved', true),
    ...(transport ? { transport } : {}),
  };
  if (!urlOk || destination === undefined) return undefined;
  return { notifier: createSnsNotifier(settings, context), maxAlerts: 0 };
};
