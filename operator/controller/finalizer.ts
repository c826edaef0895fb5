// Owns the intent's finalizer: on only while a run may be in flight (added before a run starts,
// removed once it has ended), and on deletion the run still in flight
// is cancelled, given `deletionGraceMs` to close, then terminated (or let go when Temporal cannot be
// reached after the grace), before the finalizer is removed; a workflow that does not carry the
// run's id (someone else's) is never stopped. The skip-cleanup annotation lets the
// intent go at once.
import { ANNOTATION_SKIP_CLEANUP, FINALIZER } from '../../common/domain/annotations.js';
import { activeRun } from '../../common/domain/runs.js';
import { errorFields, type Logger } from '../../common/log.js';
import type { TemporalActionIntent } from '../../common/model/types.js';
import type { EventSink } from '../kube/event-recorder.js';
import type { IntentStore } from '../ports.js';
import {
  failureMessage,
  isClosed,
  type WorkflowPort,
  type WorkflowRef,
} from '../temporal/temporal-gateway.js';
import { carriedRunId } from './observer.js';
import type { RunWatcher } from './run-watcher.js';
import type { ReconcileResult } from './work-queue.js';

export interface FinalizerDeps {
  store: Pick<IntentStore, 'patchMetadata'>;
  temporal: Pick<WorkflowPort, 'describe' | 'cancel' | 'terminate'>;
  watcher: Pick<RunWatcher, 'watch' | 'forget'>;
  events: EventSink;
  deletionGraceMs: number;
  now: () => Date;
}

/** Longest wait between looks at a cancelled run of a deleted intent. */
const CLEANUP_RECHECK_MS = 5000;

export class Finalizer {
  constructor(private readonly deps: FinalizerDeps) {}

  /** The intent with the finalizer on it (added with one patch when missing). */
  async ensure(intent: TemporalActionIntent): Promise<TemporalActionIntent> {
    const meta = intent.metadata;
    if ((meta.finalizers ?? []).includes(FINALIZER)) return intent;
    return this.deps.store.patchMetadata(
      meta.namespace ?? '',
      meta.name ?? '',
      { finalizers: [...(meta.finalizers ?? []), FINALIZER] },
      meta.resourceVersion,
    );
  }

  /** The intent without the finalizer once no run is in flight (one patch when present). */
  async release(intent: TemporalActionIntent): Promise<TemporalActionIntent> {
    const meta = intent.metadata;
    if (!(meta.finalizers ?? []).includes(FINALIZER)) return intent;
    return this.deps.store.patchMetadata(
      meta.namespace ?? '',
      meta.name ?? '',
      { finalizers: (meta.finalizers ?? []).filter((f) => f !== FINALIZER) },
      meta.resourceVersion,
    );
  }

  /** A deleted intent: stop its run (bounded by the grace period), then let it go. */
  async finalize(
    key: string,
    intent: TemporalActionIntent,
    log: Logger,
    signal?: AbortSignal,
  ): Promise<ReconcileResult> {
    const meta = intent.metadata;
    if (!(meta.finalizers ?? []).includes(FINALIZER)) return undefined;
    const run = activeRun(intent.status);
    const skip = meta.annotations?.[ANNOTATION_SKIP_CLEANUP] === 'true';
    if (run?.workflowId !== undefined && run.phase === 'Running' && !skip) {
      const ref = { workflowId: run.workflowId, ...(run.runId !== undefined ? { runId: run.runId } : {}) };
      const graceLeft =
        Date.parse(String(meta.deletionTimestamp)) + this.deps.deletionGraceMs - this.deps.now().getTime();
      const waitMs = await this.stopRun(key, intent, run.id, ref, graceLeft, log, signal);
      if (waitMs !== undefined) return { requeueAfterMs: waitMs };
    }
    this.deps.watcher.forget(key);
    await this.deps.store.patchMetadata(
      meta.namespace ?? '',
      meta.name ?? '',
      { finalizers: (meta.finalizers ?? []).filter((f) => f !== FINALIZER) },
      meta.resourceVersion,
    );
    log.info('Removed finalizer', { skippedCleanup: skip });
    return undefined;
  }

  /** Cancels (within the grace) or terminates the run; returns how long to wait for it to close. */
  private async stopRun(
    key: string,
    intent: TemporalActionIntent,
    runId: string,
    ref: WorkflowRef,
    graceLeft: number,
    log: Logger,
    signal?: AbortSignal,
  ): Promise<number | undefined> {
    try {
      const state = await this.deps.temporal.describe(ref, signal);
      if (state === undefined || isClosed(state.status)) return undefined;
      if ((await carriedRunId(this.deps.temporal, state, signal)) !== runId) {
        log.warn('The workflow of the deleted intent is not its run; left as it is', {
          workflowId: ref.workflowId,
        });
        return undefined;
      }
      if (graceLeft > 0) {
        signal?.throwIfAborted();
        await this.deps.temporal.cancel(ref, signal);
        log.info('Cancelled run of deleted intent; waiting for it to close', { workflowId: ref.workflowId });
        this.deps.watcher.watch(key, ref);
        return Math.min(graceLeft + 50, CLEANUP_RECHECK_MS);
      }
      signal?.throwIfAborted();
      await this.deps.temporal.terminate(ref, 'intent deleted; cancellation grace period passed', [], signal);
      log.warn('Terminated run of deleted intent after the grace period', { workflowId: ref.workflowId });
      return undefined;
    } catch (err) {
      // Temporal unreachable must not hold deletion forever: after the grace period we let go.
      if (graceLeft > 0 || signal?.aborted === true) throw err;
      log.warn('Could not stop the run of a deleted intent; removing the finalizer anyway', errorFields(err));
      await this.deps.events.record(
        intent,
        'Warning',
        'CleanupFailed',
        `Could not stop workflow ${ref.workflowId}: ${failureMessage(err)}`,
      );
      return undefined;
    }
  }
}
