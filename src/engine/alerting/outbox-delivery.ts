/**
 * The outbox delivery loop: sends stored notifications to their integrations and records each
 * outcome, so a notification is never lost between "stored" and "sent".
 *
 * - Due items come from `OutboxRepository.due`, which hands out only the oldest pending item of
 *   each (integration, group key): a later notification of a group waits while an earlier one is
 *   retried, so each group reaches its receiver in order.
 * - Up to `concurrency` sends await an answer at once; each answer frees its slot and wakes the
 *   loop, which starts the next. The item stays in flight (never handed out again) until its
 *   outcome has committed. Each send gets an AbortSignal that fires after `timeoutMs`.
 * - `due` is read a page at a time into a local queue of group heads that the loop launches as
 *   slots free up; it is read again once that queue is empty. A head stays the head of its group
 *   until its own outcome commits, so sending from the queue keeps each group in order; a retry by
 *   hand (which can put an older item of a group back) empties the queue. Items the flush just
 *   stored and that head their group are `offer`ed straight into that queue (the enqueue found
 *   them to be heads in its own transaction), so a burst of new notifications is not read back.
 * - The loop counts the pending items of the store: counted at start, raised by each offer
 *   (every stored item, heads or not) and by a retry by hand, lowered by each sent or dead
 *   outcome. When every pending item is in flight or queued, nothing else can be due, and `due`
 *   and `nextDueAtMs` are not read (a burst used to read both after nearly every send). A wake-up
 *   by timer (a retry falling due, a breaker trial, the poll) always reads; the poll and `kick`
 *   count again, so a count that went wrong costs at most one poll interval.
 * - Outcomes: ok -> sent. Not retryable (4xx other than 429, bad config, no notifier for the
 *   integration any more) -> dead at once, with the reason. Retryable (5xx, 429, timeouts,
 *   network) -> retried after a jittered exponential back-off, never sooner than `Retry-After`,
 *   until the item is older than `maxAgeMs` (or has had `maxAttempts`), then dead.
 * - A circuit breaker per receiver stops attempts for `openForMs` after `failureThreshold`
 *   consecutive failures, then lets one trial through; its items stay pending meanwhile and are
 *   left out of `due`, so they cannot crowd out other receivers. `onReceiverHealth` reports a
 *   receiver that starts failing and one that recovers (the lead raises a meta-alert).
 * - Delivery is at least once: after a crash, or a `stop()` while a send is in flight, the item
 *   is still pending and is sent again with the same idempotency key, which receivers that
 *   honour it (webhook `Idempotency-Key`, PagerDuty `dedup_key`) use to drop the duplicate.
 *
 * The loop wakes on `offer` and `kick()` (items stored without an offer, a reload), when a send
 * finishes, when the next retry or breaker trial falls due, and every `pollIntervalMs` as a
 * safety net. Time comes only from the injected Clock and Timers.
 */
import type { OutboxEnqueued, OutboxItem, OutboxRepository } from '../../adapters/store/alerting-repositories.js';
import type { Clock } from '../../core/clock.js';
import type { DeliveryFailureReason, DeliveryResult, IntegrationRef, Notifier } from '../../core/alerting/notification.js';
import { decideAfterFailure, describeGiveUp, type GiveUpCause, type RetryPolicy } from '../../core/alerting/retry-backoff.js';
import type { TimerHandle, Timers } from '../timers.js';
import { createReceiverBreakers, type ReceiverBreakerOptions, type ReceiverBreakerView } from './receiver-breakers.js';
import { createOutcomeWriter, type OutboxTransaction } from './outcome-writer.js';
import { sendWithTimeout } from './send-with-timeout.js';

