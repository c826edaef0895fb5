// Owns one reconcile of one intent: observe (cache, Temporal), decide (planner), act (invoke,
// cancel, finalizers, events), and write status once when it changed. Runs only on the leader.
import { randomUUID } from 'node:crypto';
import { ANNOTATION_SKIP_CLEANUP, FINALIZER, RUN_ID_MEMO_KEY } from '../../common/domain/annotations.js';
import { splitKey } from '../../common/domain/keys.js';
import { activeRun, isTerminal } from '../../common/domain/runs.js';
import { errorFields, type Logger } from '../../common/log.js';
import type { Run, TaiStatus, TemporalActionIntent } from '../../common/model/types.js';
import type { EventSink } from '../kube/event-recorder.js';
import type { IntentClient } from '../kube/intent-client.js';
import type { OperatorMetrics } from '../metrics.js';
import { StoreError } from '../ports.js';
import { endpointAllowed, type Invoker } from '../runs/invoke.js';
import { invokeBody } from '../runs/invoke-body.js';
import { failureMessage, isClosed, type TemporalGateway } from '../temporal/temporal-gateway.js';
import type { ReconcileResult } from './work-queue.js';
import {
  blockingTimeoutMs,
  finalizeStatus,
  finishRun,
  nextRun,
  phaseForWorkflowStatus,
  runDeadline,
  startRun,
  statusChanged,
  updateRun,
} from './planner.js';
import type { RunWatcher } from './run-watcher.js';

/** How often a followed run is re-checked even without news (a watch is the main signal). */
const FOLLOW_RESYNC_MS = 60_000;

export interface ReconcilerDeps {
  get(namespace: string, name: string): TemporalActionIntent | undefined;
  /** Puts a just-written object into the cache (read-your-writes; waiters see it at once). */
  remember?(obj: TemporalActionIntent): void;
  client: IntentClient;
  temporal: TemporalGateway;
  invoker: Invoker;
  events: EventSink;
  watcher: RunWatcher;
  metrics?: OperatorMetrics;
  logger: Logger;
  config: {
    defaultBlockingTimeoutMs: number;
    timeoutPolicy: 'cancel' | 'terminate';
    allowedEndpoints: readonly string[];
    deletionGraceMs: number;
    emcoOrchestratorUrl?: string;
  };
  now?: () => Date;
}

