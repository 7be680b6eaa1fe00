/**
 * A small stateful Jira (REST API v2 and v3) for tests. Issues live in memory, one store per
 * receiver (by its `host:port`), so search, create, update and transitions work across requests
 * and a test can run fire -> resolve -> fire again. It checks what Jira checks on the calls
 * Alertmanager makes:
 * - every call: a path under `/rest/api/2/` or `/rest/api/3/`, `Authorization: Basic
 *   <email:API token>` (Jira Cloud) or `Bearer <token>` (Data Center), JSON bodies;
 * - POST `.../search` and `.../search/jql`: `{jql, maxResults, fields}`; the JQL is parsed (the
 *   clauses Alertmanager writes: `and` / `or`, parentheses, `project`, `labels`, `resolution`,
 *   `statusCategory`, `status`, `resolutiondate` with `is EMPTY` and relative dates, `order
 *   by`) and evaluated as Jira does (`!=` never matches an empty field);
 * - POST `.../issue` and PUT `.../issue/<key>`: `{fields}` with a known project and issue type,
 *   a summary of 1-255 characters on one line, a description (a string of at most 32,767
 *   characters on v2, an Atlassian Document Format document on v3), labels without whitespace,
 *   a known priority, and only fields Jira knows (`customfield_<n>` and the usual system fields);
 * - GET and POST `.../issue/<key>/transitions`: the transitions of the issue's current status.
 * Answers are Jira's: 201 with `{id, key, self}` for a create, 204 for an update or a
 * transition, `{errorMessages, errors}` with 400, 401, 404 or 405 otherwise. A queued `reply`
 * replaces the answer but not the effect: the call was applied, as when Jira's answer is lost.
 */
import type { RecordedRequest } from '../notification-receivers.js';
import type { ChannelShape, SuccessAnswer } from './channel-shape.js';
import { isObject, type Json } from './json-shape.js';

export type FakeJiraStatus = 'To Do' | 'In Progress' | 'Done';

export interface FakeJiraIssue {
  id: string;
  key: string;
  project: string;
  /** The fields as last written (summary, description, labels, issuetype, priority, custom fields). */
  fields: Json;
  status: FakeJiraStatus;
  resolution: string | null;
  /** Set when a transition resolves the issue; a test may move it back in time. */
  resolutionDateMs: number | null;
  /** The names of the transitions applied, in order. */
  transitions: string[];
}

export interface FakeJira {
  issues: FakeJiraIssue[];
  /** Forgets every issue (a new receiver may reuse a closed one's port). */
  reset(): void;
}

export const fakeJiraProjects = ['OPS', 'SRE'];
export const fakeJiraIssueTypes = ['Bug', 'Task', 'Story', 'Incident'];
export const fakeJiraPriorities = ['Highest', 'High', 'Medium', 'Low', 'Lowest'];

/** The fake's workflow: transitions available from each status. */
export const fakeJiraWorkflow: Array<{ id: string; name: string; from: FakeJiraStatus[]; to: FakeJiraStatus; resolution?: string }> = [
  { id: '11', name: 'Start Progress', from: ['To Do'], to: 'In Progress' },
  { id: '31', name: 'Resolve', from: ['To Do', 'In Progress'], to: 'Done', resolution: 'Done' },
  { id: '41', name: "Won't Do", from: ['To Do', 'In Progress'], to: 'Done', resolution: "Won't Do" },
  { id: '51', name: 'Reopen', from: ['Done'], to: 'To Do' },
];

