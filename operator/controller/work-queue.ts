// Owns the controller's keyed work queue: duplicate keys collapse, one key never runs twice at
// once, failures retry with per-key exponential backoff, and reconcile results may ask for a
// delayed requeue. The queue is the only place that schedules retries.
import { errorFields, silentLogger, type Logger } from '../../common/log.js';
import type { QueueMetrics } from '../metrics.js';
import { setLongTimeout } from '../../common/long-timer.js';

/**
 * What a reconcile returns: nothing when done, or `{ requeueAfterMs }` to run the key again after
 * that delay (e.g. to look at a running workflow again). Throwing means "failed, retry with backoff"
 * unless the error is a TerminalError.
 */
export type ReconcileResult = { requeueAfterMs?: number } | undefined | void;

/** Thrown by a reconcile for failures a retry cannot fix: the queue logs it and drops the key. */
export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

export interface WorkQueueOptions {
  /** Handlers running at once (distinct keys). */
  workers: number;
  /** Backoff after the first failure of a key, in ms; doubles per consecutive failure. Default 5. */
  baseDelayMs?: number;
  /** Backoff cap, in ms. Default 300 000 (5 minutes). */
  maxDelayMs?: number;
  /** Name for logs. */
  name?: string;
}

/** Time source and one-shot timers; injectable so tests can drive time by hand. */
export interface QueueClock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Calls `fn` once after `delayMs`; returns a function that cancels it. */
  setTimer(fn: () => void, delayMs: number): () => void;
}

export interface WorkQueueDeps {
  logger?: Logger;
  metrics?: QueueMetrics;
  clock?: QueueClock;
}

/** Real time; timers are unref'd so a forgotten queue never keeps the process alive. */
export const systemQueueClock: QueueClock = {
  now: () => performance.now(),
  // Requeue delays can be as long as a hookBlockingTimeout: any length works.
  setTimer: (fn, delayMs) => setLongTimeout(fn, delayMs, { unref: true }),
};

type State = 'idle' | 'running' | 'stopping' | 'stopped';

/**
 * Longest the queue goes on starting handlers as others finish without letting timers and I/O
 * run, in ms. Handlers that finish without waiting on I/O (an intent whose status is already
 * right) chain through microtasks, so thousands of them (every intent, after the first list)
 * would otherwise hold /readyz, the REST API and the watch until the last one is done.
 */
const TURN_BUDGET_MS = 10;

