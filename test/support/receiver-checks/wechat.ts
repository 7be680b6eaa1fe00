/**
 * A small stateful WeChat Work (企业微信) API for tests, one per receiver (by its `host:port`).
 * It issues access tokens for the known corp id and secret and checks what WeChat checks on the
 * two calls Alertmanager makes:
 * - GET `/cgi-bin/gettoken?corpid=..&corpsecret=..` (no body, exactly these parameters):
 *   `{errcode: 0, errmsg: "ok", access_token, expires_in: 7200}`; an unknown corp id gives
 *   40013 "invalid corpid", a wrong secret 40001 "invalid credential";
 * - POST `/cgi-bin/message/send?access_token=..` with `Content-Type: application/json`: a token
 *   it issued (an expired one: 42001, an unknown one: 40014), `msgtype` text or markdown, the
 *   matching `{content}` non-empty and at most 2,048 bytes, `agentid` (digits), at least one of
 *   `touser` (`@all` or user ids joined by `|`), `toparty` and `totag` (numeric ids joined by
 *   `|`), `safe` 0 or 1, and no unknown keys.
 * Every answer is HTTP 200 with WeChat's `{errcode, errmsg}`, as the real API answers.
 */
import type { RecordedRequest } from '../notification-receivers.js';
import type { ChannelShape, SuccessAnswer } from './channel-shape.js';
import { isObject, type Json } from './json-shape.js';

export const fakeWechatCorpId = 'ww0a1b2c3d4e5f6789';
export const fakeWechatSecret = 'S3cr3t-wechat-app-secret-0123456789abcdef';
export const fakeWechatAgentId = '1000002';
export const wechatContentMaxBytes = 2048;

export interface FakeWechat {
  /** Tokens issued so far, in order. */
  tokens: string[];
  /** The `message/send` bodies accepted. */
  messages: Json[];
  /** Every token issued so far now answers 42001 "access_token expired". */
  expireTokens(): void;
  reset(): void;
}

interface Store {
  tokens: string[];
  expired: Set<string>;
  messages: Json[];
}

const stores = new Map<string, Store>();

function storeFor(host: string): Store {
  let store = stores.get(host);
  if (store === undefined) {
    store = { tokens: [], expired: new Set(), messages: [] };
    stores.set(host, store);
  }
  return store;
}

/** The fake WeChat behind the receiver at `receiverUrl`. */
export function fakeWechat(receiverUrl: string): FakeWechat {
  const store = storeFor(new URL(receiverUrl).host);
  return {
    get tokens() {
      return store.tokens;
    },
    get messages() {
      return store.messages;
    },
    expireTokens() {
      for (const token of store.tokens) store.expired.add(token);
    },
    reset() {
      store.tokens = [];
      store.expired = new Set();
      store.messages = [];
    },
  };
}

const answer = (body: Json): SuccessAnswer => ({ status: 200, body: JSON.stringify(body), headers: { 'content-type': 'application/json; charset=UTF-8' } });

class WechatError extends Error {
  constructor(
    readonly errcode: number,
    errmsg: string,
  ) {
    super(errmsg);
  }
}

const sendKeys = ['touser', 'toparty', 'totag', 'msgtype', 'agentid', 'text', 'markdown', 'safe', 'enable_id_trans', 'enable_duplicate_check', 'duplicate_check_interval'];

function checkRecipients(body: Json): void {
  for (const key of ['touser', 'toparty', 'totag']) if (body[key] !== undefined && typeof body[key] !== 'string') throw new WechatError(40003, `${key} must be a string`);
  const toUser = (body.touser as string | undefined) ?? '';
  const toParty = (body.toparty as string | undefined) ?? '';
  const toTag = (body.totag as string | undefined) ?? '';
  if (toUser === '' && toParty === '' && toTag === '') throw new WechatError(40035, 'touser, toparty and totag are all empty');
  if (toUser !== '' && toUser !== '@all') {
    const users = toUser.split('|');
    if (users.length > 1000 || users.some((user) => !/^[A-Za-z0-9_.@-]{1,64}$/.test(user))) throw new WechatError(40031, `invalid touser "${toUser}"`);
  }
  if (toParty !== '' && (toParty.split('|').length > 100 || !/^\d+(\|\d+)*$/.test(toParty))) throw new WechatError(40031, `invalid toparty "${toParty}"`);
  if (toTag !== '' && (toTag.split('|').length > 100 || !/^\d+(\|\d+)*$/.test(toTag))) throw new WechatError(40031, `invalid totag "${toTag}"`);
}

