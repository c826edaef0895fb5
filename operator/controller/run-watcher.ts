// Owns the long polls that tell the controller a followed workflow has closed: one background wait
// per intent, which re-queues the intent when the run closes (or the wait runs out), so following
// a run costs no polling loop over all objects. A wait that fails (Temporal unreachable) re-queues
// only after a per-intent exponential backoff, so an outage never turns into a hot loop. A run whose
// result the long poll returned is remembered as completed until the intent's reconcile has recorded
// it (forget), so that reconcile does not ask Temporal again what the poll already answered. Which
// TAC run the workflow belongs to is read while the poll waits (a describe alongside it, not after
// it), so a completion handed over still tells a workflow this run did not start.
import { errorFields, type Logger } from '../../common/log.js';
import type { WorkflowPort, WorkflowRef } from '../temporal/temporal-gateway.js';
import { setLongTimeout } from '../../common/long-timer.js';
import { carriedRunId } from './observer.js';
import type { WatchedCompletion } from './step.js';

/** The owner of a watched workflow could not be read: its completion is not handed over. */
const UNKNOWN_OWNER = Symbol('unknown owner');

/** A long poll never outlives this; the reconciler re-arms it. */
const MAX_WAIT_MS = 5 * 60_000;

export interface RunWatcherOptions {
  /** First delay after a failed wait; doubles per consecutive failure of the same intent. */
  failureBackoffMs?: number;
  /** Longest delay after failed waits. */
  maxFailureBackoffMs?: number;
  /** Timer source (tests pass a fake clock's); returns a cancel function. */
  setTimer?: (fn: () => void, delayMs: number) => () => void;
  /** Clock for when a completion was seen (tests pass a fake clock's). */
  now?: () => Date;
}

interface Watch {
  ref: WorkflowRef;
  abort: AbortController;
  cancelRetry?: () => void;
}

function realTimer(fn: () => void, delayMs: number): () => void {
  return setLongTimeout(fn, delayMs, { unref: true });
}

export class RunWatcher {
  private readonly watches = new Map<string, Watch>();
  /** Consecutive failed waits per intent key (reset by a wait that returns). */
  private readonly failures = new Map<string, number>();
  /** Runs seen completed, per intent key, until the intent's run is forgotten or watched anew. */
  private readonly completions = new Map<string, WatchedCompletion>();
  private stopped = false;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly setTimer: (fn: () => void, delayMs: number) => () => void;
  private readonly now: () => Date;

  constructor(
    private readonly temporal: Pick<WorkflowPort, 'waitForResult' | 'describe'>,
    private readonly enqueue: (key: string) => void,
    private readonly logger: Logger,
    options: RunWatcherOptions = {},
  ) {
    this.backoffMs = options.failureBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxFailureBackoffMs ?? 60_000;
    this.setTimer = options.setTimer ?? realTimer;
    this.now = options.now ?? (() => new Date());
  }

  /** Starts waiting on `ref` for `key`, unless the same run is already watched. */
  watch(key: string, ref: WorkflowRef): void {
    if (this.stopped) return;
    const current = this.watches.get(key);
    if (current !== undefined && current.ref.workflowId === ref.workflowId && current.ref.runId === ref.runId)
      return;
    this.cancel(current);
    const seen = this.completions.get(key);
    if (seen !== undefined && !sameRun(seen, ref)) this.completions.delete(key);
    const watch: Watch = { ref, abort: new AbortController() };
    this.watches.set(key, watch);
    const owner = this.owner(key, ref, watch.abort.signal);
    this.temporal.waitForResult(ref, MAX_WAIT_MS, watch.abort.signal).then(
      async (result) => {
        this.failures.delete(key);
        // Only a completion of a known run whose owner was read is handed over; any other close is
        // described as before.
        if (result.done && result.status === 'COMPLETED' && ref.runId !== undefined && ref.runId !== '') {
          const carried = await owner;
          if (carried !== UNKNOWN_OWNER && !watch.abort.signal.aborted && !this.stopped) {
            this.completions.set(key, {
              workflowId: ref.workflowId,
              runId: ref.runId,
              seenAt: this.now(),
              ...(carried !== undefined ? { tacRunId: carried } : {}),
            });
          }
        }
        this.done(key, watch, 0);
      },
      (err: unknown) => {
        const failures = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, failures);
        const delay = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** Math.min(failures - 1, 20));
        this.logger.debug('Wait for workflow failed; re-checking after a backoff', {
          key,
          workflowId: ref.workflowId,
          delayMs: delay,
          ...errorFields(err),
        });
        this.done(key, watch, delay);
      },
    );
  }

  /** The TAC run id `ref` carries (undefined: none), or UNKNOWN_OWNER when it could not be read. */
  private async owner(
    key: string,
    ref: WorkflowRef,
    signal: AbortSignal,
  ): Promise<string | undefined | typeof UNKNOWN_OWNER> {
    if (ref.runId === undefined || ref.runId === '') return UNKNOWN_OWNER;
    try {
      const state = await this.temporal.describe(ref, signal);
      return state === undefined ? UNKNOWN_OWNER : await carriedRunId(this.temporal, state, signal);
    } catch (err) {
      // The reconcile describes the run itself then; nothing is handed over.
      this.logger.debug('Reading the owner of a watched workflow failed', {
        key,
        workflowId: ref.workflowId,
        ...errorFields(err),
      });
      return UNKNOWN_OWNER;
    }
  }

  /** Ends a wait: re-queues the intent (after `delayMs`) unless the watch was replaced or stopped. */
  private done(key: string, watch: Watch, delayMs: number): void {
    if (watch.abort.signal.aborted || this.stopped) return;
    const requeue = (): void => {
      if (this.watches.get(key) === watch) this.watches.delete(key);
      if (!watch.abort.signal.aborted && !this.stopped) this.enqueue(key);
    };
    if (delayMs <= 0) requeue();
    else watch.cancelRetry = this.setTimer(requeue, delayMs);
  }

  private cancel(watch: Watch | undefined): void {
    watch?.abort.abort();
    watch?.cancelRetry?.();
  }

  /** The completion of `ref` the long poll saw for `key`, if it saw one (no Temporal call). */
  completed(key: string, ref: WorkflowRef): WatchedCompletion | undefined {
    const seen = this.completions.get(key);
    return seen !== undefined && sameRun(seen, ref) ? seen : undefined;
  }

  forget(key: string): void {
    this.cancel(this.watches.get(key));
    this.watches.delete(key);
    this.failures.delete(key);
    this.completions.delete(key);
  }

  size(): number {
    return this.watches.size;
  }

  /** Accepts watches again after stop() (leadership regained). */
  resume(): void {
    this.stopped = false;
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watches.values()) this.cancel(w);
    this.watches.clear();
    this.failures.clear();
    this.completions.clear();
  }
}

function sameRun(seen: WatchedCompletion, ref: WorkflowRef): boolean {
  return seen.workflowId === ref.workflowId && seen.runId === ref.runId;
}
