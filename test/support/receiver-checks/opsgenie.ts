/**
 * Opsgenie's Alert API v2 stand-in (docs.opsgenie.com/docs/alert-api). Checks the calls
 * Alertmanager makes: create (POST /v2/alerts), close and acknowledge (POST
 * /v2/alerts/<identifier>/close|acknowledge?identifierType=id|alias|tiny), and the message /
 * description updates (PUT .../message, .../description): the `Authorization: GenieKey <key>`
 * header, a JSON body, the documented fields with their types, enums and limits (lengths in
 * characters, counted as code points), and nothing else. Opsgenie accepts a request with 202
 * and `{result, took, requestId}`: the alert is processed afterwards.
 */
import { randomUUID } from 'node:crypto';
import type { RecordedRequest } from '../notification-receivers.js';
import type { ChannelShape } from './channel-shape.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const length = (text: string): number => [...text].length;

/** An Opsgenie API key is a UUID. */
const genieKey = /^GenieKey [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const priorities = ['P1', 'P2', 'P3', 'P4', 'P5'];

function checkText(body: Json, key: string, max: number, problems: string[], required = false): void {
  const value = body[key];
  if (value === undefined && !required) return;
  if (typeof value !== 'string') return void problems.push(`${key} must be a string${required ? ' (required)' : ''}`);
  if (required && value.trim() === '') problems.push(`${key} must not be empty`);
  if (length(value) > max) problems.push(`${key}: ${length(value)} characters, at most ${max}`);
}

function checkUnknown(body: Json, allowed: string[], problems: string[]): void {
  for (const key of Object.keys(body)) if (!allowed.includes(key)) problems.push(`unknown field ${key}`);
}

function checkStringList(body: Json, key: string, count: number, itemMax: number, problems: string[]): void {
  const value = body[key];
  if (value === undefined) return;
  if (!Array.isArray(value)) return void problems.push(`${key} must be a list of strings`);
  if (value.length > count) problems.push(`${key}: ${value.length} items, at most ${count}`);
  value.forEach((item: unknown, index) => {
    if (typeof item !== 'string' || item === '') problems.push(`${key}[${index}] must be a non-empty string`);
    else if (length(item) > itemMax) problems.push(`${key}[${index}]: ${length(item)} characters, at most ${itemMax}`);
  });
}

/** Responders (team, user, escalation, schedule) and visibleTo (team, user): a type, and an id or the name / username its type is known by. */
function checkRecipients(body: Json, key: 'responders' | 'visibleTo', problems: string[]): void {
  const value = body[key];
  if (value === undefined) return;
  if (!Array.isArray(value)) return void problems.push(`${key} must be a list`);
  if (value.length > 50) problems.push(`${key}: ${value.length} items, at most 50`);
  const types = key === 'responders' ? ['team', 'user', 'escalation', 'schedule'] : ['team', 'user'];
  value.forEach((item: unknown, index) => {
    const at = `${key}[${index}]`;
    if (!isObject(item)) return void problems.push(`${at} must be an object`);
    checkUnknown(item, ['id', 'name', 'username', 'type'], problems);
    for (const field of ['id', 'name', 'username']) if (item[field] !== undefined && (typeof item[field] !== 'string' || item[field] === '')) problems.push(`${at}.${field} must be a non-empty string`);
    if (typeof item.type !== 'string' || !types.includes(item.type)) return void problems.push(`${at}.type must be one of ${types.join(', ')}`);
    const by = item.type === 'user' ? 'username' : 'name';
    if (item.id === undefined && item[by] === undefined) problems.push(`${at}: a ${item.type} needs id or ${by}`);
  });
}

function checkCreate(body: Json, problems: string[]): void {
  checkUnknown(body, ['message', 'alias', 'description', 'responders', 'visibleTo', 'actions', 'tags', 'details', 'entity', 'source', 'priority', 'user', 'note'], problems);
  checkText(body, 'message', 130, problems, true);
  checkText(body, 'alias', 512, problems);
  checkText(body, 'description', 15_000, problems);
  checkText(body, 'entity', 512, problems);
  checkText(body, 'source', 100, problems);
  checkText(body, 'user', 100, problems);
  checkText(body, 'note', 25_000, problems);
  checkRecipients(body, 'responders', problems);
  checkRecipients(body, 'visibleTo', problems);
  checkStringList(body, 'tags', 20, 50, problems);
  checkStringList(body, 'actions', 10, 50, problems);
  if (body.priority !== undefined && (typeof body.priority !== 'string' || !priorities.includes(body.priority))) problems.push('priority should be one of [ P1, P2, P3, P4, P5 ]');
  if (body.details !== undefined) {
    if (!isObject(body.details) || !Object.values(body.details).every((value) => typeof value === 'string')) problems.push('details must map strings to strings');
    else {
      const total = Object.entries(body.details).reduce((sum, [key, value]) => sum + length(key) + length(String(value)), 0);
      if (total > 8000) problems.push(`details: ${total} characters, at most 8000`);
    }
  }
}

/** Close and acknowledge take the same optional fields. */
function checkAction(body: Json, problems: string[]): void {
  checkUnknown(body, ['user', 'source', 'note'], problems);
  checkText(body, 'user', 100, problems);
  checkText(body, 'source', 100, problems);
  checkText(body, 'note', 25_000, problems);
}

function checkIdentifier(identifier: string, query: URLSearchParams, problems: string[]): void {
  const type = query.get('identifierType') ?? 'id';
  if (!['id', 'alias', 'tiny'].includes(type)) problems.push('identifierType must be id, alias or tiny');
  const decoded = decodeURIComponent(identifier);
  if (decoded === '' || (type === 'alias' && length(decoded) > 512)) problems.push('the alias in the path: 1-512 characters');
}

export const opsgenieShape: ChannelShape = {
  check(request: RecordedRequest, problems: string[]): void {
    if (!genieKey.test(String(request.headers.authorization ?? ''))) problems.push('Authorization must be "GenieKey <API key>"');
    if (!String(request.headers['content-type']).startsWith('application/json')) problems.push('content-type must be application/json');
    const url = new URL(request.path, 'http://opsgenie.invalid');
    const body = request.parsed;
    if (!isObject(body)) return void problems.push('body must be a JSON object');
    if (url.pathname === '/v2/alerts') {
      if (request.method !== 'POST') problems.push('create alert is POST /v2/alerts');
      if (url.search !== '') problems.push('create alert takes no query');
      return checkCreate(body, problems);
    }
    const action = /^\/v2\/alerts\/([^/]+)\/(close|acknowledge|message|description)$/.exec(url.pathname);
    if (action === null) return void problems.push(`unknown path ${url.pathname}`);
    const [, identifier = '', verb] = action;
    checkIdentifier(identifier, url.searchParams, problems);
    for (const name of url.searchParams.keys()) if (name !== 'identifierType') problems.push(`unknown query parameter ${name}`);
    if (verb === 'close' || verb === 'acknowledge') {
      if (request.method !== 'POST') problems.push(`${verb} alert is POST`);
      return checkAction(body, problems);
    }
    if (request.method !== 'PUT') problems.push(`update alert ${verb} is PUT`);
    checkUnknown(body, [verb ?? ''], problems);
    checkText(body, verb ?? '', verb === 'message' ? 130 : 15_000, problems, true);
  },
  success: () => ({
    status: 202,
    body: JSON.stringify({ result: 'Request will be processed', took: 0.011, requestId: randomUUID() }),
    headers: { 'content-type': 'application/json' },
  }),
};
