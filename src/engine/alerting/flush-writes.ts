/**
 * Group commit for the writes of group flushes. Many groups fall due together (group_wait 0s
 * and a burst of new alerts, or one group_interval tick for many groups); each flush enqueues
 * its notifications and then records them in the notification log. Committed one by one,
 * every write is an fsync on the event loop (better-sqlite3 is synchronous), which capped
 * fan-out at a few hundred groups a second. Here writes that arrive while a transaction runs
 * wait and go together in the next one; each caller is answered only after its write committed.
 * A batch that fails is retried write by write, so one bad write fails only its own caller.
 */
import type { NotificationLogEntry, NotificationLogRepository, OutboxEnqueued, OutboxRepository } from '../../adapters/store/alerting-repositories.js';
import type { StoreRepositories } from '../../adapters/store/store.js';
import type { Notification } from '../../core/alerting/notification.js';
import type { Clock } from '../../core/clock.js';
import type { RequestPriority } from '../request-priority.js';

type Transaction = <T>(work: (repositories: Pick<StoreRepositories, 'outbox' | 'notificationLog'>) => Promise<T>) => Promise<T>;

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Calls `commit` with everything queued since the last one started; one commit at a time. The
 * first write waits for the current I/O round to end (setImmediate: a yield, not a delay):
 * better-sqlite3 answers synchronously, so a commit started at once would finish before the
 * next group's flush even ran, and each flush would pay its own fsync. Group flushes that fall
 * due together run in one timers phase; their writes share the commit that follows it.
 * `schedule` may wait longer (the request priority does while API requests are in flight, so
 * flushes paced a turn at a time still share one fsync instead of paying one each).
 */
export function createGroupCommit<T>(commit: (items: readonly T[]) => Promise<void>, schedule: (run: () => void) => void = setImmediate): (item: T) => Promise<void> {
  let queue: Array<Pending<T>> = [];
  let draining = false;
  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        await commit(batch.map((entry) => entry.item));
        for (const entry of batch) entry.resolve();
      } catch (batchError) {
        if (batch.length === 1) {
          batch[0]?.reject(batchError);
          continue;
        }
        for (const entry of batch) {
          try {
            await commit([entry.item]);
            entry.resolve();
          } catch (error) {
            entry.reject(error);
          }
        }
      }
    }
    draining = false;
  };
  return (item) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (draining) return;
      draining = true;
      schedule(() => void drain());
    });
}

/**
 * When a flush commit starts: after `pauseMs` while API requests are in flight (flush turns are
 * paced then, request-priority.ts, and each would otherwise commit, and fsync, on its own) or
 * while the delivery has `backlog` heads queued (what the commit stores would be sent only after
 * those, so its fsync may as well be shared: a fan-out of 5,000 groups paid ~90 at 2 – 3 ms each,
 * with the event loop blocked); at the end of the I/O round otherwise.
 */
export function flushCommitSchedule(options: { priority: RequestPriority; backlog: () => number; pauseMs: number; backlogToWait: number }): (run: () => void) => void {
  return (run) => {
    if (options.backlog() >= options.backlogToWait) setTimeout(run, options.pauseMs);
    else options.priority.schedule(run, options.pauseMs);
  };
}

export interface FlushWrites {
  enqueue(notifications: readonly Notification[]): Promise<void>;
  /** The notification log with its upserts group-committed; reads and deletes go straight through. */
  notificationLog: NotificationLogRepository;
}

/** One write of a flush: its notifications into the outbox, or its notification log entry. */
type FlushWrite = { kind: 'enqueue'; notifications: readonly Notification[] } | { kind: 'log'; entry: NotificationLogEntry };

export interface FlushWritesOptions {
  transaction: Transaction;
  outbox: OutboxRepository;
  notificationLog: NotificationLogRepository;
  clock: Clock;
  /**
   * After each commit that stored notifications: how many, and the stored items that head their
   * group, for the delivery to start without reading them back (outbox-delivery.ts `offer`).
   */
  onEnqueued?: (enqueued: OutboxEnqueued) => void;
  /** When a commit starts after the first write waiting for it; default the end of the I/O round. */
  schedule?: (run: () => void) => void;
}

export function createFlushWrites(options: FlushWritesOptions): FlushWrites {
  // One queue for both kinds: the log entries of one round's flushes commit together with the
  // notifications of the next round's, one fsync for both. Each flush still writes its log entry
  // only after its notifications committed (notify-pipeline.ts awaits the enqueue first).
  const write = createGroupCommit<FlushWrite>(async (writes) => {
    const enqueued = await options.transaction(async (repositories) => {
      const notifications = writes.flatMap((one) => (one.kind === 'enqueue' ? one.notifications : []));
      const entries = writes.flatMap((one) => (one.kind === 'log' ? [one.entry] : []));
      const stored = notifications.length > 0 ? await repositories.outbox.enqueue(notifications, options.clock.nowMs()) : { stored: 0, heads: [] };
      if (entries.length > 0) await repositories.notificationLog.upsertMany(entries);
      return stored;
    });
    if (enqueued.stored > 0) options.onEnqueued?.(enqueued);
  }, options.schedule);
  const log = options.notificationLog;
  return {
    enqueue: (notifications) => write({ kind: 'enqueue', notifications }),
    notificationLog: {
      get: (integration, groupKey) => log.get(integration, groupKey),
      all: () => log.all(),
      upsert: (entry) => write({ kind: 'log', entry }),
      upsertMany: async (entries) => {
        await Promise.all(entries.map((entry) => write({ kind: 'log', entry })));
      },
      deleteOlderThan: (beforeMs, limit) => log.deleteOlderThan(beforeMs, limit),
    },
  };
}
