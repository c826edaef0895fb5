// Owns one reconcile of one intent, as observe → plan → act: read the intent from the store, make
// sure it carries the finalizer (or finalize it when deleted), observe its run on Temporal, let the
// pure planner decide the step, and let the executor carry it out (one status write). An invoke's
// answer is one more observation, planned and executed the same way. Runs only on the leader.
import { randomUUID } from 'node:crypto';
import { splitKey } from '../../common/domain/keys.js';
import { activeRun } from '../../common/domain/runs.js';
import { errorFields, type Logger } from '../../common/log.js';
import type { TemporalActionIntent } from '../../common/model/types.js';
import type { OperatorMetrics } from '../metrics.js';
import { StoreError, type IntentStore } from '../ports.js';
import type { Executor } from './executor.js';
import type { Finalizer } from './finalizer.js';
import type { Observer } from './observer.js';
import { nextRun, planStep } from './planner.js';
import type { RunWatcher } from './run-watcher.js';
import type { PlannerConfig, Step } from './step.js';
import type { ReconcileResult } from './work-queue.js';

export interface ReconcilerDeps {
  store: Pick<IntentStore, 'cached'>;
  finalizer: Finalizer;
  observer: Pick<Observer, 'observe'>;
  executor: Pick<Executor, 'execute'>;
  watcher: Pick<RunWatcher, 'forget'>;
  planner: PlannerConfig;
  metrics?: OperatorMetrics;
  logger: Logger;
  now?: () => Date;
}

export class Reconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /**
   * Reconciles `namespace/name`: done, requeue after N ms, or throws (the queue retries with
   * backoff). Once `signal` (the leader's term) aborts, nothing more is invoked, cancelled or
   * written, and the reconcile ends as done.
   */
  async reconcile(key: string, signal?: AbortSignal): Promise<ReconcileResult> {
    const intent = this.deps.store.cached(...splitKey(key));
    if (intent === undefined) {
      this.deps.watcher.forget(key);
      return undefined;
    }
    const log = this.deps.logger.child({ reconcileId: randomUUID(), intent: key });
    const timer = this.deps.metrics?.reconcileDuration.startTimer();
    try {
      if (intent.metadata.deletionTimestamp !== undefined) {
        return await this.deps.finalizer.finalize(key, intent, log, signal);
      }
      // The finalizer is there only while a run may be in flight (its one job is to stop that run
      // when the intent is deleted), so an idle intent never waits on an operator to be deleted,
      // e.g. after the chart was uninstalled. It goes on before anything is started.
      const inFlight = nextRun(intent, this.now()) !== undefined || activeRun(intent.status) !== undefined;
      const current = inFlight ? await this.deps.finalizer.ensure(intent) : intent;
      return await this.advance(key, current, log, signal);
    } catch (err) {
      if (signal?.aborted === true) {
        log.info('Reconcile abandoned: leadership ended', errorFields(err));
        return undefined;
      }
      this.deps.metrics?.reconcileErrors.inc();
      if (err instanceof StoreError && err.kind === 'Conflict')
        log.debug('Stale object; retrying', errorFields(err));
      throw err;
    } finally {
      timer?.();
    }
  }

  /** Observe, plan, act; then plan and act once more on the invoke's answer, when there was one. */
  private async advance(
    key: string,
    intent: TemporalActionIntent,
    log: Logger,
    signal?: AbortSignal,
  ): Promise<ReconcileResult> {
    const observed = await this.deps.observer.observe(intent, this.now(), signal);
    let step = planStep(intent, observed, this.deps.planner);
    this.logTransition(intent, step, log);
    let done = await this.deps.executor.execute(key, intent, step, log, signal);
    if (done.invoked !== undefined) {
      step = planStep(done.intent, { now: this.now(), invoke: done.invoked }, this.deps.planner);
      this.logTransition(done.intent, step, log);
      done = await this.deps.executor.execute(key, done.intent, step, log, signal);
    }
    signal?.throwIfAborted();
    if (activeRun(done.intent.status) === undefined) {
      await this.deps.finalizer.release(done.intent);
      // Another run was requested meanwhile (e.g. a manual re-run behind a lifecycle run): the
      // update this write caused queues nothing (see Controller.onChange), so look again now.
      if (nextRun(done.intent, this.now()) !== undefined) return { requeueAfterMs: 0 };
    }
    return step.requeueAfterMs !== undefined ? { requeueAfterMs: step.requeueAfterMs } : undefined;
  }

  private logTransition(intent: TemporalActionIntent, step: Step, log: Logger): void {
    const before = intent.status?.lastRun;
    const after = step.status.lastRun;
    if (after === undefined || (before?.id === after.id && before.phase === after.phase)) return;
    log.info(`Run ${after.phase}`, {
      runId: after.id,
      trigger: after.trigger.type,
      workflowId: after.workflowId,
      from: before?.id === after.id ? before.phase : undefined,
      ...(after.failureMessage !== undefined ? { message: after.failureMessage } : {}),
    });
  }
}
