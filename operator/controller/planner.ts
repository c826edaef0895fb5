// Owns the operator's decisions, as pure functions of (intent, what was observed, now): which run
// to start next, and how the run in flight moves — started, attached after a crash or an unanswered
// invoke, followed, continued as new, timed out, closed, not found, stalled, or found to be someone
// else's workflow (never followed, cancelled or terminated). It returns a Step (the
// next status, the actions, when to look again); the executor carries it out.
import { ANNOTATION_RUN_REQUEST, ANNOTATION_RUN_REQUESTED_AT } from '../../common/domain/annotations.js';
import { timeoutMs } from '../../common/domain/durations.js';
import { activeRun, knownRun } from '../../common/domain/runs.js';
import type { Run, TaiStatus, TemporalActionIntent } from '../../common/model/types.js';
import { endpointAllowed } from '../runs/invoke.js';
import { deterministicWorkflowId, manualRunId, parseRunRequest } from '../runs/run-identity.js';
import { isClosed } from '../temporal/temporal-gateway.js';
import { runEvent } from './run-events.js';
import {
  finalizeStatus,
  finishRun,
  phaseForWorkflowStatus,
  runDeadline,
  startRun,
  updateRun,
  type RunPlan,
} from './run-status.js';
import type { Action, Observation, PlannerConfig, SeenWorkflow, Step, WatchedCompletion } from './step.js';

/** How often a followed run is re-checked even without news (a watch is the main signal). */
export const FOLLOW_RESYNC_MS = 60_000;
/** How often a run whose start is not confirmed yet is looked up again. */
export const START_RECHECK_MS = 1000;
/**
 * A run closed as cancelled or terminated this close to (or after) its deadline was stopped by the
 * timeout: allows for the clocks of the operator and Temporal differing a little.
 */
export const CLOCK_SKEW_MS = 2000;

/** The hook's blocking timeout in ms: spec.hookBlockingTimeout (seconds or duration) or the default. */
export function blockingTimeoutMs(intent: TemporalActionIntent, defaultMs: number): number {
  return timeoutMs(intent.spec.hookBlockingTimeout, defaultMs);
}

/** Why the intent cannot run workflows at all (a spec problem), or undefined. */
export function stalledMessage(
  intent: TemporalActionIntent,
  allowedEndpoints: readonly string[],
): string | undefined {
  const wc = intent.spec.workflowClient;
  if (wc?.clientEndpointName === undefined || wc.clientEndpointName === '' || !wc.clientEndpointPort) {
    return 'spec.workflowClient.clientEndpointName and clientEndpointPort are required to run workflows';
  }
  if (!endpointAllowed(allowedEndpoints, wc.clientEndpointName, wc.clientEndpointPort)) {
    return `workflow client ${wc.clientEndpointName}:${wc.clientEndpointPort} is not in the operator's allow-list`;
  }
  const clientName = intent.spec.temporal?.workflowClientName;
  if (clientName === undefined || clientName === '') {
    return 'spec.temporal.workflowClientName is required to run workflows';
  }
  return undefined;
}

/**
 * The next run to start, when none is in flight: a lifecycle request (annotation) not yet recorded
 * wins over a manual re-run request not yet handled. Undefined when there is nothing to do.
 */
export function nextRun(intent: TemporalActionIntent, now: Date): RunPlan | undefined {
  const status = intent.status;
  if (activeRun(status) !== undefined) return undefined;
  const ns = intent.metadata?.namespace ?? '';
  const name = intent.metadata?.name ?? '';
  const fixedId = intent.spec.temporal?.workflowStartOptions?.id ?? '';
  const blocking = intent.spec.hookBlocking === true;
  const workflowIdFor = (runId: string): string =>
    fixedId !== '' ? fixedId : deterministicWorkflowId(ns, name, runId);
  const annotations = intent.metadata?.annotations ?? {};
  const request = parseRunRequest(annotations[ANNOTATION_RUN_REQUEST]);
  if (request !== undefined && knownRun(status, request.id) === undefined) {
    return {
      run: {
        id: request.id,
        trigger: {
          type: 'Lifecycle',
          hookType: request.hookType,
          eventId: request.eventId,
          ...(request.appContextId !== undefined ? { appContextId: request.appContextId } : {}),
          ...(request.emcoUrl !== undefined ? { emcoUrl: request.emcoUrl } : {}),
        },
        workflowId: workflowIdFor(request.id),
        phase: 'Pending',
        blocking,
        startTime: now.toISOString(),
        attempt: 1,
      },
    };
  }
  const rerun = annotations[ANNOTATION_RUN_REQUESTED_AT];
  if (rerun !== undefined && rerun !== '' && rerun !== status?.lastHandledRunRequest) {
    const id = manualRunId(rerun);
    return {
      run: {
        id,
        trigger: { type: 'Manual', hookType: intent.spec.hookType },
        workflowId: workflowIdFor(id),
        phase: 'Pending',
        blocking,
        startTime: now.toISOString(),
        attempt: 1,
      },
      handledRequest: rerun,
    };
  }
  return undefined;
}