export interface OutboxDeliveryOptions {
  outbox: OutboxRepository;
  /** The notifier of an integration as currently configured; undefined once a reload removed it. */
  notifierFor(ref: IntegrationRef): Notifier | undefined;
  clock: Clock;
  timers: Timers;
  /** [0, 1); Math.random by default. Injected so tests get fixed back-offs. */
  random?: () => number;
  /** Dead-letter after this many attempts; by default only `maxAgeMs` limits retries. */
  maxAttempts?: number;
  /** Dead-letter at the first failure once an item has been queued this long, ms. */
  maxAgeMs: number;
  /** Back-off ceiling of the first retry, ms; it doubles per attempt up to `maxBackoffMs`. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Per-send timeout, ms. */
  timeoutMs: number;
  /** Sends in flight at once (>= 1). */
  concurrency: number;
  breaker: ReceiverBreakerOptions;
  /**
   * Runs the outcome writes of sends that finished together in one transaction (group commit:
   * one fsync for many; without it each outcome is a commit of its own, ~100/s on SQLite with
   * synchronous=FULL). alerting.ts passes `(work) => store.transaction((r) => work(r.outbox), { durability: 'relaxed' })`.
   */
  transaction?: OutboxTransaction;
  /** How long the outcomes of a burst (heads queued behind busy slots) wait to share a commit, ms; default 20. */
  outcomeBatchDelayMs?: number;
  /** Look for due items this often even without a kick, ms; default 10 s. */
  pollIntervalMs?: number;
  onDelivered?(item: OutboxItem, atMs: number): void;
  /** An item was dead-lettered; `reason` is the DeliveryFailureReason, `error` what the dead-letter list shows. */
  onDead?(item: OutboxItem, reason: DeliveryFailureReason, error: string): void;
  /** A receiver started failing (its breaker opened) or recovered; for the meta-alert. */
  onReceiverHealth?(receiver: string, failing: boolean, lastError: string): void;
  /** Store errors and the like; the loop keeps going and tries again at the next poll. */
  onError?(error: unknown): void;
}

/** Counters since start (for `sre_monitor_notifications_*` metrics) and the outbox's current counts. */
export interface OutboxDeliveryStats {
  sent: number;
  /** Failed attempts by reason (retried or not). */
  failed: Record<DeliveryFailureReason, number>;
  /** Items dead-lettered by this process. */
  deadLettered: number;
  retriedByHand: number;
  inFlight: number;
  /** Stored items pending delivery (retries included). */
  pending: number;
  /** Stored dead items (the dead-letter list). */
  dead: number;
  openBreakers: number;
}

export interface OutboxDelivery {
  /** Starts the loop; pending items left by a previous process are picked up at once. */
  start(): void;
  /** Stops the loop; sends in flight are aborted and their items stay pending. */
  stop(): Promise<void>;
  /** Items were stored without an `offer`, or receivers changed: read `due` now instead of at the next wake-up. */
  kick(): void;
  /**
   * What an enqueue just stored (the outbox's `enqueue` answer): its group heads are queued for
   * sending without reading them back through `due`; the others are counted as pending and
   * found by `due` once they head their group.
   */
  offer(enqueued: OutboxEnqueued): void;
  /** Group heads queued for a free send slot (not yet sent): what newly stored items would wait behind. */
  backlog(): number;
  /** Puts a dead item back to pending (a retry by hand); false when no dead item has that id. */
  retryDead(id: number): Promise<boolean>;
  breakerStates(): ReceiverBreakerView[];
  stats(): Promise<OutboxDeliveryStats>;
}

const failureReasons: readonly DeliveryFailureReason[] = ['client', 'server', 'rate_limited', 'auth', 'timeout', 'network', 'config'];

type Failure = Extract<DeliveryResult, { ok: false }>;

function describeFailure(failure: Failure): string {
  return failure.status === undefined || failure.message.includes(String(failure.status)) ? failure.message : `HTTP ${failure.status}: ${failure.message}`;
}

function describeRef(ref: IntegrationRef): string {
  return `${ref.receiver}/${ref.key}[${ref.index}]`;
}