const statusInfo: Record<FakeJiraStatus, { id: string; order: number; category: { id: number; key: string; name: string; colorName: string } }> = {
  'To Do': { id: '10000', order: 0, category: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' } },
  'In Progress': { id: '3', order: 1, category: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' } },
  Done: { id: '10001', order: 2, category: { id: 3, key: 'done', name: 'Done', colorName: 'green' } },
};

/** System fields an issue may set besides the ones checked one by one. */
const otherSystemFields = ['components', 'assignee', 'reporter', 'duedate', 'environment', 'fixVersions', 'versions', 'parent', 'security', 'timetracking'];
const descriptionLimit = 32_767;

interface Store {
  issues: FakeJiraIssue[];
  nextId: number;
}

const stores = new Map<string, Store>();

function storeFor(host: string): Store {
  let store = stores.get(host);
  if (store === undefined) {
    store = { issues: [], nextId: 10_000 };
    stores.set(host, store);
  }
  return store;
}

/** The fake Jira behind the receiver at `receiverUrl`. */
export function fakeJira(receiverUrl: string): FakeJira {
  const store = storeFor(new URL(receiverUrl).host);
  return {
    get issues() {
      return store.issues;
    },
    reset() {
      store.issues = [];
      store.nextId = 10_000;
    },
  };
}

const length = (text: string): number => [...text].length;
const json = (status: number, body: unknown): SuccessAnswer => ({ status, body: JSON.stringify(body), headers: { 'content-type': 'application/json;charset=UTF-8' } });
const noContent = (): SuccessAnswer => ({ status: 204, body: '', headers: {} });

/** A Jira error answer; its messages also go to the request's problems. */
class JiraError extends Error {
  constructor(
    readonly status: number,
    readonly errorMessages: string[],
    readonly errors: Record<string, string> = {},
  ) {
    super([...errorMessages, ...Object.entries(errors).map(([field, text]) => `${field}: ${text}`)].join('; '));
  }
}

// ---- JQL -------------------------------------------------------------------------------------

type Token = { kind: 'string' | 'word' | 'op' | 'paren'; text: string };
type Condition = (issue: FakeJiraIssue, nowMs: number) => boolean;

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < jql.length) {
    const char = jql[at] ?? '';
    if (/\s/.test(char)) at += 1;
    else if (char === '(' || char === ')' || char === ',') {
      tokens.push({ kind: 'paren', text: char });
      at += 1;
    } else if (char === '"' || char === "'") {
      let text = '';
      at += 1;
      while (at < jql.length && jql[at] !== char) {
        if (jql[at] === '\\') at += 1;
        text += jql[at] ?? '';
        at += 1;
      }
      if (at >= jql.length) throw new JiraError(400, ['Error in the JQL Query: The quoted string has not been completed.']);
      at += 1;
      tokens.push({ kind: 'string', text });
    } else {
      const op = /^(!=|>=|<=|=|>|<|!~|~)/.exec(jql.slice(at));
      if (op !== null) {
        tokens.push({ kind: 'op', text: op[0] });
        at += op[0].length;
      } else {
        const word = /^[^\s()"',=!<>~]+/.exec(jql.slice(at))?.[0] ?? char;
        tokens.push({ kind: 'word', text: word });
        at += word.length;
      }
    }
  }
  return tokens;
}

const lower = (token: Token | undefined): string => (token?.kind === 'word' ? token.text.toLowerCase() : '');

/** Relative dates (`-60m`, `-2h`, `-7d`, `-1w`) as an offset from now in ms. */
function relativeMs(text: string): number | undefined {
  const match = /^([-+]?)(\d+)([mhdw])$/.exec(text);
  if (match === null) return undefined;
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[3] as 'm' | 'h' | 'd' | 'w'];
  return (match[1] === '-' ? -1 : 1) * Number(match[2]) * unit;
}

function compareWith(op: string, left: number, right: number): boolean {
  return op === '>=' ? left >= right : op === '<=' ? left <= right : op === '>' ? left > right : op === '<' ? left < right : op === '=' ? left === right : left !== right;
}