/** Internal result of deciding the run in flight. */
interface RunStep {
  status: TaiStatus;
  actions: Action[];
  requeueAfterMs?: number;
}

/** What every decision about the run in flight reads. */
interface Context {
  intent: TemporalActionIntent;
  observed: Observation;
  config: PlannerConfig;
  /** The intent's blocking timeout in ms. */
  timeoutMs: number;
}

/**
 * One step for the intent: start the next requested run (recorded Pending, then invoked), or move
 * the run in flight by what was observed. Conditions, observedGeneration and a run Event follow
 * from the new status. Pure: same input, same step.
 */
export function planStep(intent: TemporalActionIntent, observed: Observation, config: PlannerConfig): Step {
  const now = observed.now;
  const stalled = stalledMessage(intent, config.allowedEndpoints);
  const before = intent.status?.lastRun;
  let step: RunStep = { status: intent.status ?? {}, actions: [] };
  const plan = nextRun(intent, now);
  if (plan !== undefined) step = planStart(step.status, plan, stalled, now);
  else {
    const run = activeRun(step.status);
    const ctx = {
      intent,
      observed,
      config,
      timeoutMs: blockingTimeoutMs(intent, config.defaultBlockingTimeoutMs),
    };
    if (run !== undefined) step = planActive(ctx, step.status, run, stalled);
  }
  const status = finalizeStatus(intent, step.status, now, stalled);
  const event = runEvent(intent, before, status.lastRun);
  const actions: Action[] =
    event !== undefined && status.lastRun !== undefined
      ? [...step.actions, { type: 'event', event, run: status.lastRun }]
      : step.actions;
  return {
    status,
    actions,
    ...(step.requeueAfterMs !== undefined ? { requeueAfterMs: step.requeueAfterMs } : {}),
  };
}

/** A new run: recorded Pending (attempt 1) before the invoke, so a crash can never start it twice. */
function planStart(status: TaiStatus, plan: RunPlan, stalled: string | undefined, now: Date): RunStep {
  const started = startRun(status, plan);
  if (stalled !== undefined) return { status: finishRun(started, 'Failed', now, stalled), actions: [] };
  return { status: started, actions: [{ type: 'invoke', run: plan.run }], requeueAfterMs: START_RECHECK_MS };
}

function planActive(ctx: Context, status: TaiStatus, run: Run, stalled: string | undefined): RunStep {
  if (stalled !== undefined) {
    return { status: finishRun(status, 'Failed', ctx.observed.now, stalled), actions: [{ type: 'forget' }] };
  }
  if (run.phase === 'Pending') {
    return ctx.observed.invoke !== undefined
      ? planInvokeAnswer(ctx, status, run)
      : planStartLookup(ctx, status, run);
  }
  return planRunning(ctx, status, run);
}

/** The workflow client answered (or did not) the invoke made in this reconcile. */
function planInvokeAnswer(ctx: Context, status: TaiStatus, run: Run): RunStep {
  const answer = ctx.observed.invoke;
  const workflowId = run.workflowId ?? '';
  switch (answer?.outcome) {
    case 'started':
      return following(ctx, status, run, answer.workflowId ?? workflowId, answer.runId);
    case 'rejected':
      return { status: finishRun(status, 'Failed', ctx.observed.now, answer.message), actions: [] };
    default:
      // No answer: the workflow may have started. Look it up by its id; never invoke blindly again.
      return {
        status: updateRun(status, {
          failureMessage: `start not confirmed (${answer?.message ?? 'no answer'}); looking up workflow ${workflowId}`,
        }),
        actions: [],
        requeueAfterMs: START_RECHECK_MS,
      };
  }
}

