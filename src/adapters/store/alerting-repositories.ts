/**
 * The alerting pipeline's durable state: alerts, silences, the notification log (what each
 * receiver was last told about each group, so a restart does not notify twice) and the
 * notification outbox (each notification stored before it is sent). Every method resolves only
 * after the write has committed. Times are milliseconds since the Unix epoch.
 */
import type { Alert } from '../../core/alerting/alert.js';
import type { IntegrationRef, Notification } from '../../core/alerting/notification.js';
import type { Silence } from '../../core/alerting/silence.js';

export interface AlertRepository {
  /** Inserts or replaces by fingerprint, all in one transaction. */
  upsert(alerts: readonly Alert[]): Promise<void>;
  /** Every stored alert (start-up restore), ordered by fingerprint. */
  all(): Promise<Alert[]>;
  get(fingerprint: string): Promise<Alert | undefined>;
  /** Deletes up to `limit` alerts that ended before `beforeMs`; returns how many. */
  deleteResolvedBefore(beforeMs: number, limit: number): Promise<number>;
}

export interface SilenceRepository {
  /** Inserts or replaces by id. */
  upsert(silence: Silence): Promise<void>;
  get(id: string): Promise<Silence | undefined>;
  /** Every stored silence, ordered by start then id. */
  all(): Promise<Silence[]>;
  /** Deletes up to `limit` silences that ended before `beforeMs`; returns how many. */
  deleteExpiredBefore(beforeMs: number, limit: number): Promise<number>;
}

/** What one integration was last told about one aggregation group (Alertmanager's nflog entry). */
export interface NotificationLogEntry {
  integration: IntegrationRef;
  groupKey: string;
  firingFingerprints: string[];
  resolvedFingerprints: string[];
  sentAtMs: number;
}

export interface NotificationLogRepository {
  get(integration: IntegrationRef, groupKey: string): Promise<NotificationLogEntry | undefined>;
  /** Every entry (start-up restore). */
  all(): Promise<NotificationLogEntry[]>;
  upsert(entry: NotificationLogEntry): Promise<void>;
  /**
   * Several upserts in one statement per chunk (a batch of group flushes); for the same key the
   * last entry wins, as it would written one by one.
   */
  upsertMany(entries: readonly NotificationLogEntry[]): Promise<void>;
  deleteOlderThan(beforeMs: number, limit: number): Promise<number>;
}

export type OutboxStatus = 'pending' | 'sent' | 'dead';

export interface OutboxItem {
  /** Increasing in enqueue order. */
  id: number;
  notification: Notification;
  status: OutboxStatus;
  /** Delivery attempts made so far. */
  attempts: number;
  /** When the next attempt is due (pending items only). */
  nextAttemptAtMs: number;
  lastError: string | null;
  /** DeliveryFailureReason of the last failure. */
  lastReason: string | null;
  createdAtMs: number;
  /**
   * When the item last became pending: its enqueue, or a retry by hand. The delivery's maximum
   * age counts from here, so a dead item retried by hand gets a full round of attempts. Always
   * set by the store; optional only so hand-built items in tests need not name it.
   */
  queuedAtMs?: number;
  /** When it was sent or dead-lettered. */
  finishedAtMs: number | null;
}

export interface OutboxListQuery {
  status?: OutboxStatus;
  receiver?: string;
  /** Exclusive upper bound on id (newest first). */
  beforeId?: number;
  limit: number;
}

/** What one `enqueue` stored. */
export interface OutboxEnqueued {
  /** Items stored (a notification whose idempotency key was already stored is not). */
  stored: number;
  /** The stored items that head their group, in id order. */
  heads: OutboxItem[];
}

export interface OutboxRepository {
  /**
   * Stores new pending notifications in one transaction; one whose idempotency key is already
   * stored is skipped. Resolves after commit: only then is a notification acknowledged.
   * Returns how many items this call stored, and those of them that head their group (no older
   * pending item of the same integration and group key), in id order, as `due` would return
   * them: the delivery can start those without reading them back.
   */
  enqueue(notifications: readonly Notification[], nowMs: number): Promise<OutboxEnqueued>;
  /**
   * Pending items due at `nowMs`, longest overdue first (by `nextAttemptAtMs`, then id), at most
   * one per (integration, group key): the oldest pending item of a group blocks the later ones,
   * so a group is delivered in order. Items of `excludeReceivers` (receivers whose circuit breaker is open) are left out,
   * so they cannot crowd the others out of the page.
   */
  due(nowMs: number, limit: number, excludeReceivers?: readonly string[]): Promise<OutboxItem[]>;
  /**
   * The earliest `nextAttemptAtMs` of the pending items `due` could return (the oldest pending
   * item of each group, outside `excludeReceivers`), or null when there is none: when the
   * delivery loop has to wake up next.
   */
  nextDueAtMs(excludeReceivers?: readonly string[]): Promise<number | null>;
  /** Marks a pending item sent, counting the attempt that delivered it. */
  markSent(id: number, atMs: number): Promise<void>;
  /** `markSent` for several items sent at the same time, in one statement per chunk. */
  markSentMany(ids: readonly number[], atMs: number): Promise<void>;
  markRetry(id: number, update: { attempts: number; nextAttemptAtMs: number; lastError: string; lastReason: string }): Promise<void>;
  markDead(id: number, update: { attempts: number; lastError: string; lastReason: string; atMs: number }): Promise<void>;
  /**
   * A dead item back to pending, due at `nowMs`, with its attempts reset and `queuedAtMs` set to
   * `nowMs`; false when there is no dead item with that id.
   */
  retry(id: number, nowMs: number): Promise<boolean>;
  get(id: number): Promise<OutboxItem | undefined>;
  /** Newest (highest id) first. */
  list(query: OutboxListQuery): Promise<OutboxItem[]>;
  countByStatus(): Promise<Record<OutboxStatus, number>>;
  /** Deletes up to `limit` sent or dead items finished before `beforeMs`. */
  deleteFinishedBefore(beforeMs: number, limit: number): Promise<number>;
}
