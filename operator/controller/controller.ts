// Owns the control loop: informer events enqueue keys, the work queue
// runs the reconciler for each key, a periodic resync re-checks every intent, and all of it runs
// only while this process leads: each term has an abort signal, aborted the moment the term ends,
// which stops the reconciles in flight before they invoke or cancel anything more. An update that
// changed only what the reconciler itself writes (the status, its finalizer) queues nothing: the
// reconcile that wrote it already planned from it and requeues itself when work is left.
import { setMaxListeners } from 'node:events';
import { FINALIZER } from '../../common/domain/annotations.js';
import { objectKey } from '../../common/domain/keys.js';
import type { Logger } from '../../common/log.js';
import type { TemporalActionIntent } from '../../common/model/types.js';
import type { Reconciler } from './reconciler.js';
import type { RunWatcher } from './run-watcher.js';
import { WorkQueue } from './work-queue.js';
import type { OperatorMetrics } from '../metrics.js';

export interface ControllerDeps {
  list(): TemporalActionIntent[];
  reconciler: Reconciler;
  watcher: RunWatcher;
  logger: Logger;
  metrics?: OperatorMetrics;
  workers: number;
  resyncMs: number;
}

function sameRecord(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === b) return true;
  const ak = Object.keys(a ?? {});
  if (ak.length !== Object.keys(b ?? {}).length) return false;
  return ak.every((k) => a?.[k] === b?.[k]);
}

function otherFinalizers(obj: TemporalActionIntent): string {
  return (obj.metadata.finalizers ?? []).filter((f) => f !== FINALIZER).join('\n');
}

/**
 * Whether an update changed what a reconcile reads: the spec (its generation), the annotations (run
 * requests), deletion, the object's identity, or another controller's finalizers. A change of the
 * status or of the operator's own finalizer alone is what the reconciler writes.
 */
export function inputChanged(old: TemporalActionIntent, obj: TemporalActionIntent): boolean {
  const a = old.metadata;
  const b = obj.metadata;
  return (
    a.uid !== b.uid ||
    a.generation !== b.generation ||
    String(a.deletionTimestamp) !== String(b.deletionTimestamp) ||
    !sameRecord(a.annotations, b.annotations) ||
    otherFinalizers(old) !== otherFinalizers(obj)
  );
}

export class Controller {
  private queue: WorkQueue | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private term: AbortController | undefined;

  constructor(private readonly deps: ControllerDeps) {}

  /** Cache event hook (`old`: the object an update replaced): enqueues only while leading. */
  onChange(obj: TemporalActionIntent, old?: TemporalActionIntent): void {
    if (old !== undefined && !inputChanged(old, obj)) return;
    this.queue?.add(objectKey(obj));
  }

  onDelete(obj: TemporalActionIntent): void {
    this.deps.watcher.forget(objectKey(obj));
  }

  enqueue(key: string): void {
    this.queue?.add(key);
  }

  leading(): boolean {
    return this.queue !== undefined;
  }

  /** Starts reconciling (on becoming leader): every known intent is queued once. */
  startLeading(): void {
    if (this.queue !== undefined) return;
    const term = new AbortController();
    // Each worker's call links to the term while it runs: a bound, not a leak.
    setMaxListeners(this.deps.workers + 10, term.signal);
    this.term = term;
    const queue = new WorkQueue(
      (key) => this.deps.reconciler.reconcile(key, term.signal),
      { workers: this.deps.workers, name: 'intents' },
      {
        logger: this.deps.logger,
        ...(this.deps.metrics !== undefined ? { metrics: this.deps.metrics.queue } : {}),
      },
    );
    this.queue = queue;
    this.deps.watcher.resume();
    queue.start();
    this.resyncAll();
    this.resyncTimer = setInterval(() => this.resyncAll(), this.deps.resyncMs);
    this.resyncTimer.unref();
    this.deps.logger.info('Controller started', { workers: this.deps.workers });
  }

  private resyncAll(): void {
    for (const obj of this.deps.list()) this.queue?.add(objectKey(obj));
  }

  /**
   * Stops reconciling (on losing leadership or shutdown): aborts the reconciles in flight at once
   * (synchronously, before this returns its promise), then waits for them to end.
   */
  async stopLeading(): Promise<void> {
    const queue = this.queue;
    this.queue = undefined;
    this.term?.abort(new Error('leadership ended'));
    this.term = undefined;
    if (this.resyncTimer !== undefined) clearInterval(this.resyncTimer);
    this.resyncTimer = undefined;
    this.deps.watcher.stop();
    if (queue !== undefined) {
      await queue.stop();
      this.deps.logger.info('Controller stopped');
    }
  }
}
