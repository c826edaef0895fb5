// Owns the operator's decisions, as pure functions of (intent, what was observed, now): which run
// to start next, how a run moves between phases, the conditions kstatus-aware tools read, and
// whether status changed at all. The reconciler carries the decisions out.
import { isDeepStrictEqual } from 'node:util';
import type { Condition, Run, RunPhase, TaiStatus, TemporalActionIntent } from '../../common/model/types.js';
import { ANNOTATION_RUN_REQUEST, ANNOTATION_RUN_REQUESTED_AT } from '../../common/domain/annotations.js';
import { timeoutMs } from '../../common/domain/durations.js';
import { HISTORY_LIMIT, activeRun, isTerminal, knownRun } from '../../common/domain/runs.js';
import { deterministicWorkflowId, manualRunId, parseRunRequest } from '../runs/run-identity.js';
import { setCondition } from './conditions.js';

/** The hook's blocking timeout in ms: spec.hookBlockingTimeout (seconds or duration) or the default. */
export function blockingTimeoutMs(intent: TemporalActionIntent, defaultMs: number): number {
  return timeoutMs(intent.spec.hookBlockingTimeout, defaultMs);
}

export interface RunPlan {
  run: Run;
  /** The rerun annotation value this run handles (manual runs). */
  handledRequest?: string;
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

/** The run's blocking deadline, when it is blocking and has started. */
export function runDeadline(run: Run, timeoutMs: number): Date | undefined {
  if (run.blocking !== true || run.startTime === undefined) return undefined;
  return new Date(Date.parse(run.startTime) + timeoutMs);
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
    set('Ready', 'False', 'RunInProgress', `Run ${run.id} is in progress`);
  } else {
    set('Reconciling', 'False', 'Idle', 'No run in progress');
    if (stalledMessage !== undefined) {
      set('Ready', 'False', 'InvalidSpec', stalledMessage);
    } else if (run === undefined) {
      set('Ready', 'True', 'NoRuns', 'Waiting for a lifecycle event');
    } else if (run.phase === 'Succeeded') {
      set('Ready', 'True', 'RunSucceeded', `Run ${run.id} succeeded (workflow ${run.workflowId ?? ''})`);
    } else {
      set(
        'Ready',
        'False',
        `Run${run.phase}`,
        `Run ${run.id} ${run.phase.toLowerCase()}: ${run.failureMessage ?? ''}`.trim(),
      );
    }
  }
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

export function statusChanged(before: TaiStatus | undefined, after: TaiStatus): boolean {
  return !isDeepStrictEqual(normalize(before ?? {}), normalize(after));
}

function normalize(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