/**
 * A Pending run seen again (after a crash, a conflict, or an unanswered invoke): attach to the
 * workflow carrying its run id, or wait for one to appear; when none appeared within the lookup
 * time, the earlier invoke did not start anything, so invoke again (bounded), or fail.
 */
function planStartLookup(ctx: Context, status: TaiStatus, run: Run): RunStep {
  const { observed, config } = ctx;
  const workflowId = run.workflowId ?? '';
  const seen = observed.workflow;
  if (seen !== undefined && seen !== null && seen.tacRunId === run.id) {
    return following(ctx, status, run, workflowId, seen.runId);
  }
  const attempt = run.attempt ?? 1;
  const since = run.startTime !== undefined ? Date.parse(run.startTime) : observed.now.getTime();
  const left = since + attempt * config.startLookupMs - observed.now.getTime();
  if (left > 0) return { status, actions: [], requeueAfterMs: Math.min(left, START_RECHECK_MS) };
  if (attempt < config.maxStartAttempts) {
    return {
      status: updateRun(status, { attempt: attempt + 1 }),
      actions: [{ type: 'invoke', run: { ...run, attempt: attempt + 1 } }],
      requeueAfterMs: START_RECHECK_MS,
    };
  }
  const why = run.failureMessage !== undefined ? ` (${run.failureMessage})` : '';
  const message = `no workflow ${workflowId} carrying run ${run.id} appeared on Temporal after ${attempt} start attempt(s)${why}`;
  return { status: finishRun(status, 'Failed', observed.now, message), actions: [] };
}

/** The run is Running from now on: its ids recorded, watched, looked at again by its deadline. */
function following(
  ctx: Context,
  status: TaiStatus,
  run: Run,
  workflowId: string,
  runId: string | undefined,
): RunStep {
  const { failureMessage: _cleared, temporalUiUrl: _oldLink, ...rest } = run;
  const link = runId !== undefined ? ctx.config.uiLink?.({ workflowId, runId }) : undefined;
  const next: Run = {
    ...rest,
    phase: 'Running',
    workflowId,
    ...(runId !== undefined ? { runId } : {}),
    ...(link !== undefined ? { temporalUiUrl: link } : {}),
  };
  const updated: TaiStatus = { ...status, lastRun: next };
  // Started, but the client did not say which run: the next look reads it from Temporal.
  if (runId === undefined) return { status: updated, actions: [], requeueAfterMs: START_RECHECK_MS };
  return {
    status: updated,
    actions: [{ type: 'watch', ref: { workflowId, runId } }],
    requeueAfterMs: followDelay(ctx, next),
  };
}

/** Re-check no later than the blocking deadline (and at least every FOLLOW_RESYNC_MS). */
function followDelay(ctx: Context, run: Run): number {
  const deadline = runDeadline(run, ctx.timeoutMs);
  const untilDeadline =
    deadline === undefined ? FOLLOW_RESYNC_MS : deadline.getTime() - ctx.observed.now.getTime() + 50;
  return Math.max(50, Math.min(FOLLOW_RESYNC_MS, untilDeadline));
}

/**
 * The completion the run watcher saw, as Temporal's view of the run, when it is the completion of
 * this very run (the workflow and run ids recorded when it was started or attached); otherwise
 * undefined. It carries the TAC run id the watcher read from the workflow, so a workflow this run
 * did not start is refused here as after a describe.
 */
function watchedSeen(completed: WatchedCompletion | undefined, run: Run): SeenWorkflow | undefined {
  if (completed === undefined || run.runId === undefined) return undefined;
  if (completed.workflowId !== run.workflowId || completed.runId !== run.runId) return undefined;
  return {
    runId: completed.runId,
    status: 'COMPLETED',
    closeTime: completed.seenAt,
    ...(completed.tacRunId !== undefined ? { tacRunId: completed.tacRunId } : {}),
  };
}

/** A Running run: closed, continued as new, past its deadline, gone, or still going. */
function planRunning(ctx: Context, status: TaiStatus, run: Run): RunStep {
  const { observed } = ctx;
  const workflowId = run.workflowId ?? '';
  const seen = observed.workflow !== undefined ? observed.workflow : watchedSeen(observed.completed, run);
  if (seen === undefined) return { status, actions: [], requeueAfterMs: followDelay(ctx, run) };
  if (seen === null) {
    const message = `workflow ${workflowId} (run ${run.runId ?? 'latest'}) not found on Temporal`;
    return { status: finishRun(status, 'Failed', observed.now, message), actions: [{ type: 'forget' }] };
  }
  if (seen.tacRunId !== run.id) return planForeign(ctx, status, run, seen);
  if (run.runId === undefined) return following(ctx, status, run, workflowId, seen.runId);
  if (isClosed(seen.status)) return planClosed(ctx, status, run, seen);
  const deadline = runDeadline(run, ctx.timeoutMs);
  if (deadline !== undefined && observed.now.getTime() >= deadline.getTime()) {
    return planTimeout(ctx, status, run);
  }
  return {
    status,
    actions: [{ type: 'watch', ref: { workflowId, runId: seen.runId } }],
    requeueAfterMs: followDelay(ctx, run),
  };
}

