/**
 * `jira_configs`: one Jira issue per alert group, kept as Alertmanager keeps it (REST API v2 or
 * v3). Every notification first searches for the group's issue: POST `<api_url>/search` (Jira
 * Cloud: `/rest/api/3/search/jql`) with a JQL query on the project and the label
 * `ALERT{<hex SHA-256 of the group key>}`, the label Alertmanager puts on its issues, so issues it
 * opened keep being found after a migration. None found: a firing group creates one (POST
 * `<api_url>/issue`), a resolved group does nothing. Found: the issue is updated (PUT
 * `<api_url>/issue/<key>`), then moved with `resolve_transition` when the group resolved and the
 * issue is not done, or with `reopen_transition` when the group fires again and the issue is
 * done (the search only finds a done issue resolved within `reopen_duration`). A transition is
 * found by name (GET `<api_url>/issue/<key>/transitions`) and applied by id (POST, same path).
 * A retry starts again with the search, so a create whose answer was lost is found by its label
 * and updated, not created twice.
 */
import { createHash } from 'node:crypto';
import { isMapping, readList, readMapping, type Mapping } from '../../core/alerting/config-reader.js';
import type { DeliveryResult, Notification, Notifier } from '../../core/alerting/notification.js';
import { parseDurationMs } from '../../core/duration.js';
import type { ChannelFactory } from './channel.js';
import { renderGoTemplate } from './go-template.js';
import { configFailure, requestJson, type NotifierContext, type OutgoingRequest } from './http-delivery.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { checkHttpUrl, globalString, IntegrationConfigReader, type HttpAuth } from './integration-config.js';
import { notificationText, notificationTitle, runeLength, truncateRunes } from './notification-text.js';
import { defaultNamedTemplates, fieldName, templateData } from './template-rendering.js';

/**
 * Jira's field limits, as Alertmanager cuts them (notify/jira/jira.go: maxSummaryLenRunes,
 * maxDescriptionLenRunes), and Jira's limit on one label.
 */
export const jiraLimits = { summary: 255, description: 32_767, label: 255 } as const;

export const jiraApiTypes = ['auto', 'cloud', 'datacenter'] as const;
export type JiraApiType = (typeof jiraApiTypes)[number];

/** `summary` / `description`: a template (null: the default text) and whether an update sends it. */
export interface JiraFieldTemplate {
  template: string | null;
  enableUpdate: boolean;
}

export interface JiraSettings {
  /** As configured, trailing slashes removed: `https://example.atlassian.net/rest/api/2`. */
  apiUrl: string;
  apiType: JiraApiType;
  /** Templates. */
  project: string;
  issueType: string;
  summary: JiraFieldTemplate;
  description: JiraFieldTemplate;
  labels: string[];
  /** `labels.enable_update`: false leaves an existing issue's labels alone. */
  labelsEnableUpdate: boolean;
  /** Template; null: Alertmanager's default priority (from the `severity` label). */
  priority: string | null;
  reopenTransition: string;
  resolveTransition: string;
  wontFixResolution: string;
  /** 0: not set. */
  reopenDurationMs: number;
  /** `fields`: other issue fields and custom fields; every string inside is a template. */
  fields: Mapping;
  sendResolved: boolean;
  auth?: HttpAuth;
  transport?: HttpTransport;
}

type TemplateContext = Pick<NotifierContext, 'onTemplateError'>;
type Json = Record<string, unknown>;
/** Renders a template; throws when it does not render. */
type Render = (source: string) => string;


/** Alertmanager's label on the group's issue: `ALERT{<hex SHA-256 of the group key>}` (notify.Key.Hash). */
export function jiraGroupLabel(groupKey: string): string {
  return `ALERT{${createHash('sha256').update(groupKey).digest('hex')}}`;
}

/** API v3 (Atlassian Document Format descriptions) when `api_url`'s path ends with `/3`, as Alertmanager decides. */
export function isJiraApiV3(apiUrl: string): boolean {
  return new URL(apiUrl).pathname.replace(/\/+$/, '').endsWith('/3');
}