export class Reconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const [namespace, name] = splitKey(key);
    const intent = this.deps.get(namespace, name);
    const log = this.deps.logger.child({ reconcileId: randomUUID(), intent: key });
    if (intent === undefined) {
      this.deps.watcher.forget(key);
      return undefined;
    }
    const timer = this.deps.metrics?.reconcileDuration.startTimer();
    try {
      return await this.reconcileIntent(key, intent, log);
    } catch (err) {
      this.deps.metrics?.reconcileErrors.inc();
      if (err instanceof StoreError && err.kind === 'Conflict') {
        log.debug('Stale object; retrying', errorFields(err));
      }
      throw err;
    } finally {
      timer?.();
    }
  }

  private async reconcileIntent(
    key: string,
    observed: TemporalActionIntent,
    log: Logger,
  ): Promise<ReconcileResult> {
    let intent = observed;
    const meta = intent.metadata ?? {};
    const ns = meta.namespace ?? '';
    const name = meta.name ?? '';
    if (meta.deletionTimestamp !== undefined) return this.finalize(key, intent, log);
    if (!(meta.finalizers ?? []).includes(FINALIZER)) {
      // Carry on with the object the patch returned: one pass (and one status write) per new intent.
      intent = await this.deps.client.patchMetadata(
        ns,
        name,
        { finalizers: [...(meta.finalizers ?? []), FINALIZER] },
        meta.resourceVersion,
      );
      this.deps.remember?.(intent);
    }

    const now = this.now();
    const stalled = this.stalledMessage(intent);
    let status: TaiStatus = intent.status ?? {};
    let requeueAfterMs: number | undefined;

    const plan = nextRun(intent, now);
    if (plan !== undefined) {
      status = startRun(status, plan);
      log.info('Run requested', {
        runId: plan.run.id,
        trigger: plan.run.trigger.type,
        workflowId: plan.run.workflowId,
      });
    }
    const run = activeRun(status);
    if (run !== undefined) {
      const step = await this.advance(key, intent, status, run, stalled, log);
      status = step.status;
      requeueAfterMs = step.requeueAfterMs;
    }
    const finalStatus = finalizeStatus(intent, status, now, stalled);
    if (statusChanged(intent.status, finalStatus)) {
      this.deps.remember?.(await this.deps.client.replaceStatus({ ...intent, status: finalStatus }));
      // Events are best effort and never throw; the next reconcile need not wait for them.
      void this.announce(intent, intent.status?.lastRun, finalStatus.lastRun);
    }
    return requeueAfterMs !== undefined ? { requeueAfterMs } : undefined;
  }

  private stalledMessage(intent: TemporalActionIntent): string | undefined {
    const wc = intent.spec.workflowClient;
    if (wc?.clientEndpointName === undefined || wc.clientEndpointName === '' || !wc.clientEndpointPort) {
      return 'spec.workflowClient.clientEndpointName and clientEndpointPort are required to run workflows';
    }
    if (!endpointAllowed(this.deps.config.allowedEndpoints, wc.clientEndpointName, wc.clientEndpointPort)) {
      return `workflow client ${wc.clientEndpointName}:${wc.clientEndpointPort} is not in the operator's allow-list`;
    }
    if (
      intent.spec.temporal?.workflowClientName === undefined ||
      intent.spec.temporal.workflowClientName === ''
    ) {
      return 'spec.temporal.workflowClientName is required to run workflows';
    }
    return undefined;
  }

  /** Moves the run in flight one step: start it, follow it, or time it out. */
  private async advance(
    key: string,
    intent: TemporalActionIntent,
    status: TaiStatus,
    run: Run,
    stalled: string | undefined,
    log: Logger,
  ): Promise<{ status: TaiStatus; requeueAfterMs?: number }> {
    const now = this.now();
    if (stalled !== undefined) return { status: finishRun(status, 'Failed', now, stalled) };
    const workflowId = run.workflowId ?? '';
    const ref = { workflowId, ...(run.runId !== undefined ? { runId: run.runId } : {}) };

    if (run.phase === 'Pending') {
      // A workflow carrying this run's id in its memo was started before a crash: attach to it.
      const existing = await this.findStartedRun(workflowId, run.id);
      if (existing !== undefined) {
        log.info('Found run already started', { runId: run.id, workflowId, temporalRunId: existing });
        status = updateRun(status, { phase: 'Running', runId: existing, ...this.link(workflowId, existing) });
      } else {
        const result = await this.deps.invoker.invoke(
          {
            host: intent.spec.workflowClient?.clientEndpointName ?? '',
            port: intent.spec.workflowClient?.clientEndpointPort ?? 0,
            clientName: intent.spec.temporal?.workflowClientName ?? '',
          },
          invokeBody(intent, run, this.deps.config.emcoOrchestratorUrl),
        );
        if (!result.started) {
          log.warn('Workflow start failed', { runId: run.id, workflowId, message: result.message });
          return { status: finishRun(status, 'Failed', now, result.message) };
        }
        const runId = result.runId ?? (await this.deps.temporal.describe({ workflowId }))?.runId;
        log.info('Started workflow', { runId: run.id, workflowId, temporalRunId: runId });
        status = updateRun(status, {
          phase: 'Running',
          ...(result.workflowId !== undefined ? { workflowId: result.workflowId } : {}),
          ...(runId !== undefined ? { runId } : {}),
          ...this.link(result.workflowId ?? workflowId, runId),
        });
      }
      const started = status.lastRun;
      if (started?.runId === undefined) return { status, requeueAfterMs: 1000 };
      this.deps.watcher.watch(key, { workflowId: started.workflowId ?? workflowId, runId: started.runId });
      return { status, requeueAfterMs: this.followDelay(intent, started, now) };
    }

    // Running: ask Temporal how it is.
    const state = await this.deps.temporal.describe(ref);
    if (state === undefined) {
      return {
        status: finishRun(
          status,
          'Failed',
          now,
          `workflow ${workflowId} (run ${run.runId ?? 'latest'}) not found on Temporal`,
        ),
      };
    }
    if (isClosed(state.status)) {
      if (state.status === 'CONTINUED_AS_NEW') {
        const latest = await this.deps.temporal.describe({ workflowId });
        if (latest !== undefined && latest.runId !== run.runId) {
          status = updateRun(status, { runId: latest.runId, ...this.link(workflowId, latest.runId) });
          this.deps.watcher.watch(key, { workflowId, runId: latest.runId });
          return { status, requeueAfterMs: this.followDelay(intent, status.lastRun ?? run, now) };
        }
      }
      const phase = phaseForWorkflowStatus(state.status);
      let message: string | undefined;
      if (phase !== 'Succeeded') {
        const outcome = await this.deps.temporal.waitForResult(ref, 5000);
        message = outcome.done ? outcome.failureMessage : undefined;
        message ??= `workflow ${state.status.toLowerCase().replace('_', ' ')}`;
      }
      this.deps.watcher.forget(key);
      log.info('Workflow closed', { runId: run.id, workflowId, status: state.status });
      return { status: finishRun(status, phase, state.closeTime ?? now, message) };
    }
    const deadline = runDeadline(run, blockingTimeoutMs(intent, this.deps.config.defaultBlockingTimeoutMs));
    if (deadline !== undefined && now.getTime() >= deadline.getTime()) {
      const policy = this.deps.config.timeoutPolicy;
      const timeoutText = String(
        intent.spec.hookBlockingTimeout ?? `${this.deps.config.defaultBlockingTimeoutMs / 1000}s`,
      );
      const reason = `hookBlockingTimeout ${timeoutText} passed before workflow ${workflowId} finished`;
      if (policy === 'terminate') await this.deps.temporal.terminate(ref, reason);
      else await this.deps.temporal.cancel(ref);
      this.deps.watcher.forget(key);
      log.warn('Blocking hook timed out', { runId: run.id, workflowId, policy });
      return {
        status: finishRun(
          status,
          'TimedOut',
          now,
          `${reason}; workflow ${policy === 'terminate' ? 'terminated' : 'cancelled'}`,
        ),
      };
    }
    this.deps.watcher.watch(key, { workflowId, runId: state.runId });
    return { status, requeueAfterMs: this.followDelay(intent, run, now) };
  }

  private followDelay(intent: TemporalActionIntent, run: Run, now: Date): number {
    const deadline = runDeadline(run, blockingTimeoutMs(intent, this.deps.config.defaultBlockingTimeoutMs));
    const untilDeadline = deadline === undefined ? FOLLOW_RESYNC_MS : deadline.getTime() - now.getTime() + 50;
    return Math.max(50, Math.min(FOLLOW_RESYNC_MS, untilDeadline));
  }

  private link(workflowId: string, runId: string | undefined): { temporalUiUrl?: string } {
    const url = this.deps.temporal.uiLink({ workflowId, ...(runId !== undefined ? { runId } : {}) });
    return url !== undefined ? { temporalUiUrl: url } : {};
  }

  /** The Temporal run id of a workflow started for `tacRunId`, if one exists. */
  private async findStartedRun(workflowId: string, tacRunId: string): Promise<string | undefined> {
    if (workflowId === '') return undefined;
    const state = await this.deps.temporal.describe({ workflowId });
    if (state === undefined) return undefined;
    return state.memo?.[RUN_ID_MEMO_KEY] === tacRunId ? state.runId : undefined;
  }

  private async announce(
    intent: TemporalActionIntent,
    before: Run | undefined,
    after: Run | undefined,
  ): Promise<void> {
    if (after === undefined) return;
    const changed = before?.id !== after.id || before.phase !== after.phase;
    if (!changed) return;
    const hook = after.trigger.hookType ?? intent.spec.hookType;
    const wf = `workflow ${after.workflowId ?? ''}${after.runId !== undefined ? ` (run ${after.runId})` : ''}`;
    const events = this.deps.events;
    switch (after.phase) {
      case 'Running':
        await events.record(
          intent,
          'Normal',
          'RunStarted',
          `Started ${wf} for ${hook} (${after.trigger.type} run ${after.id})`,
        );
        break;
      case 'Succeeded':
        await events.record(intent, 'Normal', 'RunSucceeded', `${wf} completed`);
        break;
      case 'Failed':
        await events.record(intent, 'Warning', 'RunFailed', `${wf} failed: ${after.failureMessage ?? ''}`);
        break;
      case 'TimedOut':
        await events.record(intent, 'Warning', 'RunTimedOut', after.failureMessage ?? `${wf} timed out`);
        break;
      case 'Cancelled':
      case 'Terminated':
        await events.record(
          intent,
          'Warning',
          `Run${after.phase}`,
          `${wf} ${after.phase.toLowerCase()}: ${after.failureMessage ?? ''}`,
        );
        break;
      default:
        break;
    }
    if (isTerminal(after.phase)) {
      const started = after.startTime !== undefined ? Date.parse(after.startTime) : undefined;
      const ended = after.endTime !== undefined ? Date.parse(after.endTime) : undefined;
      this.deps.metrics?.runsTotal.inc({ hook_type: hook, outcome: after.phase });
      if (started !== undefined && ended !== undefined) {
        this.deps.metrics?.runDuration.observe(
          { hook_type: hook, outcome: after.phase },
          (ended - started) / 1000,
        );
      }
    }
  }

  /**
   * Deletion: cancel a run still in flight, wait for it to close at most `deletionGraceMs`, then
   * remove the finalizer. The skip-cleanup annotation lets the intent go at once.
   */
  private async finalize(key: string, intent: TemporalActionIntent, log: Logger): Promise<ReconcileResult> {
    const meta = intent.metadata ?? {};
    const ns = meta.namespace ?? '';
    const name = meta.name ?? '';
    if (!(meta.finalizers ?? []).includes(FINALIZER)) return undefined;
    const run = activeRun(intent.status);
    const skip = meta.annotations?.[ANNOTATION_SKIP_CLEANUP] === 'true';
    if (run?.workflowId !== undefined && run.phase === 'Running' && !skip) {
      const ref = { workflowId: run.workflowId, ...(run.runId !== undefined ? { runId: run.runId } : {}) };
      const deletedAt = Date.parse(String(meta.deletionTimestamp));
      const graceLeft = deletedAt + this.deps.config.deletionGraceMs - this.now().getTime();
      try {
        const state = await this.deps.temporal.describe(ref);
        if (state !== undefined && !isClosed(state.status)) {
          if (graceLeft > 0) {
            await this.deps.temporal.cancel(ref);
            log.info('Cancelled run of deleted intent; waiting for it to close', {
              workflowId: run.workflowId,
            });
            this.deps.watcher.watch(key, ref);
            return { requeueAfterMs: Math.min(graceLeft + 50, 5000) };
          }
          await this.deps.temporal.terminate(ref, 'intent deleted; cancellation grace period passed');
          log.warn('Terminated run of deleted intent after the grace period', { workflowId: run.workflowId });
        }
      } catch (err) {
        // Temporal unreachable must not hold deletion forever: after the grace period we let go.
        if (graceLeft > 0) throw err;
        log.warn(
          'Could not stop the run of a deleted intent; removing the finalizer anyway',
          errorFields(err),
        );
        await this.deps.events.record(
          intent,
          'Warning',
          'CleanupFailed',
          `Could not stop workflow ${run.workflowId}: ${failureMessage(err)}`,
        );
      }
    }
    this.deps.watcher.forget(key);
    await this.deps.client.patchMetadata(
      ns,
      name,
      { finalizers: (meta.finalizers ?? []).filter((f) => f !== FINALIZER) },
      meta.resourceVersion,
    );
    log.info('Removed finalizer', { skippedCleanup: skip });
    return undefined;
  }
}