/**
 * The workflow the run attached to does not carry the run's id in its memo: the workflow client
 * answered for an execution it did not start (a fixed `workflowStartOptions.ID` and an id conflict
 * policy that uses the existing one). It is someone else's: the run fails, and the workflow is
 * never followed, cancelled or terminated by this intent.
 */
function planForeign(ctx: Context, status: TaiStatus, run: Run, seen: SeenWorkflow): RunStep {
  const workflowId = run.workflowId ?? '';
  const carried = seen.tacRunId === undefined ? 'no TAC run id' : `TAC run ${seen.tacRunId}`;
  const message =
    `workflow ${workflowId} (run ${seen.runId}) was not started for this run: its memo carries ${carried}, ` +
    `not ${run.id}; it is left as it is. Set workflowStartOptions.ID to an id no other workflow uses`;
  return { status: finishRun(status, 'Failed', ctx.observed.now, message), actions: [{ type: 'forget' }] };
}

/** The deadline passed with the workflow open: stop it (idempotent) and record TimedOut. */
function planTimeout(ctx: Context, status: TaiStatus, run: Run): RunStep {
  const policy = ctx.config.timeoutPolicy;
  const ref = { workflowId: run.workflowId ?? '', ...(run.runId !== undefined ? { runId: run.runId } : {}) };
  const reason = timeoutReason(ctx, run);
  const stop: Action = policy === 'terminate' ? { type: 'terminate', ref, reason } : { type: 'cancel', ref };
  const message = `${reason}; workflow ${policy === 'terminate' ? 'terminated' : 'cancelled'}`;
  return {
    status: finishRun(status, 'TimedOut', ctx.observed.now, message),
    actions: [stop, { type: 'forget' }],
  };
}

function timeoutReason(ctx: Context, run: Run): string {
  const text = String(
    ctx.intent.spec.hookBlockingTimeout ?? `${ctx.config.defaultBlockingTimeoutMs / 1000}s`,
  );
  return `hookBlockingTimeout ${text} passed before workflow ${run.workflowId ?? ''} finished`;
}

/**
 * A closed run. A blocking run cancelled or terminated at or after its deadline was stopped by the
 * timeout: it is TimedOut however many passes it took to record (a write conflict after the cancel
 * must not turn it into Cancelled).
 */
function planClosed(ctx: Context, status: TaiStatus, run: Run, seen: SeenWorkflow): RunStep {
  const { observed } = ctx;
  const workflowId = run.workflowId ?? '';
  const latest = observed.latest;
  if (
    seen.status === 'CONTINUED_AS_NEW' &&
    latest !== undefined &&
    latest !== null &&
    latest.runId !== seen.runId
  ) {
    return following(ctx, status, run, workflowId, latest.runId);
  }
  const closedAt = seen.closeTime ?? observed.now;
  const deadline = runDeadline(run, ctx.timeoutMs);
  const stoppedByTimeout =
    (seen.status === 'CANCELLED' || seen.status === 'TERMINATED') &&
    deadline !== undefined &&
    closedAt.getTime() >= deadline.getTime() - CLOCK_SKEW_MS;
  if (stoppedByTimeout) {
    const how = seen.status === 'TERMINATED' ? 'terminated' : 'cancelled';
    const message = `${timeoutReason(ctx, run)}; workflow ${how}`;
    return { status: finishRun(status, 'TimedOut', closedAt, message), actions: [{ type: 'forget' }] };
  }
  const phase = phaseForWorkflowStatus(seen.status);
  const message =
    phase === 'Succeeded'
      ? undefined
      : (seen.failureMessage ?? `workflow ${seen.status.toLowerCase().replace('_', ' ')}`);
  return { status: finishRun(status, phase, closedAt, message), actions: [{ type: 'forget' }] };
}