class JqlParser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): { where: Condition; order: Array<{ field: string; descending: boolean }> } {
    const where = this.orExpression();
    const order: Array<{ field: string; descending: boolean }> = [];
    if (lower(this.peek()) === 'order') {
      this.at += 1;
      if (lower(this.next()) !== 'by') this.fail('expected "by" after "order"');
      for (;;) {
        const field = lower(this.next());
        if (!['status', 'resolutiondate', 'created', 'key', 'updated'].includes(field)) this.fail(`cannot order by "${field}"`);
        const direction = lower(this.peek());
        if (direction === 'asc' || direction === 'desc') this.at += 1;
        order.push({ field, descending: direction === 'desc' });
        if (this.peek()?.text !== ',') break;
        this.at += 1;
      }
    }
    if (this.at < this.tokens.length) this.fail(`unexpected "${this.peek()?.text ?? ''}"`);
    return { where, order };
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private next(): Token | undefined {
    const token = this.tokens[this.at];
    this.at += 1;
    return token;
  }

  private fail(why: string): never {
    throw new JiraError(400, [`Error in the JQL Query: ${why}.`]);
  }

  private orExpression(): Condition {
    const parts = [this.andExpression()];
    while (lower(this.peek()) === 'or') {
      this.at += 1;
      parts.push(this.andExpression());
    }
    return (issue, now) => parts.some((part) => part(issue, now));
  }

  private andExpression(): Condition {
    const parts = [this.unary()];
    while (lower(this.peek()) === 'and') {
      this.at += 1;
      parts.push(this.unary());
    }
    return (issue, now) => parts.every((part) => part(issue, now));
  }

  private unary(): Condition {
    if (this.peek()?.text === '(') {
      this.at += 1;
      const inner = this.orExpression();
      if (this.next()?.text !== ')') this.fail('expected ")"');
      return inner;
    }
    return this.clause();
  }

  private value(): string {
    const token = this.next();
    if (token === undefined || (token.kind !== 'string' && token.kind !== 'word')) this.fail('expected a value');
    return token.text;
  }

  private clause(): Condition {
    const fieldToken = this.next();
    const field = lower(fieldToken);
    if (!['project', 'labels', 'resolution', 'statuscategory', 'status', 'resolutiondate'].includes(field)) this.fail(`field "${fieldToken?.text ?? ''}" is not supported by the fake`);
    if (lower(this.peek()) === 'is') {
      this.at += 1;
      const not = lower(this.peek()) === 'not';
      if (not) this.at += 1;
      const empty = lower(this.next());
      if (empty !== 'empty' && empty !== 'null') this.fail('expected EMPTY after IS');
      return (issue) => (valueOf(issue, field) === null) !== not;
    }
    const op = this.next();
    if (op?.kind !== 'op' || !['=', '!=', '>=', '<=', '>', '<'].includes(op.text)) this.fail(`expected an operator after ${field}`);
    const text = this.value();
    if (field === 'resolutiondate') {
      const offset = relativeMs(text);
      const fixed = Date.parse(text);
      if (offset === undefined && Number.isNaN(fixed)) this.fail(`date value "${text}" for field "resolutiondate" is invalid`);
      return (issue, now) => issue.resolutionDateMs !== null && compareWith(op.text, issue.resolutionDateMs, offset === undefined ? fixed : now + offset);
    }
    if (op.text !== '=' && op.text !== '!=') this.fail(`operator "${op.text}" cannot be used with field "${field}"`);
    if (field === 'project' && !fakeJiraProjects.some((key) => key.toLowerCase() === text.toLowerCase())) {
      throw new JiraError(400, [`The value '${text}' does not exist for the field 'project'.`]);
    }
    if (field === 'statuscategory' && !Object.values(statusInfo).some((info) => [info.category.name, info.category.key].some((name) => name.toLowerCase() === text.toLowerCase()))) this.fail(`the status category "${text}" does not exist`);
    return (issue) => {
      const value = valueOf(issue, field);
      const values = value === null ? [] : Array.isArray(value) ? value : [String(value)];
      const matches = values.some((item) => (field === 'labels' ? item === text : item.toLowerCase() === text.toLowerCase()));
      // Jira: `!=` never matches an issue whose field is empty.
      return op.text === '=' ? matches : values.length > 0 && !matches;
    };
  }
}

