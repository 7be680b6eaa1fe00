/**
 * Amazon SNS's Query API (`Publish`, https://docs.aws.amazon.com/sns/latest/api/API_Publish.html)
 * as the AWS SDK calls it for Alertmanager: a POST of `application/x-www-form-urlencoded`
 * parameters, signed with AWS Signature Version 4. The check verifies the signature itself, with
 * node:crypto and the test secrets below, following AWS's documented algorithm (canonical
 * request, string to sign, derived key), independently of the notifier's signing library. It
 * holds the parameters to SNS's rules: `Action=Publish`, `Version=2010-03-31`; exactly one of
 * TopicArn, PhoneNumber and TargetArn; a Message of 1 byte to 256 KiB with its attributes (1,600
 * characters for SMS); a Subject under 100 characters with no line breaks or control
 * characters; message attributes as `MessageAttributes.entry.N.Name` / `.Value.DataType` /
 * `.Value.StringValue`; MessageGroupId (and a deduplication id) for FIFO topics only. Answers
 * are SNS's XML: `PublishResponse` with a MessageId, or an `ErrorResponse` with Type, Code and
 * Message (403 SignatureDoesNotMatch / InvalidClientTokenId for signature problems, 400
 * InvalidParameter otherwise).
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RecordedRequest } from '../notification-receivers.js';
import type { ChannelShape } from './channel-shape.js';

/** Access keys the stand-ins know: a long-term key, and the temporary one the STS stand-in hands out. */
export const snsTestCredentials = {
  longTerm: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  temporary: { accessKeyId: 'ASIAQWERTYUIOPEXAMPL', secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE-session-token//+=' },
} as const;

const knownKeys = new Map<string, { secret: string; sessionToken?: string }>([
  [snsTestCredentials.longTerm.accessKeyId, { secret: snsTestCredentials.longTerm.secretAccessKey }],
  [snsTestCredentials.temporary.accessKeyId, { secret: snsTestCredentials.temporary.secretAccessKey, sessionToken: snsTestCredentials.temporary.sessionToken }],
]);

export interface FormRequest {
  /** Parameters by name (the last of a repeated one; repeats are a problem). */
  params: Record<string, string>;
  names: string[];
}

/** A verified signature's scope, for checks that depend on it (the region). */
export interface SignatureScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

export function parseForm(body: string): FormRequest {
  const params: Record<string, string> = {};
  const names: string[] = [];
  for (const [name, value] of new URLSearchParams(body)) {
    params[name] = value;
    names.push(name);
  }
  return { params, names };
}

/** RFC 3986 percent-encoding of everything but the unreserved characters, as SigV4 asks. */
function uriEncode(text: string): string {
  return Array.from(Buffer.from(text, 'utf8'))
    .map((byte) => {
      const character = String.fromCharCode(byte);
      return /[A-Za-z0-9\-._~]/.test(character) ? character : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** The canonical URI of a non-S3 request: dot segments and empty segments removed, each segment encoded again (AWS: "URI-encoded twice"). */
function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(uriEncode(segment));
  }
  return `/${segments.join('/')}${path.endsWith('/') && segments.length > 0 ? '/' : ''}`;
}

function canonicalQuery(search: string): string {
  const pairs = [...new URLSearchParams(search)].map(([name, value]) => [uriEncode(name), uriEncode(value)] as const);
  pairs.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(',') : value).trim().replace(/\s+/g, ' ');
}

const hmac = (key: Buffer | string, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();

/**
 * Verifies `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`
 * for `service` by recomputing it; problems go to `problems` (prefixed `signature:` or
 * `credentials:`). Returns the scope when the signature is good.
 */
export function verifySigV4(request: Pick<RecordedRequest, 'method' | 'path' | 'headers' | 'body'>, service: string, problems: string[]): SignatureScope | undefined {
  const authorization = headerValue(request.headers, 'authorization') ?? '';
  const match = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(authorization);
  if (match === null) {
    problems.push(`signature: Authorization must be "AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders=..., Signature=<64 hex>", got ${JSON.stringify(authorization.slice(0, 80))}`);
    return undefined;
  }
  const [, accessKeyId = '', date = '', region = '', scopeService = '', signedHeaderList = '', signature = ''] = match;
  const known = knownKeys.get(accessKeyId);
  if (known === undefined) {
    problems.push(`credentials: unknown access key ${accessKeyId}`);
    return undefined;
  }
  const before = problems.length;
  if (scopeService !== service) problems.push(`signature: the credential scope is for service ${scopeService}, not ${service}`);
  const amzDate = headerValue(request.headers, 'x-amz-date') ?? '';
  if (!/^\d{8}T\d{6}Z$/.test(amzDate)) problems.push(`signature: X-Amz-Date must be YYYYMMDDTHHMMSSZ, got ${JSON.stringify(amzDate)}`);
  else if (amzDate.slice(0, 8) !== date) problems.push('signature: the credential scope date is not the X-Amz-Date day');
  const signed = signedHeaderList.split(';');
  if ([...signed].sort().join(';') !== signedHeaderList || new Set(signed).size !== signed.length) problems.push('signature: SignedHeaders must be sorted and without repeats');
  for (const name of ['host', 'x-amz-date']) if (!signed.includes(name)) problems.push(`signature: ${name} must be a signed header`);
  for (const name of Object.keys(request.headers)) if (name.startsWith('x-amz-') && !signed.includes(name)) problems.push(`signature: ${name} is sent but not signed`);
  for (const name of signed) if (request.headers[name] === undefined) problems.push(`signature: signed header ${name} is not in the request`);
  const token = headerValue(request.headers, 'x-amz-security-token');
  if (known.sessionToken !== undefined && token !== known.sessionToken) problems.push('credentials: a temporary access key needs its X-Amz-Security-Token');
  if (known.sessionToken === undefined && token !== undefined) problems.push('credentials: X-Amz-Security-Token sent with a long-term access key');
  if (problems.length > before) return undefined;

  const url = new URL(request.path, 'http://stand-in');
  const canonicalHeaders = signed.map((name) => `${name}:${headerValue(request.headers, name) ?? ''}\n`).join('');
  const payloadHash = createHash('sha256').update(request.body, 'utf8').digest('hex');
  const canonicalRequest = [request.method, canonicalUri(url.pathname), canonicalQuery(url.search), canonicalHeaders, signedHeaderList, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${known.secret}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    problems.push('signature: SignatureDoesNotMatch (the recomputed signature differs)');
    return undefined;
  }
  return { accessKeyId, date, region, service };
}

const topicArn = /^arn:aws(?:-[a-z]+)*:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]+(?:\.fifo)?)$/;
const targetArn = /^arn:aws(?:-[a-z]+)*:sns:([a-z0-9-]+):(\d{12}):(\S+)$/;
const attributeDataType = /^(String|Number|Binary)(\.[A-Za-z0-9_.-]+)?$|^String\.Array$/;
const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const characters = (text: string): number => Array.from(text).length;