/**
 * The search URL, chosen as Alertmanager chooses it: `datacenter` uses `<api_url>/search`;
 * `cloud`, or `auto` with a host ending in `atlassian.net`, uses `<api_url>/search/jql` on API v3
 * (Jira Cloud removed the old search); `auto` elsewhere uses `<api_url>/search`.
 */
export function jiraSearchUrl(settings: Pick<JiraSettings, 'apiUrl' | 'apiType'>): string {
  const cloud = settings.apiType === 'cloud' || (settings.apiType === 'auto' && new URL(settings.apiUrl).hostname.endsWith('atlassian.net'));
  if (!cloud) return `${settings.apiUrl}/search`;
  return `${settings.apiUrl}/search/jql`.replace('/rest/api/2/', '/rest/api/3/');
}

/** Go's `%q` for the strings Alertmanager puts in JQL: double quotes, with `"`, `\` and control characters escaped. */
function goQuote(text: string): string {
  const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u0007': '\\a', '\b': '\\b', '\f': '\\f', '\v': '\\v' };
  let escaped = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    escaped += named[char] ?? (code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : char);
  }
  return `"${escaped}"`;
}

/**
 * Alertmanager's JQL (notify/jira/jira.go searchExistingIssue, with the won't-fix clause as
 * fixed upstream to keep unresolved issues): open issues of the project with the group's label;
 * for a firing group with a `reopen_transition` and a `reopen_duration`, also done issues
 * resolved within that duration (in whole minutes, rounded down).
 */
export function jiraSearchJql(settings: Pick<JiraSettings, 'wontFixResolution' | 'reopenTransition' | 'reopenDurationMs'>, project: string, label: string, firing: boolean): string {
  let jql = '';
  if (settings.wontFixResolution !== '') jql += `(resolution is EMPTY or resolution != ${goQuote(settings.wontFixResolution)}) and `;
  const reopenMinutes = Math.floor(settings.reopenDurationMs / 60_000);
  if (firing && settings.reopenTransition !== '' && reopenMinutes > 0) jql += `(resolutiondate is EMPTY OR resolutiondate >= -${reopenMinutes}m) and `;
  else jql += 'statusCategory != Done and ';
  return `${jql}project=${goQuote(project)} and labels=${goQuote(label)} order by status ASC,resolutiondate DESC`;
}

/** Alertmanager's `jira.default.priority`: High for a critical alert, else Medium for a warning, else Low for info; firing alerts first, then resolved ones. */
export function defaultJiraPriority(notification: Notification): string {
  const rank = (severity: string): number => ({ critical: 3, warning: 2, info: 1 })[severity] ?? 0;
  const of = (status: 'firing' | 'resolved'): number => Math.max(0, ...notification.alerts.filter((alert) => alert.status === status).map((alert) => rank(alert.labels.severity ?? '')));
  return ['', 'Low', 'Medium', 'High'][of('firing') || of('resolved')] ?? '';
}

function renderer(notification: Notification): Render {
  const named = defaultNamedTemplates(notification, {
    'jira.default.summary': notificationTitle(notification),
    'jira.default.description': notificationText(notification),
    'jira.default.priority': defaultJiraPriority(notification),
  });
  const data = templateData(notification);
  return (source) => (source.includes('{{') ? renderGoTemplate(source, data, named) : source);
}

/** Renders `source`; one that fails is logged and gives `fallback` (undefined: leave the field out). */
function renderOr(render: Render, source: string, fallback: string | undefined, notification: Notification, field: string, context: TemplateContext): string | undefined {
  try {
    return render(source);
  } catch (error) {
    const instead = fallback === undefined ? 'sent without it' : 'sent the default text instead';
    context.onTemplateError(`${fieldName(notification, field)}: ${error instanceof Error ? error.message : String(error)}; ${instead}`);
    return fallback;
  }
}

// Atlassian Document Format (API v3 descriptions): https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
type AdfNode = Json;

/** One line as ADF inline nodes: `Runbook: https://...` becomes a label and a link. */
function adfLine(line: string): AdfNode[] {
  const link = /^([^:\n]{1,40}): (https?:\/\/\S+)$/.exec(line);
  if (link === null) return [{ type: 'text', text: line }];
  const [, label = '', href = ''] = link;
  return [{ type: 'text', text: `${label}: ` }, { type: 'text', text: href, marks: [{ type: 'link', attrs: { href } }] }];
}