function valueOf(issue: FakeJiraIssue, field: string): string | string[] | number | null {
  switch (field) {
    case 'project':
      return issue.project;
    case 'labels':
      return Array.isArray(issue.fields.labels) ? (issue.fields.labels as string[]) : null;
    case 'resolution':
      return issue.resolution;
    case 'statuscategory':
      return [statusInfo[issue.status].category.name, statusInfo[issue.status].category.key];
    case 'status':
      return issue.status;
    case 'resolutiondate':
      return issue.resolutionDateMs;
    default:
      return null;
  }
}

function ordered(issues: FakeJiraIssue[], order: Array<{ field: string; descending: boolean }>): FakeJiraIssue[] {
  const key = (issue: FakeJiraIssue, field: string): number => {
    if (field === 'status') return statusInfo[issue.status].order;
    if (field === 'resolutiondate') return issue.resolutionDateMs ?? Number.NEGATIVE_INFINITY;
    return Number(issue.id);
  };
  return [...issues].sort((a, b) => {
    for (const { field, descending } of order) {
      const difference = key(a, field) - key(b, field);
      if (difference !== 0) return descending ? -difference : difference;
    }
    return Number(a.id) - Number(b.id);
  });
}

// ---- request checks ----------------------------------------------------------------------------

function checkAuthorization(request: RecordedRequest): void {
  const header = String(request.headers.authorization ?? '');
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
  if (basic !== null) {
    const [user = '', ...token] = Buffer.from(basic[1] ?? '', 'base64').toString('utf8').split(':');
    if (user !== '' && token.join(':') !== '') return;
  } else if (/^Bearer \S+$/.test(header)) return;
  throw new JiraError(401, ['Authorization must be "Basic <email:API token>" (Jira Cloud) or "Bearer <personal access token>" (Data Center)']);
}

function checkKeys(body: Json, allowed: string[], where: string): void {
  for (const key of Object.keys(body)) if (!allowed.includes(key)) throw new JiraError(400, [`Unrecognized field "${key}" in ${where}`]);
}

function checkNamed(value: unknown, field: string, known: string[]): string {
  if (!isObject(value) || (typeof value.name !== 'string' && typeof value.id !== 'string')) throw new JiraError(400, [], { [field]: `${field} must be an object with a name or an id` });
  const name = typeof value.name === 'string' ? value.name : '';
  if (typeof value.name === 'string' && !known.includes(name)) throw new JiraError(400, [], { [field]: `Specify a valid ${field === 'issuetype' ? 'issue type' : field}: "${name}" is not one of ${known.join(', ')}` });
  return name;
}

const adfBlocks = ['paragraph', 'heading', 'bulletList', 'orderedList', 'codeBlock', 'blockquote', 'rule', 'panel', 'table'];
const adfInlines = ['text', 'hardBreak', 'mention', 'emoji', 'inlineCard'];
const adfMarks = ['strong', 'em', 'code', 'link', 'strike', 'underline', 'subsup', 'textColor'];

/** Atlassian Document Format, as far as the notifier builds it. */
function checkAdf(node: unknown, at: string, allowed: string[], problems: string[]): void {
  if (!isObject(node) || typeof node.type !== 'string') return void problems.push(`${at} must be an ADF node with a type`);
  if (!allowed.includes(node.type)) return void problems.push(`${at}: node type ${node.type} is not allowed here`);
  if (node.type === 'text') {
    if (typeof node.text !== 'string' || node.text === '') problems.push(`${at}.text must be a non-empty string`);
    if (node.marks !== undefined) {
      if (!Array.isArray(node.marks)) return void problems.push(`${at}.marks must be a list`);
      node.marks.forEach((mark: unknown, index) => {
        if (!isObject(mark) || !adfMarks.includes(String(mark.type))) problems.push(`${at}.marks[${index}]: unknown mark`);
        else if (mark.type === 'link' && (!isObject(mark.attrs) || typeof mark.attrs.href !== 'string')) problems.push(`${at}.marks[${index}]: a link needs attrs.href`);
      });
    }
    return;
  }
  if (node.type === 'hardBreak' || node.type === 'rule') return;
  if (!Array.isArray(node.content)) return void problems.push(`${at}.content must be a list`);
  const inner = node.type === 'paragraph' || node.type === 'heading' ? adfInlines : node.type === 'bulletList' || node.type === 'orderedList' ? ['listItem'] : node.type === 'codeBlock' ? ['text'] : node.type === 'listItem' ? adfBlocks : adfBlocks;
  node.content.forEach((child: unknown, index) => checkAdf(child, `${at}.content[${index}]`, inner, problems));
}

