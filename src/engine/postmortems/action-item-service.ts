/**
 * Action items of postmortems: created against an existing incident, changed, closed, deleted.
 * When a people list is configured (`knownPeople`), owners must be on it. Every write commits
 * with its audit entry and then calls `onChange`, which the composition root points at the
 * overdue checker so an alert resolves as soon as its item is done or its due date moves.
 */
import { randomUUID } from 'node:crypto';
import type { Store, StoreRepositories } from '../../adapters/store/store.js';
import type { Clock } from '../../core/clock.js';
import { NotFoundError } from '../../core/errors.js';
import {
  applyActionItemChange,
  checkActionItemFields,
  isClosedStatus,
  type ActionItem,
  type ActionItemFields,
  type ActionItemPriority,
  type ActionItemStatus,
} from '../../core/postmortems/action-item.js';
import type { Actor } from '../actor.js';
import type { IncidentReader } from '../incidents/incident-ports.js';

export interface ActionItemServiceOptions {
  store: Pick<Store, 'transaction' | 'actionItems'>;
  incidents: Pick<IncidentReader, 'get'>;
  clock: Clock;
  /** The configured people's names, or null when no people are configured (any owner is accepted). */
  knownPeople?: () => ReadonlySet<string> | null;
  /** Default: `ai-<time>-<sequence>-<random>`, sorting in creation order (see sortableIds). */
  newId?: () => string;
  /** Called after each committed write (the overdue checker's `checkSoon`). */
  onChange?: (item: ActionItem) => void;
}

export interface NewActionItem {
  title: string;
  owner: string;
  dueAtMs: number;
  /** Default medium. */
  priority?: ActionItemPriority;
  /** Default open. */
  status?: ActionItemStatus;
}

export interface ActionItemQuery {
  incidentId?: string;
  status?: readonly ActionItemStatus[];
  owner?: string;
  /** Only overdue items (open or in progress, due before now). */
  overdue?: boolean;
  after?: { createdAtMs: number; id: string };
  limit: number;
}

export interface ActionItemService {
  /** NotFoundError for an unknown incident; ValidationError naming bad fields. */
  create(incidentId: string, input: NewActionItem, actor: Actor): Promise<ActionItem>;
  get(id: string): Promise<ActionItem>;
  list(query: ActionItemQuery): Promise<ActionItem[]>;
  update(id: string, change: Partial<ActionItemFields>, actor: Actor): Promise<ActionItem>;
  delete(id: string, actor: Actor): Promise<void>;
}

/**
 * Ids that sort as the items were created, so items made in the same millisecond still list in
 * creation order (lists order by creation time, then id); the random tail keeps ids of two
 * processes sharing a database apart.
 */
export function sortableIds(clock: Clock): () => string {
  let sequence = 0;
  return () => {
    sequence = (sequence + 1) % 1_679_616;
    const time = clock.nowMs().toString(36).padStart(9, '0');
    return `ai-${time}-${sequence.toString(36).padStart(4, '0')}-${randomUUID().slice(0, 8)}`;
  };
}

export function createActionItemService(options: ActionItemServiceOptions): ActionItemService {
  const { store, clock } = options;
  const newId = options.newId ?? sortableIds(clock);
  const people = () => options.knownPeople?.() ?? null;
  const audit = (repos: StoreRepositories, actor: Actor, action: string, id: string, before: ActionItem | null, after: ActionItem | null) =>
    repos.audit.append({ at: new Date(clock.nowMs()).toISOString(), actor: actor.name, action, objectType: 'action_item', objectId: id, before, after, requestId: actor.requestId });
  const changed = (item: ActionItem) => {
    options.onChange?.(item);
    return item;
  };

  async function get(id: string): Promise<ActionItem> {
    const item = await store.actionItems.get(id);
    if (item === undefined) throw new NotFoundError('action item', id);
    return item;
  }

  return {
    async create(incidentId, input, actor) {
      const fields = checkActionItemFields({ ...input, priority: input.priority ?? 'medium', status: input.status ?? 'open' }, people());
      if ((await options.incidents.get(incidentId)) === null) throw new NotFoundError('incident', incidentId);
      const nowMs = clock.nowMs();
      const item: ActionItem = { id: newId(), incidentId, ...fields, createdAtMs: nowMs, updatedAtMs: nowMs, completedAtMs: isClosedStatus(fields.status) ? nowMs : null, overdueAlertedAtMs: null };
      await store.transaction(async (repos) => {
        await repos.actionItems.insert(item);
        await audit(repos, actor, 'action_item.create', item.id, null, item);
      });
      return changed(item);
    },

    get,

    list(query) {
      const nowMs = clock.nowMs();
      const status = query.overdue === true ? (query.status ?? ['open', 'in_progress']).filter((value) => !isClosedStatus(value)) : query.status;
      return store.actionItems.list({
        incidentId: query.incidentId,
        status,
        owner: query.owner,
        dueBeforeMs: query.overdue === true ? nowMs : undefined,
        after: query.after,
        limit: query.limit,
      });
    },

    async update(id, change, actor) {
      const next = await store.transaction(async (repos) => {
        const current = await repos.actionItems.get(id);
        if (current === undefined) throw new NotFoundError('action item', id);
        const { title, owner, dueAtMs, priority, status } = current;
        const merged = { title, owner, dueAtMs, priority, status, ...change };
        // An unchanged owner stays valid even if it has since left the people list.
        const fields = checkActionItemFields(merged, change.owner === undefined ? null : people());
        const updated = applyActionItemChange(current, fields, clock.nowMs());
        await repos.actionItems.update(updated);
        await audit(repos, actor, 'action_item.update', id, current, updated);
        return updated;
      });
      return changed(next);
    },

    async delete(id, actor) {
      const removed = await store.transaction(async (repos) => {
        const current = await repos.actionItems.get(id);
        if (current === undefined || !(await repos.actionItems.delete(id))) throw new NotFoundError('action item', id);
        await audit(repos, actor, 'action_item.delete', id, current, null);
        return current;
      });
      changed(removed);
    },
  };
}