/** FIFO of distinct keys with O(1) amortised push/shift. */
class KeyFifo {
  private items: string[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(key: string): void {
    this.items.push(key);
  }

  shift(): string | undefined {
    if (this.head >= this.items.length) return undefined;
    const key = this.items[this.head];
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return key;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/**
 * A keyed work queue in the manner of client-go's workqueue with controller-runtime's handling of
 * reconcile results:
 *
 * - `add(key)` of a key already queued is a no-op; of a key being processed marks it dirty, and it
 *   runs once more after the current run (however many adds came in between).
 * - At most `workers` handlers run at once, never two for the same key.
 * - Handler throws (not TerminalError): the key's failure count grows and it is re-added after
 *   `min(baseDelayMs · 2^(failures-1), maxDelayMs)`.
 * - Handler throws TerminalError: logged, the key is dropped and its failure count forgotten.
 * - Handler succeeds: the failure count is forgotten; `requeueAfterMs` (≥ 0) schedules a re-add.
 * - `addAfter` keeps one pending timer per key: the earliest deadline wins.
 *
 * Keys added before `start()` wait for it. After `stop()` every add is ignored.
 */
export class WorkQueue {
  private readonly handler: (key: string) => Promise<ReconcileResult>;
  private readonly workers: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly log: Logger;
  private readonly metrics: QueueMetrics | undefined;
  private readonly clock: QueueClock;

  private state: State = 'idle';
  private readonly ready = new KeyFifo();
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly waiting = new Map<string, { deadline: number; cancel: () => void }>();
  private readonly failures = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private active = 0;
  private stopping: Promise<void> | undefined;
  /** Whether a handler finished in this turn of the event loop, and when the first did (real time). */
  private inTurn = false;
  private turnStartedAt = 0;
  private resumeScheduled = false;

  /** @throws RangeError when workers is not a positive integer or the delays are not 0 < base ≤ max. */
  constructor(
    handler: (key: string) => Promise<ReconcileResult>,
    options: WorkQueueOptions,
    deps: WorkQueueDeps = {},
  ) {
    if (!Number.isInteger(options.workers) || options.workers < 1) {
      throw new RangeError(`workers must be a positive integer, got ${options.workers}`);
    }
    const base = options.baseDelayMs ?? 5;
    const max = options.maxDelayMs ?? 300_000;
    if (!(base > 0) || !(max >= base)) {
      throw new RangeError(`need 0 < baseDelayMs <= maxDelayMs, got ${base} and ${max}`);
    }
    this.handler = handler;
    this.workers = options.workers;
    this.baseDelayMs = base;
    this.maxDelayMs = max;
    this.log = (deps.logger ?? silentLogger()).child({
      component: 'work-queue',
      queue: options.name ?? 'default',
    });
    this.metrics = deps.metrics;
    this.clock = deps.clock ?? systemQueueClock;
  }

  /** Queues `key` now (see the class comment for duplicates and keys in flight). */
  add(key: string): void {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    if (this.processing.has(key)) {
      if (!this.dirty.has(key)) {
        this.dirty.add(key);
        this.metrics?.added();
      }
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.ready.push(key);
    this.metrics?.added();
    this.metrics?.setDepth(this.ready.size);
    this.pump();
  }

  /** Queues `key` after `delayMs` (≤ 0: now). A pending earlier deadline for the key is kept. */
  addAfter(key: string, delayMs: number): void {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    if (!(delayMs > 0)) {
      this.add(key);
      return;
    }
    const deadline = this.clock.now() + delayMs;
    const pending = this.waiting.get(key);
    if (pending !== undefined) {
      if (pending.deadline <= deadline) return;
      pending.cancel();
    }
    const cancel = this.clock.setTimer(() => {
      if (this.waiting.get(key)?.cancel !== cancel) return;
      this.waiting.delete(key);
      this.add(key);
    }, delayMs);
    this.waiting.set(key, { deadline, cancel });
  }

  /** Starts handing keys to the handler. Idempotent; a stopped queue stays stopped. */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    this.log.debug('Work queue started', { workers: this.workers });
    this.pump();
  }

  /**
   * Stops taking work: drops queued keys and pending timers, then resolves once every handler
   * in flight has returned (their results no longer requeue anything). Idempotent.
   */
  stop(): Promise<void> {
    if (this.stopping !== undefined) return this.stopping;
    this.state = 'stopping';
    for (const { cancel } of this.waiting.values()) cancel();
    this.waiting.clear();
    const dropped = this.ready.size;
    this.ready.clear();
    this.queued.clear();
    this.dirty.clear();
    this.metrics?.setDepth(0);
    this.log.debug('Work queue stopping', { dropped, inFlight: this.inFlight.size });
    this.stopping = Promise.all([...this.inFlight]).then(() => {
      this.state = 'stopped';
      this.log.debug('Work queue stopped');
    });
    return this.stopping;
  }

  /** Keys queued and not in flight (delayed keys not included). */
  length(): number {
    return this.ready.size;
  }

  private pump(): void {
    if (this.state !== 'running') return;
    while (this.active < this.workers) {
      const key = this.ready.shift();
      if (key === undefined) break;
      this.queued.delete(key);
      this.processing.add(key);
      // The slot is taken before the handler starts: a handler that adds keys synchronously
      // re-enters pump() and must see it.
      this.active++;
      const run = this.process(key).finally(() => {
        this.active--;
        this.inFlight.delete(run);
        this.resume();
      });
      this.inFlight.add(run);
    }
    this.metrics?.setDepth(this.ready.size);
  }

  /** Takes the next keys now, or after a turn of the event loop once this turn used its budget. */
  private resume(): void {
    const now = performance.now();
    if (!this.inTurn) {
      // The first completion of this turn: the budget starts now and ends with the turn.
      this.inTurn = true;
      this.turnStartedAt = now;
      setImmediate(() => (this.inTurn = false));
    }
    if (now - this.turnStartedAt < TURN_BUDGET_MS) {
      this.pump();
      return;
    }
    if (this.resumeScheduled) return;
    this.resumeScheduled = true;
    setImmediate(() => {
      this.resumeScheduled = false;
      this.pump();
    });
  }

  /** Runs the handler for one key and decides what happens to the key next. Never rejects. */
  private async process(key: string): Promise<void> {
    try {
      const result = await this.handler(key);
      this.failures.delete(key);
      const after = result?.requeueAfterMs;
      if (after !== undefined) {
        if (Number.isFinite(after) && after >= 0) this.addAfter(key, after);
        else this.log.warn('Ignored an invalid requeueAfterMs', { key, requeueAfterMs: after });
      }
    } catch (err) {
      if (err instanceof TerminalError) {
        this.failures.delete(key);
        this.log.error('Reconcile failed for good; dropped the key', { key, ...errorFields(err) });
      } else {
        const failures = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, failures);
        const delayMs = this.backoff(failures);
        this.metrics?.retried();
        this.log.warn('Reconcile failed; retrying with backoff', {
          key,
          failures,
          retryInMs: delayMs,
          ...errorFields(err),
        });
        this.addAfter(key, delayMs);
      }
    } finally {
      this.processing.delete(key);
      if (this.dirty.delete(key)) this.add(key);
    }
  }

  private backoff(failures: number): number {
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (failures - 1));
  }
}