function checkDescription(value: unknown, version: string): void {
  if (version === '2') {
    if (typeof value !== 'string') throw new JiraError(400, [], { description: 'Operation value must be a string' });
    if (length(value) > descriptionLimit) throw new JiraError(400, [], { description: `The entered text is too long. It exceeds the allowed limit of ${descriptionLimit} characters.` });
    return;
  }
  if (!isObject(value) || value.type !== 'doc' || value.version !== 1 || !Array.isArray(value.content)) throw new JiraError(400, [], { description: 'Operation value must be an Atlassian Document (type "doc", version 1, content)' });
  const problems: string[] = [];
  value.content.forEach((child: unknown, index) => checkAdf(child, `description.content[${index}]`, adfBlocks, problems));
  if (problems.length > 0) throw new JiraError(400, [], { description: `INVALID_INPUT: ${problems.join('; ')}` });
  if (JSON.stringify(value).length > descriptionLimit) throw new JiraError(400, [], { description: `The entered text is too long. It exceeds the allowed limit of ${descriptionLimit} characters.` });
}

/** Checks `fields` of a create (`issue` undefined) or an edit; returns the project key of a create. */
function checkFields(fields: unknown, version: string, issue: FakeJiraIssue | undefined): string {
  if (!isObject(fields)) throw new JiraError(400, ['fields must be an object']);
  let project = issue?.project ?? '';
  if (fields.project !== undefined || issue === undefined) {
    const value = fields.project;
    if (!isObject(value) || (typeof value.key !== 'string' && typeof value.id !== 'string')) throw new JiraError(400, [], { project: 'Specify a valid project ID or key' });
    const key = typeof value.key === 'string' ? value.key : '';
    if (!fakeJiraProjects.includes(key)) throw new JiraError(400, [], { project: `project is required: no project with key "${key}"` });
    if (issue !== undefined && key !== issue.project) throw new JiraError(400, [], { project: "Field 'project' cannot be changed by an edit" });
    project = key;
  }
  if (fields.issuetype !== undefined || issue === undefined) {
    if (fields.issuetype === undefined) throw new JiraError(400, [], { issuetype: 'Specify an issue type' });
    checkNamed(fields.issuetype, 'issuetype', fakeJiraIssueTypes);
  }
  if (fields.summary !== undefined || issue === undefined) {
    const summary = fields.summary;
    if (typeof summary !== 'string' || summary.trim() === '') throw new JiraError(400, [], { summary: 'You must specify a summary of the issue.' });
    if (length(summary) > 255) throw new JiraError(400, [], { summary: 'Summary must be less than 255 characters.' });
    if (/[\r\n]/.test(summary)) throw new JiraError(400, [], { summary: 'The summary is invalid because it contains newline characters.' });
  }
  if (fields.description !== undefined) checkDescription(fields.description, version);
  if (fields.labels !== undefined) {
    if (!Array.isArray(fields.labels)) throw new JiraError(400, [], { labels: 'labels must be a list of strings' });
    for (const label of fields.labels as unknown[]) {
      if (typeof label !== 'string' || label === '') throw new JiraError(400, [], { labels: 'A label cannot be empty.' });
      if (/\s/.test(label)) throw new JiraError(400, [], { labels: `The label '${label}' contains spaces which is invalid.` });
      if (length(label) > 255) throw new JiraError(400, [], { labels: 'The label must not exceed 255 characters.' });
    }
  }
  if (fields.priority !== undefined) checkNamed(fields.priority, 'priority', fakeJiraPriorities);
  for (const key of Object.keys(fields)) {
    if (['project', 'issuetype', 'summary', 'description', 'labels', 'priority'].includes(key) || otherSystemFields.includes(key) || /^customfield_\d+$/.test(key)) continue;
    throw new JiraError(400, [], { [key]: `Field '${key}' cannot be set. It is not on the appropriate screen, or unknown.` });
  }
  return project;
}