const knownParameter = (name: string): boolean =>
  ['Action', 'Version', 'TopicArn', 'TargetArn', 'PhoneNumber', 'Message', 'Subject', 'MessageStructure', 'MessageDeduplicationId', 'MessageGroupId'].includes(name) ||
  /^MessageAttributes\.entry\.\d+\.(Name|Value\.DataType|Value\.StringValue|Value\.BinaryValue)$/.test(name);

/** The message attributes, checked; returns their size in bytes (names, types and values count towards the message size). */
function checkAttributes(params: Record<string, string>, problems: string[]): number {
  const indexes = [...new Set(Object.keys(params).flatMap((name) => /^MessageAttributes\.entry\.(\d+)\./.exec(name)?.[1] ?? []))].map(Number).sort((a, b) => a - b);
  if (indexes.some((index, position) => index !== position + 1)) problems.push(`MessageAttributes entries must be numbered 1, 2, 3 ..., got ${indexes.join(', ')}`);
  const seen = new Set<string>();
  let bytes = 0;
  for (const index of indexes) {
    const prefix = `MessageAttributes.entry.${index}`;
    const name = params[`${prefix}.Name`];
    const type = params[`${prefix}.Value.DataType`];
    const value = params[`${prefix}.Value.StringValue`];
    if (name === undefined || name === '') {
      problems.push(`${prefix}.Name is required`);
      continue;
    }
    if (!/^(?!\.)(?!.*\.\.)[A-Za-z0-9_.-]{1,256}(?<!\.)$/.test(name)) problems.push(`message attribute name ${JSON.stringify(name)}: 1-256 of A-Z a-z 0-9 _ - ., no leading, trailing or double .`);
    if (/^(aws|amazon)\./i.test(name)) problems.push(`message attribute name ${JSON.stringify(name)} uses a reserved prefix`);
    if (seen.has(name)) problems.push(`message attribute ${name} given twice`);
    seen.add(name);
    if (type === undefined || !attributeDataType.test(type)) problems.push(`message attribute ${name}: DataType must be String, Number, Binary or String.Array, got ${JSON.stringify(type)}`);
    else if (!type.startsWith('Binary') && (value === undefined || value === '')) problems.push(`message attribute ${name} must contain a non-empty StringValue for type ${type}`);
    else if (type.startsWith('Number') && !/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value ?? '')) problems.push(`message attribute ${name}: not a number`);
    bytes += utf8Bytes(name) + utf8Bytes(type ?? '') + utf8Bytes(value ?? '');
  }
  return bytes;
}

