/**
 * src/engine/postmortems: postmortems, their action items, the overdue checker and the incident
 * report. They reach incidents only through the incident ports (IncidentReader,
 * IncidentTimelineWriter), never the incident tables.
 *
 * The postmortem service: a draft is made once, from a resolved incident, with seed 004's
 * template filled from the incident and its timeline; after that the Markdown is the authors',
 * edited with optimistic concurrency (each write names the version it read; a stale one is a
 * ConflictError, HTTP 409) and finally published. Every write commits with its audit entry.
 */
import type { Store, StoreRepositories } from '../../adapters/store/store.js';
import type { Clock } from '../../core/clock.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import { isOpen } from '../../core/incidents/incident.js';
import { editPostmortem, type Postmortem, type PostmortemStatus } from '../../core/postmortems/postmortem.js';
import { exportPostmortemMarkdown } from '../../core/postmortems/postmortem-markdown.js';
import { renderPostmortemDraft } from '../../core/postmortems/postmortem-template.js';
import type { Actor } from '../actor.js';
import type { IncidentReader, IncidentTimelineWriter } from '../incidents/incident-ports.js';

export interface PostmortemServiceOptions {
  store: Pick<Store, 'transaction' | 'postmortems' | 'actionItems'>;
  incidents: IncidentReader;
  timeline: IncidentTimelineWriter;
  clock: Clock;
  /** A failed timeline entry after the draft was stored (the draft stays; default: ignored). */
  onError?: (error: unknown, context: string) => void;
}

export interface PostmortemChange {
  markdown?: string;
  status?: PostmortemStatus;
}

export interface PostmortemService {
  /** Drafts the incident's postmortem. NotFoundError for an unknown incident; ConflictError when it is still open or already has one. */
  create(incidentId: string, actor: Actor): Promise<Postmortem>;
  /** NotFoundError when the incident has no postmortem. */
  get(incidentId: string): Promise<Postmortem>;
  /** Applies `change` if the stored version is still `expectedVersion`; ConflictError when it is not. */
  update(incidentId: string, change: PostmortemChange, expectedVersion: number, actor: Actor): Promise<Postmortem>;
  /** Sets the status to published (at `expectedVersion` when given). */
  publish(incidentId: string, expectedVersion: number | undefined, actor: Actor): Promise<Postmortem>;
  /** The Markdown to hand out, with the action items as tracked (core/postmortems/postmortem-markdown.ts). */
  exportMarkdown(incidentId: string): Promise<string>;
}

/** Audit entries keep the metadata, not the (possibly long) text. */
const auditView = (postmortem: Postmortem | null) =>
  postmortem === null ? null : { status: postmortem.status, version: postmortem.version, author: postmortem.author, length: postmortem.markdown.length };

export function createPostmortemService(options: PostmortemServiceOptions): PostmortemService {
  const { store, clock } = options;
  const audit = (repos: StoreRepositories, actor: Actor, action: string, incidentId: string, before: Postmortem | null, after: Postmortem | null) =>
    repos.audit.append({ at: new Date(clock.nowMs()).toISOString(), actor: actor.name, action, objectType: 'postmortem', objectId: incidentId, before: auditView(before), after: auditView(after), requestId: actor.requestId });

  async function get(incidentId: string): Promise<Postmortem> {
    const postmortem = await store.postmortems.get(incidentId);
    if (postmortem === undefined) throw new NotFoundError('postmortem of incident', incidentId);
    return postmortem;
  }

  async function write(incidentId: string, change: PostmortemChange, expectedVersion: number | undefined, actor: Actor, action: string): Promise<Postmortem> {
    return store.transaction(async (repos) => {
      const current = await repos.postmortems.get(incidentId);
      if (current === undefined) throw new NotFoundError('postmortem of incident', incidentId);
      const version = expectedVersion ?? current.version;
      if (current.version !== version) throw staleVersion(incidentId, version, current.version);
      const next = editPostmortem(current, change, clock.nowMs());
      // The WHERE on version settles a race that slipped between the read and this write.
      if (!(await repos.postmortems.replaceIfVersion(next, version))) throw staleVersion(incidentId, version, undefined);
      await audit(repos, actor, action, incidentId, current, next);
      return next;
    });
  }

  return {
    async create(incidentId, actor) {
      const incident = await options.incidents.get(incidentId);
      if (incident === null) throw new NotFoundError('incident', incidentId);
      if (isOpen(incident)) throw new ConflictError(`incident '${incidentId}' is still ${incident.status}; a postmortem is written once it is resolved`);
      if ((await store.postmortems.get(incidentId)) !== undefined) throw new ConflictError(`incident '${incidentId}' already has a postmortem; edit it with PUT`);
      const timeline = await options.incidents.timeline(incidentId);
      const nowMs = clock.nowMs();
      const postmortem: Postmortem = {
        incidentId,
        markdown: renderPostmortemDraft(incident, timeline),
        status: 'draft',
        author: actor.name,
        createdAtMs: nowMs,
        updatedAtMs: nowMs,
        version: 1,
      };
      await store.transaction(async (repos) => {
        await repos.postmortems.insert(postmortem);
        await audit(repos, actor, 'postmortem.create', incidentId, null, postmortem);
      });
      try {
        await options.timeline.append(incidentId, { actor: actor.name, kind: 'postmortem_created', message: `postmortem draft created by ${actor.name}`, data: { version: 1 }, atMs: nowMs });
      } catch (error) {
        options.onError?.(error, `recording postmortem_created on the timeline of ${incidentId}`);
      }
      return postmortem;
    },

    get,

    update(incidentId, change, expectedVersion, actor) {
      return write(incidentId, change, expectedVersion, actor, 'postmortem.update');
    },

    publish(incidentId, expectedVersion, actor) {
      return write(incidentId, { status: 'published' }, expectedVersion, actor, 'postmortem.publish');
    },

    async exportMarkdown(incidentId) {
      const postmortem = await get(incidentId);
      const items = await store.actionItems.list({ incidentId, limit: 10_000 });
      return exportPostmortemMarkdown(postmortem.markdown, items);
    },
  };
}

function staleVersion(incidentId: string, given: number, current: number | undefined): ConflictError {
  const now = current === undefined ? 'it changed meanwhile' : `it is now at version ${current}`;
  return new ConflictError(`the postmortem of '${incidentId}' was changed by someone else: you edited version ${given} but ${now}; reload it and apply your edit again`, [
    { field: 'version', message: `stale: ${given}` },
  ]);
}
