/**
 * `/api/v1/incidents/:id/postmortem`: the blameless postmortem of a resolved incident. POST
 * drafts it from seed 004's template; GET returns JSON (or Markdown with `?format=markdown`,
 * `Accept: text/markdown`, or the `.md` path); PUT replaces the Markdown (and optionally the
 * status) naming the version it edits, in the body or as `If-Match: "<version>"` (the ETag of
 * GET); a stale version answers 409. POST `.../publish` publishes it. Action item routes are
 * registered alongside (action-items.ts).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Clock } from '../../core/clock.js';
import { ValidationError } from '../../core/errors.js';
import { postmortemStatuses, type Postmortem } from '../../core/postmortems/postmortem.js';
import { parsePostmortem } from '../../core/postmortems/postmortem-markdown.js';
import type { ActionItemService } from '../../engine/postmortems/action-item-service.js';
import type { PostmortemService } from '../../engine/postmortems/postmortem-service.js';
import { IncidentParams, registerActionItemRoutes } from './action-items.js';

const iso = (ms: number) => new Date(ms).toISOString();

const GetQuery = Type.Object({ format: Type.Optional(Type.Enum(['json', 'markdown'], { description: 'json (default) or markdown; Accept: text/markdown also gives Markdown.' })) }, { additionalProperties: false });
const PutBody = Type.Object(
  {
    markdown: Type.Optional(Type.String({ minLength: 1, maxLength: 262_144, description: 'The whole document; sections are free after creation.' })),
    status: Type.Optional(Type.Enum([...postmortemStatuses])),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'The version being edited (or send If-Match).' })),
  },
  { additionalProperties: false },
);
const PublishBody = Type.Union([Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }), Type.Null()]);

export function postmortemJson(postmortem: Postmortem) {
  const parsed = parsePostmortem(postmortem.markdown);
  return {
    incident_id: postmortem.incidentId,
    status: postmortem.status,
    author: postmortem.author,
    version: postmortem.version,
    created_at: iso(postmortem.createdAtMs),
    updated_at: iso(postmortem.updatedAtMs),
    title: parsed.title,
    sections: parsed.sections.map((section) => ({ heading: section.heading, level: section.level })),
    markdown: postmortem.markdown,
  };
}

const etag = (version: number) => `"${version}"`;

/** `If-Match: "3"` (also W/"3" or a bare 3) -> 3; `*` or absent -> undefined. */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (match === null) throw new ValidationError([{ field: 'If-Match', message: `must be the ETag of GET, like "3", got ${JSON.stringify(header)}` }]);
  return Number(match[1]);
}

function expectedVersion(bodyVersion: number | undefined, ifMatch: string | string[] | undefined, required: boolean): number | undefined {
  const header = versionFromIfMatch(Array.isArray(ifMatch) ? ifMatch[0] : ifMatch);
  if (bodyVersion !== undefined && header !== undefined && bodyVersion !== header) {
    throw new ValidationError([{ field: 'version', message: `the body says ${bodyVersion} but If-Match says ${header}` }]);
  }
  const version = bodyVersion ?? header;
  if (version === undefined && required) throw new ValidationError([{ field: 'version', message: 'is required: the version you edited, in the body or as If-Match (the ETag of GET)' }]);
  return version;
}

function wantsMarkdown(format: string | undefined, accept: string | undefined): boolean {
  if (format !== undefined) return format === 'markdown';
  return accept !== undefined && accept.includes('text/markdown') && !accept.includes('application/json');
}

export function registerPostmortemRoutes(app: FastifyInstance, deps: { postmortems: PostmortemService; actionItems: ActionItemService; clock: Clock }): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['postmortems'];

  const sendJson = (reply: FastifyReply, postmortem: Postmortem, code = 200) => reply.code(code).header('etag', etag(postmortem.version)).send(postmortemJson(postmortem));
  const sendMarkdown = async (reply: FastifyReply, incidentId: string) => {
    const postmortem = await deps.postmortems.get(incidentId);
    const text = await deps.postmortems.exportMarkdown(incidentId);
    return reply
      .type('text/markdown; charset=utf-8')
      .header('etag', etag(postmortem.version))
      .header('content-disposition', `inline; filename="postmortem-${incidentId.replace(/[^A-Za-z0-9._-]/g, '_')}.md"`)
      .send(text);
  };

  api.post('/api/v1/incidents/:id/postmortem', { config: { requiredRole: 'responder' }, schema: { tags, summary: "Draft the postmortem of a resolved incident from seed 004's template", params: IncidentParams } }, async (request, reply) => {
    const postmortem = await deps.postmortems.create(request.params.id, request.actor);
    return sendJson(reply.header('location', `/api/v1/incidents/${encodeURIComponent(postmortem.incidentId)}/postmortem`), postmortem, 201);
  });

  api.get('/api/v1/incidents/:id/postmortem', { schema: { tags, summary: 'The postmortem (JSON, or Markdown with format=markdown or Accept: text/markdown)', params: IncidentParams, querystring: GetQuery } }, async (request, reply) => {
    if (wantsMarkdown(request.query.format, request.headers.accept)) return sendMarkdown(reply, request.params.id);
    return sendJson(reply, await deps.postmortems.get(request.params.id));
  });

  api.get('/api/v1/incidents/:id/postmortem.md', { schema: { tags, summary: 'The postmortem exported as Markdown, with the action items as tracked', params: IncidentParams } }, (request, reply) =>
    sendMarkdown(reply, request.params.id),
  );

  api.put('/api/v1/incidents/:id/postmortem', { config: { requiredRole: 'responder' }, schema: { tags, summary: 'Replace the Markdown (and/or status) of the version you edited; 409 when it is stale', params: IncidentParams, body: PutBody } }, async (request, reply) => {
    const { markdown, status, version } = request.body;
    if (markdown === undefined && status === undefined) throw new ValidationError([{ field: 'markdown', message: 'give markdown, status or both' }]);
    const expected = expectedVersion(version, request.headers['if-match'], true)!;
    return sendJson(reply, await deps.postmortems.update(request.params.id, { markdown, status }, expected, request.actor));
  });

  api.post('/api/v1/incidents/:id/postmortem/publish', { config: { requiredRole: 'responder' }, schema: { tags, summary: 'Publish the postmortem (optionally only at the version given)', params: IncidentParams, body: Type.Optional(PublishBody) } }, async (request, reply) => {
    const expected = expectedVersion(request.body?.version ?? undefined, request.headers['if-match'], false);
    return sendJson(reply, await deps.postmortems.publish(request.params.id, expected, request.actor));
  });

  registerActionItemRoutes(app, { actionItems: deps.actionItems, clock: deps.clock });
}