function checkDestination(params: Record<string, string>, scope: SignatureScope | undefined, problems: string[]): void {
  const given = ['TopicArn', 'PhoneNumber', 'TargetArn'].filter((name) => params[name] !== undefined);
  if (given.length !== 1) problems.push(`exactly one of TopicArn, PhoneNumber and TargetArn must be given, got ${given.length === 0 ? 'none' : given.join(', ')}`);
  const arn = params.TopicArn ?? params.TargetArn;
  if (params.TopicArn !== undefined && !topicArn.test(params.TopicArn)) problems.push(`TopicArn ${JSON.stringify(params.TopicArn)} is not a topic ARN`);
  if (params.TargetArn !== undefined && !targetArn.test(params.TargetArn)) problems.push(`TargetArn ${JSON.stringify(params.TargetArn)} is not an SNS ARN`);
  if (params.PhoneNumber !== undefined && !/^\+[1-9]\d{1,14}$/.test(params.PhoneNumber)) problems.push(`PhoneNumber ${JSON.stringify(params.PhoneNumber)} is not E.164`);
  // An endpoint serves its own region: a request signed for another one, or for another region's topic, is refused.
  const arnRegion = arn === undefined ? undefined : targetArn.exec(arn)?.[1];
  if (scope !== undefined && arnRegion !== undefined && arnRegion !== scope.region) problems.push(`the request is signed for ${scope.region}, the ARN is in ${arnRegion}`);
  const fifo = (arn ?? '').endsWith('.fifo');
  const groupId = params.MessageGroupId;
  const dedupId = params.MessageDeduplicationId;
  const idPattern = /^[\x21-\x7e]{1,128}$/;
  if (fifo) {
    if (groupId === undefined || !idPattern.test(groupId)) problems.push('a FIFO topic needs a MessageGroupId of 1-128 printable ASCII characters');
    if (dedupId === undefined || !idPattern.test(dedupId)) problems.push('MessageDeduplicationId: 1-128 printable ASCII characters (this stand-in has no content-based deduplication)');
  } else if (dedupId !== undefined) problems.push('MessageDeduplicationId is for FIFO topics only');
  else if (groupId !== undefined && params.PhoneNumber !== undefined) problems.push('MessageGroupId is not for SMS');
}

