// Owns the observe part of a reconcile: what Temporal says about the intent's run in flight, read
// without waiting (describe, and for a closed run that did not complete, its close event). A Pending
// run is looked up by its workflow id alone, to find a start that was never confirmed. A Running run
// whose completion the run watcher already saw is not described again.
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

export class Observer {
  constructor(
    private readonly temporal: Pick<WorkflowPort, 'describe' | 'closeFailure'>,
    private readonly allowedEndpoints: readonly string[],
    /** Completions the run watcher's long polls already returned (absent: always describe). */
    private readonly watched?: Pick<RunWatcher, 'completed'>,
  ) {}

  /** Asks Temporal only what the planner needs for this intent. Throws when Temporal cannot answer. */
  async observe(intent: TemporalActionIntent, now: Date): Promise<Observation> {
    const run = activeRun(intent.status);
    const workflowId = run?.workflowId;
    if (run === undefined || workflowId === undefined || workflowId === '') return { now };
    if (stalledMessage(intent, this.allowedEndpoints) !== undefined) return { now };
    if (run.phase === 'Pending') return { now, workflow: seen(await this.temporal.describe({ workflowId })) };
    const ref: WorkflowRef = { workflowId, ...(run.runId !== undefined ? { runId: run.runId } : {}) };
    const completed = run.runId !== undefined ? this.watched?.completed(objectKey(intent), ref) : undefined;
    if (completed !== undefined) return { now, completed };
    const state = await this.temporal.describe(ref);
    if (state === undefined || !isClosed(state.status)) return { now, workflow: seen(state) };
    const closedRef = { workflowId, runId: state.runId };
    const failureMessage =
      state.status === 'COMPLETED' ? undefined : await this.temporal.closeFailure(closedRef);
    const workflow = seen(state, failureMessage);
    if (state.status !== 'CONTINUED_AS_NEW') return { now, workflow };
    return { now, workflow, latest: seen(await this.temporal.describe({ workflowId })) };
  }
}

function seen(state: WorkflowState | undefined, failureMessage?: string): SeenWorkflow | null {
  if (state === undefined) return null;
  const tacRunId = state.memo?.[RUN_ID_MEMO_KEY];
  return {
    runId: state.runId,
    status: state.status,
    ...(state.closeTime !== undefined ? { closeTime: state.closeTime } : {}),
    ...(typeof tacRunId === 'string' ? { tacRunId } : {}),
    ...(failureMessage !== undefined ? { failureMessage } : {}),
  };
}
