// Owns how a status changes, as pure functions: a new run enters (the previous one moves into the
// bounded history), the last run is updated or finished, conditions for kstatus and `kubectl wait`
// are derived, and whether a status differs from another at all.
import { jsonEqual } from '../../common/json-equal.js';
import { HISTORY_LIMIT, isTerminal, type RunPhase } from '../../common/domain/runs.js';
import type { Condition, Run, TaiStatus, TemporalActionIntent } from '../../common/model/types.js';
import { setCondition } from './conditions.js';

export interface RunPlan {
  run: Run;
  /** The rerun annotation value this run handles (manual runs). */
  handledRequest?: string;
}

/** Status with `plan.run` as the new last run; the previous last run moves into the bounded history. */
export function startRun(status: TaiStatus | undefined, plan: RunPlan): TaiStatus {
  const previous = status?.lastRun;
  const history =
    previous !== undefined ? [previous, ...(status?.history ?? [])].slice(0, HISTORY_LIMIT) : status?.history;
  return {
    ...status,
    lastRun: plan.run,
    ...(history !== undefined ? { history } : {}),
    ...(plan.handledRequest !== undefined ? { lastHandledRunRequest: plan.handledRequest } : {}),
  };
}

/** Replaces the last run (which must be `runId`) with `patch` applied. */
export function updateRun(status: TaiStatus, patch: Partial<Run>): TaiStatus {
  if (status.lastRun === undefined) return status;
  return { ...status, lastRun: { ...status.lastRun, ...patch } };
}

export function finishRun(status: TaiStatus, phase: RunPhase, now: Date, failureMessage?: string): TaiStatus {
  const { failureMessage: _old, ...rest } = status.lastRun ?? ({} as Run);
  if (status.lastRun === undefined) return status;
  return {
    ...status,
    lastRun: {
      ...(rest as Run),
      phase,
      endTime: now.toISOString(),
      ...(failureMessage !== undefined && failureMessage !== ''
        ? { failureMessage: failureMessage.slice(0, 2048) }
        : {}),
    },
  };
}

/** Maps a closed Temporal workflow status to a run phase. */
export function phaseForWorkflowStatus(status: string): RunPhase {
  switch (status) {
    case 'COMPLETED':
      return 'Succeeded';
    case 'CANCELLED':
      return 'Cancelled';
    case 'TERMINATED':
      return 'Terminated';
    case 'TIMED_OUT':
      return 'TimedOut';
    default:
      return 'Failed';
  }
}

/**
 * Conditions for kstatus and `kubectl wait`: Reconciling while a run is in flight; Ready when no
 * run is in flight and the last one (if any) succeeded; Succeeded mirrors the last finished run
 * (Tekton style); Stalled when the spec cannot run (`stalledMessage`).
 */
export function computeConditions(
  intent: TemporalActionIntent,
  status: TaiStatus,
  now: Date,
  stalledMessage?: string,
): Condition[] {
  const generation = intent.metadata?.generation ?? 0;
  const run = status.lastRun;
  const inFlight = run !== undefined && !isTerminal(run.phase);
  let conditions = status.conditions ?? [];
  const set = (type: string, s: 'True' | 'False' | 'Unknown', reason: string, message: string): void => {
    conditions = setCondition(
      conditions,
      { type, status: s, reason, message, observedGeneration: generation },
      now,
    );
  };
  if (stalledMessage !== undefined) {
    set('Stalled', 'True', 'InvalidSpec', stalledMessage);
  } else {
    set('Stalled', 'False', 'SpecValid', 'The intent can run');
  }
  if (inFlight) {
    set(
      'Reconciling',
      'True',
      run.phase === 'Pending' ? 'RunPending' : 'RunInProgress',
      `Run ${run.id} is ${run.phase.toLowerCase()} (workflow ${run.workflowId ?? 'not started'})`,
    );
  } else {
    set('Reconciling', 'False', 'Idle', 'No run in progress');
  }
  const ready = readyCondition(run, inFlight, stalledMessage);
  set('Ready', ready.status, ready.reason, ready.message);
  if (run !== undefined && isTerminal(run.phase)) {
    set(
      'Succeeded',
      run.phase === 'Succeeded' ? 'True' : 'False',
      run.phase,
      run.phase === 'Succeeded'
        ? `Workflow ${run.workflowId ?? ''} completed`
        : (run.failureMessage ?? run.phase),
    );
  } else if (run !== undefined) {
    set('Succeeded', 'Unknown', run.phase, `Run ${run.id} has not finished`);
  }
  return conditions;
}

/** Ready: no run in flight, the spec can run and the last run (if any) succeeded. */
function readyCondition(
  run: TaiStatus['lastRun'],
  inFlight: boolean,
  stalledMessage: string | undefined,
): { status: 'True' | 'False'; reason: string; message: string } {
  if (inFlight && run !== undefined) {
    return { status: 'False', reason: 'RunInProgress', message: `Run ${run.id} is in progress` };
  }
  if (stalledMessage !== undefined) {
    return { status: 'False', reason: 'InvalidSpec', message: stalledMessage };
  }
  if (run === undefined) {
    return { status: 'True', reason: 'NoRuns', message: 'Waiting for a lifecycle event' };
  }
  if (run.phase === 'Succeeded') {
    return {
      status: 'True',
      reason: 'RunSucceeded',
      message: `Run ${run.id} succeeded (workflow ${run.workflowId ?? ''})`,
    };
  }
  return {
    status: 'False',
    reason: `Run${run.phase}`,
    message: `Run ${run.id} ${run.phase.toLowerCase()}: ${run.failureMessage ?? ''}`.trim(),
  };
}

/** The status with conditions and observedGeneration brought up to date. */
export function finalizeStatus(
  intent: TemporalActionIntent,
  status: TaiStatus,
  now: Date,
  stalledMessage?: string,
): TaiStatus {
  return {
    ...status,
    observedGeneration: intent.metadata?.generation ?? 0,
    conditions: computeConditions(intent, status, now, stalledMessage),
  };
}

/** Whether writing `after` would change the stored status (as JSON: undefined fields are absent). */
export function statusChanged(before: TaiStatus | undefined, after: TaiStatus): boolean {
  return !jsonEqual(before ?? {}, after);
}

/** The run's blocking deadline, when it is blocking and has started. */
export function runDeadline(run: Run, timeoutMs: number): Date | undefined {
  if (run.blocking !== true || run.startTime === undefined) return undefined;
  return new Date(Date.parse(run.startTime) + timeoutMs);
}