function issueJson(issue: FakeJiraIssue, base: string): Json {
  const info = statusInfo[issue.status];
  return {
    expand: 'operations,versionedRepresentations,editmeta,changelog,renderedFields',
    id: issue.id,
    self: `${base}/issue/${issue.id}`,
    key: issue.key,
    fields: {
      status: {
        self: `${base}/status/${info.id}`,
        description: '',
        iconUrl: `${base.replace(/\/rest\/api\/\d$/, '')}/images/icons/statuses/generic.png`,
        name: issue.status,
        id: info.id,
        statusCategory: { self: `${base}/statuscategory/${info.category.id}`, ...info.category },
      },
    },
  };
}

function findIssue(store: Store, key: string): FakeJiraIssue {
  const issue = store.issues.find((item) => item.key === key || item.id === key);
  if (issue === undefined) throw new JiraError(404, ['Issue does not exist or you do not have permission to see it.']);
  return issue;
}

function expectMethod(request: RecordedRequest, method: string, what: string): void {
  if (request.method !== method) throw new JiraError(405, [`${what} is ${method}, got ${request.method}`]);
}

function search(store: Store, body: Json, jql: boolean, base: string): SuccessAnswer {
  checkKeys(body, jql ? ['jql', 'maxResults', 'fields', 'nextPageToken', 'expand', 'properties', 'fieldsByKeys', 'failFast', 'reconcileIssues'] : ['jql', 'startAt', 'maxResults', 'fields', 'expand', 'validateQuery', 'properties', 'fieldsByKeys'], 'the search request');
  if (typeof body.jql !== 'string' || body.jql.trim() === '') throw new JiraError(400, ['jql must be a non-empty string']);
  if (body.maxResults !== undefined && (!Number.isInteger(body.maxResults) || (body.maxResults as number) < 0 || (body.maxResults as number) > 5000)) throw new JiraError(400, ['maxResults must be a whole number from 0 to 5000']);
  if (body.fields !== undefined && (!Array.isArray(body.fields) || !body.fields.every((field) => typeof field === 'string'))) throw new JiraError(400, ['fields must be a list of field names']);
  const { where, order } = new JqlParser(tokenize(body.jql)).parse();
  const now = Date.now();
  const matching = ordered(store.issues.filter((issue) => where(issue, now)), order);
  const maxResults = typeof body.maxResults === 'number' ? body.maxResults : 50;
  const issues = matching.slice(0, maxResults).map((issue) => issueJson(issue, base));
  if (jql) return json(200, { issues, isLast: matching.length <= maxResults });
  return json(200, { expand: 'schema,names', startAt: 0, maxResults, total: matching.length, issues });
}

function available(issue: FakeJiraIssue): typeof fakeJiraWorkflow {
  return fakeJiraWorkflow.filter((transition) => transition.from.includes(issue.status));
}