function checkMessage(body: unknown): Json {
  if (!isObject(body)) throw new WechatError(47001, 'data format error: the body is not a JSON object');
  const unknown = Object.keys(body).filter((key) => !sendKeys.includes(key));
  if (unknown.length > 0) throw new WechatError(47001, `data format error: unknown keys ${unknown.join(', ')}`);
  if (body.msgtype !== 'text' && body.msgtype !== 'markdown') throw new WechatError(40008, `invalid message type ${JSON.stringify(body.msgtype)}`);
  const agentId = body.agentid;
  if (agentId === undefined || agentId === '') throw new WechatError(41011, 'missing agentid');
  if (!(typeof agentId === 'number' && Number.isInteger(agentId)) && !(typeof agentId === 'string' && /^\d+$/.test(agentId))) throw new WechatError(40056, `invalid agentid ${JSON.stringify(agentId)}`);
  if (String(agentId) !== fakeWechatAgentId) throw new WechatError(301002, `not allow operate another agent with this accesstoken (agentid ${String(agentId)})`);
  if (body.safe !== undefined && !['0', '1', 0, 1].includes(body.safe as string | number)) throw new WechatError(47001, 'data format error: safe must be 0 or 1');
  checkRecipients(body);
  for (const key of ['text', 'markdown']) {
    const part = body[key];
    if (part === undefined) continue;
    if (!isObject(part) || typeof part.content !== 'string') throw new WechatError(47001, `data format error: ${key}.content must be a string`);
  }
  const part = body[body.msgtype];
  const content = isObject(part) ? part.content : undefined;
  if (typeof content !== 'string' || content === '') throw new WechatError(44004, `empty content (${body.msgtype}.content)`);
  const size = Buffer.byteLength(content, 'utf8');
  if (size > wechatContentMaxBytes) throw new WechatError(45002, `content size out of limit (${size} bytes > ${wechatContentMaxBytes})`);
  return body;
}

function handle(request: RecordedRequest, store: Store): Json {
  const url = new URL(request.path, 'http://wechat.local');
  const params = [...url.searchParams.keys()].sort();
  if (url.pathname === '/cgi-bin/gettoken') {
    if (request.method !== 'GET') throw new WechatError(43001, `require GET method, got ${request.method}`);
    if (request.body !== '') throw new WechatError(47001, 'gettoken takes no body');
    if (params.join(',') !== 'corpid,corpsecret') throw new WechatError(41004, `gettoken takes corpid and corpsecret, got ${params.join(', ') || 'nothing'}`);
    if (url.searchParams.get('corpid') !== fakeWechatCorpId) throw new WechatError(40013, 'invalid corpid');
    if (url.searchParams.get('corpsecret') !== fakeWechatSecret) throw new WechatError(40001, 'invalid credential');
    const token = `tok-${store.tokens.length + 1}-${Math.random().toString(36).slice(2, 12)}`;
    store.tokens.push(token);
    return { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 };
  }
  if (url.pathname === '/cgi-bin/message/send') {
    if (request.method !== 'POST') throw new WechatError(43002, `require POST method, got ${request.method}`);
    if (params.join(',') !== 'access_token') throw new WechatError(41001, 'access_token missing');
    const token = url.searchParams.get('access_token') ?? '';
    if (store.expired.has(token)) throw new WechatError(42001, 'access_token expired');
    if (!store.tokens.includes(token)) throw new WechatError(40014, 'invalid access_token');
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) throw new WechatError(47001, 'data format error: content-type must be application/json');
    if (request.parsed === undefined) throw new WechatError(47001, 'data format error: the body is not JSON');
    store.messages.push(checkMessage(request.parsed));
    return { errcode: 0, errmsg: 'ok', invaliduser: '', invalidparty: '', invalidtag: '', unlicenseduser: '', msgid: `msg-${store.messages.length}`, response_code: '' };
  }
  throw new WechatError(404, `unknown path ${url.pathname}`);
}

let current: SuccessAnswer | undefined;

export const wechatShape: ChannelShape = {
  parse(body) {
    if (body === '') return undefined;
    try {
      return JSON.parse(body) as unknown;
    } catch {
      return undefined;
    }
  },
  check(request, problems) {
    current = undefined;
    try {
      current = answer(handle(request, storeFor(String(request.headers.host ?? ''))));
    } catch (error) {
      if (!(error instanceof WechatError)) throw error;
      problems.push(`errcode ${error.errcode}: ${error.message}`);
      current = answer({ errcode: error.errcode, errmsg: error.message });
    }
  },
  success: () => current ?? answer({ errcode: -1, errmsg: 'the fake WeChat has no answer' }),
  failure: (problems) => current ?? answer({ errcode: 47001, errmsg: problems.join('; ') }),
};
