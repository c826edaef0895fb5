// Owns the observe part of a reconcile: what Temporal says about the intent's run in flight, read
// without waiting (describe, and for a closed run that did not complete, its close event), and
// which TAC run the workflow belongs to (the run id in its memo, or in the memo of the first run of
// its chain). A Pending run is looked up by its workflow id alone, to find a start that was never
// confirmed. A Running run whose completion the run watcher already saw is not described again.
import { RUN_ID_MEMO_KEY } from '../../common/domain/annotations.js';
import { objectKey } from '../../common/domain/keys.js';
import { activeRun } from '../../common/domain/runs.js';
import type { TemporalActionIntent } from '../../common/model/types.js';
import {
  isClosed,
  type WorkflowPort,
  type WorkflowRef,
  type WorkflowState,
} from '../temporal/temporal-gateway.js';
import { stalledMessage } from './planner.js';
import type { RunWatcher } from './run-watcher.js';
import type { Observation, SeenWorkflow } from './step.js';

type Describe = Pick<WorkflowPort, 'describe'>;

/**
 * The TAC run id a workflow carries: its memo's, or, for a later run of a chain (continue-as-new,
 * retry, cron) whose memo lacks it, the first run's. Undefined: a workflow the operator did not
 * start. Throws what describe throws.
 */
export async function carriedRunId(
  temporal: Describe,
  state: WorkflowState,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const own = state.memo?.[RUN_ID_MEMO_KEY];
  if (typeof own === 'string') return own;
  const first = state.firstRunId;
  if (first === undefined || first === state.runId) return undefined;
  const origin = await temporal.describe({ workflowId: state.workflowId, runId: first }, signal);
  const carried = origin?.memo?.[RUN_ID_MEMO_KEY];
  return typeof carried === 'string' ? carried : undefined;
}

export class Observer {
  constructor(
    private readonly temporal: Pick<WorkflowPort, 'describe' | 'closeFailure'>,
    private readonly allowedEndpoints: readonly string[],
    /** Completions the run watcher's long polls already returned (absent: always describe). */
    private readonly watched?: Pick<RunWatcher, 'completed'>,
  ) {}

  /**
   * Asks Temporal only what the planner needs for this intent. Throws when Temporal cannot answer
   * or `signal` aborted the calls.
   */
  async observe(intent: TemporalActionIntent, now: Date, signal?: AbortSignal): Promise<Observation> {
    const run = activeRun(intent.status);
    const workflowId = run?.workflowId;
    if (run === undefined || workflowId === undefined || workflowId === '') return { now };
    if (stalledMessage(intent, this.allowedEndpoints) !== undefined) return { now };
    if (run.phase === 'Pending') {
      return { now, workflow: await this.seen(await this.temporal.describe({ workflowId }, signal), signal) };
    }
    const ref: WorkflowRef = { workflowId, ...(run.runId !== undefined ? { runId: run.runId } : {}) };
    const completed = run.runId !== undefined ? this.watched?.completed(objectKey(intent), ref) : undefined;
    if (completed !== undefined) return { now, completed };
    const state = await this.temporal.describe(ref, signal);
    if (state === undefined || !isClosed(state.status))
      return { now, workflow: await this.seen(state, signal) };
    const closedRef = { workflowId, runId: state.runId };
    const failureMessage =
      state.status === 'COMPLETED' ? undefined : await this.temporal.closeFailure(closedRef, signal);
    const workflow = await this.seen(state, signal, failureMessage);
    if (state.status !== 'CONTINUED_AS_NEW') return { now, workflow };
    const latest = await this.temporal.describe({ workflowId }, signal);
    return { now, workflow, latest: await this.seen(latest, signal) };
  }

  private async seen(
    state: WorkflowState | undefined,
    signal: AbortSignal | undefined,
    failureMessage?: string,
  ): Promise<SeenWorkflow | null> {
    if (state === undefined) return null;
    const tacRunId = await carriedRunId(this.temporal, state, signal);
    return {
      runId: state.runId,
      status: state.status,
      ...(state.closeTime !== undefined ? { closeTime: state.closeTime } : {}),
      ...(tacRunId !== undefined ? { tacRunId } : {}),
      ...(failureMessage !== undefined ? { failureMessage } : {}),
    };
  }
}