export function createOutboxDelivery(options: OutboxDeliveryOptions): OutboxDelivery {
  const { outbox, clock, timers } = options;
  const random = options.random ?? Math.random;
  const pollIntervalMs = options.pollIntervalMs ?? 10_000;
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const policy: RetryPolicy = {
    initialBackoffMs: options.initialBackoffMs,
    maxBackoffMs: options.maxBackoffMs,
    maxAgeMs: options.maxAgeMs,
    maxAttempts: options.maxAttempts,
  };
  const breakers = createReceiverBreakers(options.breaker);
  /** Launched items whose outcome has not committed yet: never handed out twice. */
  const inFlight = new Map<number, { controller: AbortController; done: Promise<void> }>();
  /** Sends awaiting their answer: what `concurrency` bounds. */
  let sending = 0;
  /** Group heads read from `due` or offered, not launched yet, oldest due first. */
  let ready: OutboxItem[] = [];
  /** Ids in `ready`: an item offered and also read from `due` is queued once. */
  let readyIds = new Set<number>();
  /** Bumped when queued heads may no longer head their group (a retry by hand): a read started before is dropped. */
  let readyGeneration = 0;
  /** Heads read per `due` beyond the items in flight (which `due` returns too). */
  const pageSize = Math.max(64, 2 * concurrency);
  /**
   * Ids whose send finished while a `due` query was running. That query may have read the row
   * before the outcome committed (PostgreSQL serves it from another connection), so it can
   * return an item that was just sent: without this set it would be sent twice.
   */
  const finishedDuringQuery = new Set<Set<number>>();
  /**
   * The last ids whose outcome committed. An offer is made as soon as its enqueue committed, so
   * its items cannot normally have been read through `due`, sent and finished already; with
   * PostgreSQL's separate connections that is unlikely but not impossible, and an offer of a
   * finished item must not send it again.
   */
  const recentlyFinished = new Set<number>();
  const recentlyFinishedLimit = 4096;
  const counters = { sent: 0, deadLettered: 0, retriedByHand: 0, failed: Object.fromEntries(failureReasons.map((reason) => [reason, 0])) as Record<DeliveryFailureReason, number> };
  const stopping = new Error('outbox delivery stopping');
  // A backlog (heads queued behind busy slots) means more answers soon: their outcomes share a commit.
  const writeOutcome = createOutcomeWriter(outbox, options.transaction, {
    moreComing: () => ready.length > 0 && sending > 0,
    maxDelayMs: options.outcomeBatchDelayMs,
  });
  /** Pending items in the store as counted here; null until counted (then every pump reads `due`). */
  let pendingCount: number | null = null;
  /** Counting changes while a count query runs: its answer is then out of date and dropped. */
  let counting = false;
  let changedWhileCounting = false;
  /** Set at start, by a timer wake-up (a retry or trial falling due, the poll), `kick` and a retry by hand: the next pump reads `due`. */
  let mustRead = true;
  let running = false;
  let wake: TimerHandle | null = null;
  let pumping: Promise<void> | null = null;
  let pumpAgain = false;
  let pumpScheduled = false;

  function reportError(error: unknown): void {
    options.onError?.(error);
  }

  function countPending(delta: number): void {
    if (pendingCount !== null) pendingCount += delta;
    if (counting) changedWhileCounting = true;
  }

  async function recount(): Promise<void> {
    if (counting) return;
    counting = true;
    changedWhileCounting = false;
    try {
      const { pending } = await outbox.countByStatus();
      if (!changedWhileCounting) pendingCount = pending;
    } finally {
      counting = false;
    }
  }

  /** Whether a pending item may exist that is neither in flight nor queued (a follower, a retry, a refused head). */
  function mayHaveUnqueued(): boolean {
    return mustRead || pendingCount === null || pendingCount > inFlight.size + ready.length;
  }

  /**
   * Pumps once the current I/O round is over (setImmediate: a yield, not a delay), so the sends
   * that finished together are followed by one pump, not one each. better-sqlite3 answers
   * synchronously: without the yield each finished send ran its write and a pump before the next
   * response was even looked at, and nothing was ever batched.
   */
  function requestPump(): void {
    if (!running || pumpScheduled) return;
    pumpScheduled = true;
    setImmediate(() => {
      pumpScheduled = false;
      startPump();
    });
  }

  function startPump(): void {
    if (!running) return;
    if (pumping !== null) {
      pumpAgain = true;
      return;
    }
    pumpAgain = false;
    pumping = pump()
      .catch((error: unknown) => {
        reportError(error);
        arm(null);
      })
      .finally(() => {
        pumping = null;
        if (pumpAgain) requestPump();
      });
  }

  /** Starts queued heads while slots are free; heads of receivers whose breaker refuses are dropped (read again later). */
  function launchReady(nowMs: number): void {
    while (running && sending < concurrency && ready.length > 0) {
      const item = ready.shift() as OutboxItem;
      readyIds.delete(item.id);
      if (inFlight.has(item.id)) continue;
      const notifier = options.notifierFor(item.notification.integration);
      if (notifier !== undefined && !breakers.admit(item.notification.integration.receiver, nowMs)) continue;
      launch(item, notifier);
    }
  }

  /** Reads the next page of due heads into `ready`. */
  async function readDue(nowMs: number): Promise<void> {
    // In-flight items are still pending and come back from `due`: ask for a page beyond them.
    const finished = new Set<number>();
    finishedDuringQuery.add(finished);
    const generation = readyGeneration;
    let items: OutboxItem[];
    try {
      items = await outbox.due(nowMs, inFlight.size + pageSize, breakers.refusing(nowMs));
    } finally {
      finishedDuringQuery.delete(finished);
    }
    // A retry by hand committed while the query ran (PostgreSQL) may have made an older item the
    // head again: drop this page, the retry asked for a new pump.
    if (generation !== readyGeneration) return;
    const read = items.filter((item) => !inFlight.has(item.id) && !finished.has(item.id));
    const readIds = new Set(read.map((item) => item.id));
    // Heads offered while the query ran may be newer than what it saw: keep them, after the page.
    ready = [...read, ...ready.filter((item) => !readIds.has(item.id))];
    readyIds = new Set(ready.map((item) => item.id));
  }

  /** Fills free slots (from the queue, reading `due` when it runs dry), then sets the timer for the next wake-up. */
  async function pump(): Promise<void> {
    const nowMs = clock.nowMs();
    launchReady(nowMs);
    if (running && sending < concurrency && ready.length === 0 && mayHaveUnqueued()) {
      mustRead = false;
      await readDue(nowMs);
      launchReady(nowMs);
    }
    if (!running) return;
    // Heads still queued wait for a slot, and a finishing send wakes the loop for them; with
    // everything pending in flight, only the poll (or a new offer) needs to wake it.
    arm(ready.length > 0 || !mayHaveUnqueued() ? null : await outbox.nextDueAtMs(breakers.refusing(clock.nowMs())));
  }

  /** Wakes at the next due item or breaker trial, at the latest after `pollIntervalMs`. */
  function arm(nextDueAtMs: number | null): void {
    if (!running) return;
    const nowMs = clock.nowMs();
    let wakeAtMs = nowMs + pollIntervalMs;
    // A due time already past belongs to an item in flight, held behind one, or waiting for a
    // free slot or a breaker trial: a finishing send wakes the loop for those.
    if (nextDueAtMs !== null && nextDueAtMs > nowMs) wakeAtMs = Math.min(wakeAtMs, nextDueAtMs);
    const trialAtMs = breakers.nextTrialAtMs(nowMs);
    if (trialAtMs !== null) wakeAtMs = Math.min(wakeAtMs, trialAtMs);
    wake?.cancel();
    const polling = wakeAtMs === nowMs + pollIntervalMs;
    wake = timers.after(wakeAtMs - nowMs, () => {
      wake = null;
      mustRead = true;
      if (polling) recount().catch(reportError);
      requestPump();
    });
  }

  function launch(item: OutboxItem, notifier: Notifier | undefined): void {
    const controller = new AbortController();
    sending += 1;
    let answered = false;
    /** The answer is in: the slot is free for the next send while the outcome commits. */
    const onAnswer = (): void => {
      if (answered) return;
      answered = true;
      sending -= 1;
      requestPump();
    };
    const done = (notifier === undefined ? deadForMissingNotifier(item) : deliver(item, notifier, controller, onAnswer))
      .catch(reportError)
      .finally(() => {
        onAnswer();
        inFlight.delete(item.id);
        for (const finished of finishedDuringQuery) finished.add(item.id);
        recentlyFinished.add(item.id);
        if (recentlyFinished.size > recentlyFinishedLimit) recentlyFinished.delete(recentlyFinished.values().next().value as number);
        requestPump();
      });
    inFlight.set(item.id, { controller, done });
  }

  async function deadForMissingNotifier(item: OutboxItem): Promise<void> {
    const error = `no notifier for ${describeRef(item.notification.integration)}: the receiver or integration is no longer configured`;
    counters.failed.config += 1;
    await markDead(item, item.attempts, 'config', error);
  }

  async function deliver(item: OutboxItem, notifier: Notifier, controller: AbortController, onAnswer: () => void): Promise<void> {
    const result = await sendWithTimeout(notifier, item.notification, { timers, timeoutMs: options.timeoutMs, controller });
    onAnswer();
    // Stopped mid-send: leave the item pending; the next process sends it again (same key).
    if (controller.signal.reason === stopping) return;
    const nowMs = clock.nowMs();
    const receiver = item.notification.integration.receiver;
    if (result.ok) {
      reportHealth(breakers.record(receiver, true, '', nowMs));
      await writeOutcome({ kind: 'sent', id: item.id, atMs: nowMs });
      countPending(-1);
      counters.sent += 1;
      options.onDelivered?.(item, nowMs);
      return;
    }
    counters.failed[result.reason] += 1;
    const error = describeFailure(result);
    reportHealth(breakers.record(receiver, false, error, nowMs));
    const attempts = item.attempts + 1;
    const queuedAtMs = item.queuedAtMs ?? item.createdAtMs;
    const decision = decideAfterFailure({ attempts, queuedAtMs, nowMs, retryable: result.retryable, retryAfterMs: result.retryAfterMs }, policy, random);
    if (decision.action === 'retry') {
      const update = { attempts, nextAttemptAtMs: decision.nextAttemptAtMs, lastError: error, lastReason: result.reason };
      await writeOutcome({ kind: 'retry', id: item.id, update });
      return;
    }
    await markDead(item, attempts, result.reason, `${error}; ${describeGiveUp(decision.cause satisfies GiveUpCause, attempts, nowMs - queuedAtMs)}`);
  }

  async function markDead(item: OutboxItem, attempts: number, reason: DeliveryFailureReason, error: string): Promise<void> {
    const update = { attempts, lastError: error, lastReason: reason, atMs: clock.nowMs() };
    await writeOutcome({ kind: 'dead', id: item.id, update });
    countPending(-1);
    counters.deadLettered += 1;
    options.onDead?.(item, reason, error);
  }

  function reportHealth(change: ReturnType<typeof breakers.record>): void {
    if (change !== null) options.onReceiverHealth?.(change.receiver, change.failing, change.lastError);
  }

  return {
    start() {
      if (running) return;
      running = true;
      mustRead = true;
      recount().catch(reportError);
      requestPump();
    },

    async stop() {
      running = false;
      ready = [];
      readyIds = new Set();
      wake?.cancel();
      wake = null;
      for (const { controller } of inFlight.values()) controller.abort(stopping);
      await pumping;
      await Promise.all([...inFlight.values()].map(({ done }) => done));
    },

    kick() {
      // Whatever was stored did not come through `offer`: count again.
      mustRead = true;
      pendingCount = null;
      if (running) recount().catch(reportError);
      requestPump();
    },

    offer({ stored, heads }) {
      countPending(stored);
      if (!running) return;
      // Each was the head of its group when its enqueue committed; a retry by hand since (which
      // empties the queue) is the only way an older item of the group can be pending again.
      for (const item of heads) {
        if (inFlight.has(item.id) || readyIds.has(item.id) || recentlyFinished.has(item.id)) continue;
        ready.push(item);
        readyIds.add(item.id);
      }
      requestPump();
    },

    backlog: () => ready.length,

    async retryDead(id) {
      const retried = await outbox.retry(id, clock.nowMs());
      if (retried) {
        countPending(1);
        // The retried item may be older than a queued head of its group: read the heads again.
        ready = [];
        readyIds = new Set();
        readyGeneration += 1;
        mustRead = true;
        counters.retriedByHand += 1;
        requestPump();
      }
      return retried;
    },

    breakerStates() {
      return breakers.views();
    },

    async stats() {
      const counts = await outbox.countByStatus();
      return {
        sent: counters.sent,
        failed: { ...counters.failed },
        deadLettered: counters.deadLettered,
        retriedByHand: counters.retriedByHand,
        inFlight: inFlight.size,
        pending: counts.pending,
        dead: counts.dead,
        openBreakers: breakers.views().filter((view) => view.state !== 'closed').length,
      };
    },
  };
}