/** Checks and applies one call; returns Jira's answer (or throws a JiraError). */
function handle(request: RecordedRequest, store: Store): SuccessAnswer {
  checkAuthorization(request);
  const url = new URL(request.path, 'http://jira.invalid');
  const route = /^\/rest\/api\/(2|3)\/(.+)$/.exec(url.pathname);
  if (route === null) throw new JiraError(404, [`no REST API at ${url.pathname} (expected /rest/api/2/... or /rest/api/3/...)`]);
  if (url.search !== '') throw new JiraError(400, [`unexpected query ${url.search}`]);
  const [, version = '2', rest = ''] = route;
  const base = `http://${String(request.headers.host)}/rest/api/${version}`;
  if (request.method === 'GET') {
    if (request.body !== '') throw new JiraError(400, ['a GET has no body']);
  } else if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new JiraError(415, ['Content-Type must be application/json']);
  }
  const body = request.method === 'GET' ? {} : request.parsed;
  if (!isObject(body)) throw new JiraError(400, ['the body must be a JSON object']);

  if (rest === 'search' || rest === 'search/jql') {
    expectMethod(request, 'POST', 'a JQL search');
    return search(store, body, rest === 'search/jql', base);
  }
  if (rest === 'issue') {
    expectMethod(request, 'POST', 'create issue');
    checkKeys(body, ['fields', 'update'], 'the issue');
    const project = checkFields(body.fields, version, undefined);
    store.nextId += 1;
    const count = store.issues.filter((issue) => issue.project === project).length + 1;
    const issue: FakeJiraIssue = { id: String(store.nextId), key: `${project}-${count}`, project, fields: body.fields as Json, status: 'To Do', resolution: null, resolutionDateMs: null, transitions: [] };
    store.issues.push(issue);
    return json(201, { id: issue.id, key: issue.key, self: `${base}/issue/${issue.id}` });
  }
  const issuePath = /^issue\/([^/]+)(\/transitions)?$/.exec(rest);
  if (issuePath === null) throw new JiraError(404, [`no resource at ${url.pathname}`]);
  const issue = findIssue(store, decodeURIComponent(issuePath[1] ?? ''));
  if (issuePath[2] === undefined) {
    expectMethod(request, 'PUT', 'edit issue');
    checkKeys(body, ['fields', 'update'], 'the issue');
    checkFields(body.fields, version, issue);
    issue.fields = { ...issue.fields, ...(body.fields as Json) };
    return noContent();
  }
  if (request.method === 'GET') {
    return json(200, {
      expand: 'transitions',
      transitions: available(issue).map((transition) => ({ id: transition.id, name: transition.name, to: issueJson({ ...issue, status: transition.to }, base).fields, hasScreen: false, isGlobal: false, isInitial: false, isAvailable: true, isConditional: false, isLooped: false })),
    });
  }
  expectMethod(request, 'POST', 'do transition');
  checkKeys(body, ['transition', 'fields', 'update', 'historyMetadata', 'properties'], 'the transition');
  const id = isObject(body.transition) ? body.transition.id : undefined;
  if (typeof id !== 'string') throw new JiraError(400, ['transition.id must be a string']);
  const transition = available(issue).find((item) => item.id === id);
  if (transition === undefined) throw new JiraError(400, [`Transition id '${id}' is not valid for this issue.`]);
  issue.status = transition.to;
  issue.resolution = transition.to === 'Done' ? (transition.resolution ?? 'Done') : null;
  issue.resolutionDateMs = transition.to === 'Done' ? Date.now() : null;
  issue.transitions.push(transition.name);
  return noContent();
}

/** The answer to the request being handled: `check` computes it, `success` / `failure` hand it over (the receiver calls them right after `check`). */
let answer: SuccessAnswer | undefined;

export const jiraShape: ChannelShape = {
  check(request, problems) {
    answer = undefined;
    try {
      answer = handle(request, storeFor(String(request.headers.host ?? '')));
    } catch (error) {
      if (!(error instanceof JiraError)) throw error;
      problems.push(error.message);
      answer = json(error.status, { errorMessages: error.errorMessages, errors: error.errors });
    }
  },
  success: () => answer ?? json(500, { errorMessages: ['the fake Jira has no answer'], errors: {} }),
  failure: (problems) => answer ?? json(400, { errorMessages: problems, errors: {} }),
};
