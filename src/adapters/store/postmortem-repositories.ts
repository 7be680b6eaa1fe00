/**
 * Postmortems and their action items, durably. Every method resolves only after the write has
 * committed. Times are milliseconds since the Unix epoch.
 */
import type { ActionItem, ActionItemStatus } from '../../core/postmortems/action-item.js';
import type { Postmortem, PostmortemStatus } from '../../core/postmortems/postmortem.js';

export interface PostmortemRepository {
  get(incidentId: string): Promise<Postmortem | undefined>;
  /** Throws ConflictError when the incident already has a postmortem. */
  insert(postmortem: Postmortem): Promise<void>;
  /**
   * Replaces the stored postmortem only if its version is still `expectedVersion` (compare and
   * set in one statement); false when it is not (a concurrent write won) or there is none.
   */
  replaceIfVersion(postmortem: Postmortem, expectedVersion: number): Promise<boolean>;
  /** Postmortems ordered by incident id after `afterIncidentId` (exclusive), at most `limit`. */
  list(query: { status?: PostmortemStatus; afterIncidentId?: string; limit: number }): Promise<Postmortem[]>;
}

export interface ActionItemListQuery {
  incidentId?: string;
  status?: readonly ActionItemStatus[];
  owner?: string;
  /** Only items due strictly before this instant. */
  dueBeforeMs?: number;
  /** Keyset pagination: items ordered by (createdAtMs, id) strictly after this one. */
  after?: { createdAtMs: number; id: string };
  limit: number;
}

export interface ActionItemRepository {
  get(id: string): Promise<ActionItem | undefined>;
  /** Throws ConflictError when the id is taken. */
  insert(item: ActionItem): Promise<void>;
  /** Replaces the stored item with the same id; throws NotFoundError when there is none. */
  update(item: ActionItem): Promise<void>;
  /** False when there was nothing to delete. */
  delete(id: string): Promise<boolean>;
  /** Ordered by (createdAtMs, id). */
  list(query: ActionItemListQuery): Promise<ActionItem[]>;
  /**
   * Items the overdue checker must look at: open or in progress and due before `nowMs`, plus
   * every item still marked as alerted (to resolve alerts of items that stopped being overdue).
   */
  overdueCandidates(nowMs: number): Promise<ActionItem[]>;
  /** Sets or clears the overdue mark without touching anything else; false when there is no such item. */
  setOverdueAlerted(id: string, atMs: number | null): Promise<boolean>;
}