function checkSubject(subject: string | undefined, problems: string[]): void {
  if (subject === undefined) return;
  if (subject === '') problems.push('Subject must not be empty when given');
  if (characters(subject) >= 100) problems.push(`Subject: ${characters(subject)} characters, must be less than 100`);
  if (/[\p{Cc}\u2028\u2029]/u.test(subject)) problems.push('Subject must not contain line breaks or control characters');
}

export const snsShape: ChannelShape = {
  parse: (body) => parseForm(body),

  check(request: RecordedRequest, problems: string[]): void {
    if (request.method !== 'POST') problems.push(`method must be POST, got ${request.method}`);
    const contentType = String(request.headers['content-type'] ?? '');
    if (!/^application\/x-www-form-urlencoded(\s*;\s*charset=utf-8)?$/i.test(contentType)) problems.push(`content-type must be application/x-www-form-urlencoded, got ${JSON.stringify(contentType)}`);
    const scope = verifySigV4(request, 'sns', problems);
    const { params, names } = request.parsed as FormRequest;
    const repeated = names.filter((name, index) => names.indexOf(name) !== index);
    if (repeated.length > 0) problems.push(`parameters sent more than once: ${[...new Set(repeated)].join(', ')}`);
    for (const name of names) if (!knownParameter(name)) problems.push(`unknown parameter ${name}`);
    if (params.Action !== 'Publish') problems.push(`Action must be Publish, got ${JSON.stringify(params.Action)}`);
    if (params.Version !== '2010-03-31') problems.push(`Version must be 2010-03-31, got ${JSON.stringify(params.Version)}`);
    checkDestination(params, scope, problems);
    const message = params.Message ?? '';
    if (message === '') problems.push('Message is required (Empty message)');
    if (params.MessageStructure !== undefined && params.MessageStructure !== 'json') problems.push('MessageStructure must be json');
    const attributeBytes = checkAttributes(params, problems);
    if (utf8Bytes(message) + attributeBytes > 262_144) problems.push(`Message too long: ${utf8Bytes(message)} bytes plus ${attributeBytes} of attributes, at most 262,144`);
    if (params.PhoneNumber !== undefined && characters(message) > 1600) problems.push(`an SMS message has at most 1,600 characters, got ${characters(message)}`);
    checkSubject(params.Subject, problems);
  },

  success: (parsed) => {
    const fifo = ((parsed as FormRequest | undefined)?.params.TopicArn ?? '').endsWith('.fifo');
    const sequence = fifo ? `\n    <SequenceNumber>${String(Date.now()).padEnd(20, '0')}</SequenceNumber>` : '';
    const body = `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <PublishResult>
    <MessageId>${randomUUID()}</MessageId>${sequence}
  </PublishResult>
  <ResponseMetadata>
    <RequestId>${randomUUID()}</RequestId>
  </ResponseMetadata>
</PublishResponse>
`;
    return { status: 200, body, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() } };
  },

  failure: (problems) => snsErrorAnswer(problems),
};

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** SNS's XML error answer for a request with `problems`. */
export function snsErrorAnswer(problems: string[], namespace = 'http://sns.amazonaws.com/doc/2010-03-31/'): { status: number; body: string; headers: Record<string, string> } {
  const credentials = problems.find((problem) => problem.startsWith('credentials:'));
  const signature = problems.find((problem) => problem.startsWith('signature:'));
  const [status, code, message] = credentials !== undefined
    ? [403, 'InvalidClientTokenId', 'The security token included in the request is invalid.']
    : signature !== undefined
      ? [403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.']
      : [400, 'InvalidParameter', `Invalid parameter: ${problems.join('; ')}`];
  const body = `<ErrorResponse xmlns="${namespace}">
  <Error>
    <Type>Sender</Type>
    <Code>${code}</Code>
    <Message>${escapeXml(message)}</Message>
  </Error>
  <RequestId>${randomUUID()}</RequestId>
</ErrorResponse>
`;
  return { status, body, headers: { 'content-type': 'text/xml' } };
}