/** Plain text as an ADF document: a paragraph per block (blank-line separated), a hard break per line. */
export function adfDocument(text: string): AdfNode {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((block) => block.split('\n').filter((line) => line.trim() !== ''))
    .filter((lines) => lines.length > 0)
    .map((lines) => ({ type: 'paragraph', content: lines.flatMap((line, index) => [...(index === 0 ? [] : [{ type: 'hardBreak' }]), ...adfLine(line)]) }));
  return { type: 'doc', version: 1, content: paragraphs };
}

/** `text` as ADF whose JSON stays within Jira's 32,767 characters: the text is cut (with `…`) until it fits. */
function fittedAdf(text: string): AdfNode {
  let body = text;
  for (let attempt = 0; attempt < 48; attempt += 1) {
    const document = adfDocument(body);
    const size = JSON.stringify(document).length;
    if (size <= jiraLimits.description) return document;
    // Half the overshoot in characters: one character may take two in the JSON (a surrogate pair, an escape).
    body = truncateRunes(body, Math.max(0, runeLength(body) - Math.ceil((size - jiraLimits.description) / 2) - 1));
  }
  return adfDocument('');
}

/**
 * The description: plain text for API v2; an ADF document for v3. A v3 template may render ADF
 * JSON (sent as rendered, as Alertmanager sends it) or plain text (wrapped into ADF, where
 * Alertmanager would fail the notification). Cut to 32,767 characters as Alertmanager cuts it
 * (TruncateInRunes); ADF that no longer parses after the cut, or a failing template, sends the
 * default text instead. Undefined: no description (a template that renders empty).
 */
function description(notification: Notification, settings: JiraSettings, render: Render, context: TemplateContext): unknown {
  const fallback = notificationText(notification);
  const v3 = isJiraApiV3(settings.apiUrl);
  const source = settings.description.template;
  const rendered = source === null ? fallback : (renderOr(render, source, fallback, notification, 'description', context) ?? fallback);
  const text = truncateRunes(rendered, jiraLimits.description);
  if (!v3) return text === '' ? undefined : text;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!trimmed.startsWith('{') || source === null) return fittedAdf(trimmed);
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (isMapping(parsed) && parsed.type === 'doc') return parsed;
    context.onTemplateError(`${fieldName(notification, 'description')}: rendered JSON that is not an ADF document (type "doc"); sent the default text instead`);
  } catch {
    const cut = runeLength(rendered) > jiraLimits.description ? ` (cut to ${jiraLimits.description} characters)` : '';
    context.onTemplateError(`${fieldName(notification, 'description')}: rendered JSON that does not parse${cut}; sent the default text instead`);
  }
  return fittedAdf(fallback);
}

/** The summary: one line (Jira refuses line breaks), at most 255 characters cut as Alertmanager cuts it; empty: the default title. */
function summary(notification: Notification, settings: JiraSettings, render: Render, context: TemplateContext): string {
  const fallback = notificationTitle(notification);
  const source = settings.summary.template;
  const rendered = source === null ? fallback : (renderOr(render, source, fallback, notification, 'summary', context) ?? fallback);
  const line = rendered.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return truncateRunes(line === '' ? truncateRunes(fallback, jiraLimits.summary) : line, jiraLimits.summary);
}

/**
 * The labels: each template rendered, then the group's `ALERT{...}` label, sorted, as
 * Alertmanager sends them. A label Jira would refuse (empty, with whitespace, over 255
 * characters) is left out and logged rather than have Jira refuse the issue.
 */
function labels(notification: Notification, settings: JiraSettings, render: Render, context: TemplateContext): string[] {
  const out: string[] = [];
  settings.labels.forEach((source, index) => {
    const label = renderOr(render, source, undefined, notification, `labels[${index}]`, context);
    if (label === undefined || label === '') return;
    if (/\s/.test(label) || runeLength(label) > jiraLimits.label) {
      context.onTemplateError(`${fieldName(notification, `labels[${index}]`)}: rendered "${truncateRunes(label, 60)}", which Jira refuses (no whitespace, at most ${jiraLimits.label} characters); sent without it`);
      return;
    }
    out.push(label);
  });
  out.push(jiraGroupLabel(notification.groupKey));
  return out.sort();
}

/** Every string inside `value` rendered as a template (Alertmanager's DeepCopyWithTemplate); keys are kept. */
function renderDeep(value: unknown, render: Render): unknown {
  if (typeof value === 'string') return render(value);
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, render));
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderDeep(item, render)]));
  return value;
}

/**
 * The `fields` of a create (`update` false) or an update: project, issue type, summary,
 * description, labels, priority, then `fields` (which win on the same key, as in Alertmanager).
 * An update leaves out the summary, description and labels whose `enable_update` is false.
 */
export function jiraIssueFields(notification: Notification, settings: JiraSettings, target: { project: string; issueType: string }, update: boolean, context: TemplateContext): Json {
  const render = renderer(notification);
  const fields: Json = { project: { key: target.project }, issuetype: { name: target.issueType } };
  if (!update || settings.summary.enableUpdate) fields.summary = summary(notification, settings, render, context);
  if (!update || settings.description.enableUpdate) {
    const text = description(notification, settings, render, context);
    if (text !== undefined) fields.description = text;
  }
  if (!update || settings.labelsEnableUpdate) fields.labels = labels(notification, settings, render, context);
  const priority = settings.priority === null ? defaultJiraPriority(notification) : renderOr(render, settings.priority, undefined, notification, 'priority', context)?.trim();
  if (priority !== undefined && priority !== '') fields.priority = { name: priority };
  for (const [key, value] of Object.entries(settings.fields)) {
    try {
      fields[key] = renderDeep(value, render);
    } catch (error) {
      context.onTemplateError(`${fieldName(notification, `fields.${key}`)}: ${error instanceof Error ? error.message : String(error)}; sent without this field`);
    }
  }
  // Sorted keys, as Go marshals a map.
  return Object.fromEntries(Object.keys(fields).sort().map((key) => [key, fields[key]]));
}

/** The issue a search found: its key and whether its status is in the "done" category. */
interface FoundIssue {
  key: string;
  done: boolean;
  /** False when the answer had no status: Alertmanager then leaves the issue's status alone. */
  hasStatus: boolean;
}

/** The first issue of a search answer; null for none; undefined when the answer is not a Jira search result. */
function firstIssue(answer: unknown): FoundIssue | null | undefined {
  if (!isMapping(answer) || !Array.isArray(answer.issues)) return undefined;
  const issue: unknown = answer.issues[0];
  if (issue === undefined) return null;
  if (!isMapping(issue) || typeof issue.key !== 'string' || issue.key === '') return undefined;
  const status = isMapping(issue.fields) && isMapping(issue.fields.status) ? issue.fields.status : undefined;
  const category = status !== undefined && isMapping(status.statusCategory) ? status.statusCategory.key : undefined;
  return { key: issue.key, done: category === 'done', hasStatus: status !== undefined };
}

/** A failure whose message says which step failed; the status, reason and retry hint are kept. */
function atStep(step: string, result: DeliveryResult): DeliveryResult {
  return result.ok ? result : { ...result, message: `${step}: ${result.message}` };
}

function badAnswer(step: string, url: string, what: string): DeliveryResult {
  return { ok: false, retryable: false, reason: 'client', message: `${step}: the answer from ${new URL(url).host} is not ${what} (or is larger than the answer bound)` };
}

export function createJiraNotifier(settings: JiraSettings, context: NotifierContext): Notifier {
  return {
    key: 'jira_configs',
    sendResolved: settings.sendResolved,
    async send(notification, { signal }) {
      // Alertmanager's headers on every call, plus sre-monitor's Idempotency-Key.
      const headers = { 'accept-language': 'en', 'idempotency-key': notification.idempotencyKey };
      const call = (method: 'GET' | 'POST' | 'PUT', url: string, body?: Json) => {
        const request: OutgoingRequest = { url: { kind: 'inline', value: url }, method, contentType: 'application/json', headers, auth: settings.auth, transport: settings.transport, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
        return requestJson(request, context, signal);
      };
      // The project and issue type have no default to fall back on: one that does not render fails the send.
      const render = renderer(notification);
      const target: { project: string; issueType: string } = { project: '', issueType: '' };
      for (const [key, field] of [['project', 'project'], ['issueType', 'issue_type']] as const) {
        try {
          target[key] = render(settings[key]).trim();
        } catch (error) {
          const message = `${fieldName(notification, field)}: ${error instanceof Error ? error.message : String(error)}`;
          context.onTemplateError(`${message}; not sent`);
          return configFailure(`the ${field} template does not render: ${message}`);
        }
        if (target[key] === '') return configFailure(`the ${field} template rendered empty`);
      }
      const firing = notification.alerts.some((alert) => alert.status === 'firing');
      const searchUrl = jiraSearchUrl(settings);
      const jql = jiraSearchJql(settings, target.project, jiraGroupLabel(notification.groupKey), firing);
      const search = await call('POST', searchUrl, { jql, maxResults: 2, fields: ['status'] });
      if (!search.result.ok) return atStep('search', search.result);
      const found = firstIssue(search.json);
      if (found === undefined) return badAnswer('search', searchUrl, 'a Jira search result');
      // No issue for a resolved group: nothing to resolve, and none is created.
      if (found === null && !firing) return search.result;

      const issueUrl = found === null ? `${settings.apiUrl}/issue` : `${settings.apiUrl}/issue/${encodeURIComponent(found.key)}`;
      const written = await call(found === null ? 'POST' : 'PUT', issueUrl, { fields: jiraIssueFields(notification, settings, target, found !== null, context) });
      if (!written.result.ok || found === null || !found.hasStatus) return atStep(found === null ? 'create issue' : `update issue ${found.key}`, written.result);

      // Reopen a done issue that fires again; resolve an open one whose group resolved. No transition configured: the status is left alone.
      const transition = firing ? (found.done ? settings.reopenTransition : '') : found.done ? '' : settings.resolveTransition;
      if (transition === '') return written.result;
      const transitionsUrl = `${issueUrl}/transitions`;
      const available = await call('GET', transitionsUrl);
      if (!available.result.ok) return atStep(`transitions of ${found.key}`, available.result);
      if (!isMapping(available.json) || !Array.isArray(available.json.transitions)) return badAnswer(`transitions of ${found.key}`, transitionsUrl, 'a list of Jira transitions');
      const match: unknown = available.json.transitions.find((item: unknown) => isMapping(item) && item.name === transition);
      if (!isMapping(match) || (typeof match.id !== 'string' && typeof match.id !== 'number')) {
        const which = firing ? 'reopen_transition' : 'resolve_transition';
        return configFailure(`${which}: issue ${found.key} has no transition named ${JSON.stringify(transition)} (transition names depend on the workflow and the account's language)`);
      }
      const moved = await call('POST', transitionsUrl, { transition: { id: String(match.id) } });
      return atStep(`transition ${found.key} (${transition})`, moved.result);
    },
  };
}

/** `summary` / `description`: a template string, or `{template, enable_update}`. */
function readFieldTemplate(reader: IntegrationConfigReader, key: 'summary' | 'description'): JiraFieldTemplate {
  const value = reader.mapping[key];
  if (value === undefined || value === null) return { template: null, enableUpdate: true };
  if (!isMapping(value)) return { template: reader.string(key), enableUpdate: true };
  const entry = new IntegrationConfigReader(value, reader.at(key), reader.problems);
  entry.checkKeys(['template', 'enable_update']);
  return { template: value.template === undefined || value.template === null ? null : entry.string('template'), enableUpdate: entry.boolean('enable_update', true) };
}

/** `labels`: a list of templates, or `{values: [...], enable_update}`. */
function readLabels(reader: IntegrationConfigReader): { values: string[]; enableUpdate: boolean } {
  const value = reader.mapping.labels;
  if (isMapping(value)) {
    const entry = new IntegrationConfigReader(value, reader.at('labels'), reader.problems);
    entry.checkKeys(['values', 'enable_update']);
    return { values: readStringItems(entry, 'values'), enableUpdate: entry.boolean('enable_update', true) };
  }
  return { values: readStringItems(reader, 'labels'), enableUpdate: true };
}

function readStringItems(reader: IntegrationConfigReader, key: string): string[] {
  const path = reader.at(key);
  const items = readList(reader.mapping[key] ?? [], path, reader.problems) ?? [];
  return items.flatMap((item, index) => {
    if (typeof item === 'string') return [item];
    reader.problems.add([...path, index], 'must be a string');
    return [];
  });
}

function readApiType(reader: IntegrationConfigReader): JiraApiType {
  const value = reader.string('api_type');
  if (value === '') return 'auto';
  if ((jiraApiTypes as readonly string[]).includes(value)) return value as JiraApiType;
  reader.problems.add(reader.at('api_type'), `must be auto, cloud or datacenter, got "${value}"`);
  return 'auto';
}

function readReopenDuration(reader: IntegrationConfigReader): number {
  const text = reader.string('reopen_duration').trim();
  if (text === '') return 0;
  const ms = parseDurationMs(text);
  if (ms !== undefined) return ms;
  reader.problems.add(reader.at('reopen_duration'), `must be a duration such as 30m, 12h or 7d, got "${text}"`);
  return 0;
}

export const buildJiraIntegration: ChannelFactory = (reader, global, context) => {
  reader.checkKeys(['api_url', 'api_type', 'project', 'issue_type', 'summary', 'description', 'labels', 'priority', 'reopen_transition', 'resolve_transition', 'wont_fix_resolution', 'reopen_duration', 'fields', 'send_resolved', 'http_config']);
  const apiUrl = (reader.string('api_url') || globalString(global, 'jira_api_url')).replace(/\/+$/, '');
  let urlOk = false;
  if (apiUrl === '') reader.problems.add(reader.path, 'missing api_url (set api_url here or global.jira_api_url, e.g. https://example.atlassian.net/rest/api/2)');
  else if (reader.has('api_url')) urlOk = checkHttpUrl(apiUrl, reader.at('api_url'), reader.problems);
  else {
    urlOk = /^https?:\/\/[^/]/.test(apiUrl) && URL.canParse(apiUrl);
    if (!urlOk) reader.problems.add(reader.path, `global.jira_api_url must be an absolute http:// or https:// URL, got "${apiUrl}"`);
  }
  const project = reader.string('project');
  if (project.trim() === '') reader.problems.add(reader.path, 'missing project (the key of the Jira project issues are created in)');
  const issueType = reader.string('issue_type');
  if (issueType.trim() === '') reader.problems.add(reader.path, 'missing issue_type (e.g. Bug, Task or Incident)');
  const labels = readLabels(reader);
  const auth = reader.httpAuth();
  const transport = readHttpTransport(reader);
  const fields = reader.mapping.fields === undefined || reader.mapping.fields === null ? {} : (readMapping(reader.mapping.fields, reader.at('fields'), reader.problems) ?? {});
  const settings: JiraSettings = {
    apiUrl,
    apiType: readApiType(reader),
    project,
    issueType,
    summary: readFieldTemplate(reader, 'summary'),
    description: readFieldTemplate(reader, 'description'),
    labels: labels.values,
    labelsEnableUpdate: labels.enableUpdate,
    priority: reader.mapping.priority === undefined || reader.mapping.priority === null ? null : reader.string('priority'),
    reopenTransition: reader.string('reopen_transition'),
    resolveTransition: reader.string('resolve_transition'),
    wontFixResolution: reader.string('wont_fix_resolution'),
    reopenDurationMs: readReopenDuration(reader),
    fields,
    sendResolved: reader.boolean('send_resolved', true),
    ...(auth ? { auth } : {}),
    ...(transport ? { transport } : {}),
  };
  if (!urlOk || project.trim() === '' || issueType.trim() === '') return undefined;
  return { notifier: createJiraNotifier(settings, context), maxAlerts: 0 };
};
