// Owns the vocabulary of one reconcile step: what was observed (Temporal's view of the run, the
// invoke answer, the clock), the actions the executor carries out, and the step the planner
// returns. Plain data, so a step can be tested as a table row and logged as it is.
import type { Run, TaiStatus } from '../../common/model/types.js';
import type { InvokeResult } from '../runs/invoke.js';
import type { WorkflowRef, WorkflowStatus } from '../temporal/temporal-gateway.js';
import type { EventType } from '../kube/event-recorder.js';

/** What Temporal said about one workflow run. */
export interface SeenWorkflow {
  runId: string;
  status: WorkflowStatus;
  closeTime?: Date;
  /** The TAC run id the workflow carries in its memo (absent: started by someone else). */
  tacRunId?: string;
  /** Why a closed run did not complete (its close event); absent for completed or open runs. */
  failureMessage?: string;
}

/**
 * A run the run watcher saw complete: its long poll returned the workflow's result, so the reconcile
 * that follows needs no describe. Only completions are handed over: a run that closed any other way
 * is described, and its failure read from its close event, as before.
 */
export interface WatchedCompletion {
  workflowId: string;
  runId: string;
  /** When the watcher saw the result (the SDK's result does not carry Temporal's close time). */
  seenAt: Date;
  /** The TAC run id the workflow carries (its memo, or its chain's first run's); absent: none. */
  tacRunId?: string;
}

export interface Observation {
  now: Date;
  /** The active run's workflow: absent = not asked, null = Temporal has no such workflow (or run). */
  workflow?: SeenWorkflow | null;
  /** After CONTINUED_AS_NEW: the latest run of the same workflow id. */
  latest?: SeenWorkflow | null;
  /** The workflow client's answer to the invoke made in this reconcile. */
  invoke?: InvokeResult;
  /** The Running run's completion, as the run watcher saw it (Temporal was not asked again). */
  completed?: WatchedCompletion;
}

/** A Kubernetes Event about a run (reason and message as `kubectl describe` shows them). */
export interface RunEvent {
  type: EventType;
  reason: string;
  message: string;
}

/**
 * What the executor does. `cancel` and `terminate` are idempotent by workflow id and run before the
 * status write; every other action runs after it, so an `invoke` is always recorded first.
 */
export type Action =
  | { type: 'invoke'; run: Run }
  | { type: 'cancel'; ref: WorkflowRef }
  | { type: 'terminate'; ref: WorkflowRef; reason: string }
  | { type: 'watch'; ref: WorkflowRef }
  | { type: 'forget' }
  | { type: 'event'; event: RunEvent; run: Run };

export interface Step {
  /** The status to write (written only when it differs from the object's). */
  status: TaiStatus;
  actions: Action[];
  /** Look again after this many ms (absent: only when something changes). */
  requeueAfterMs?: number;
}

export interface PlannerConfig {
  defaultBlockingTimeoutMs: number;
  timeoutPolicy: 'cancel' | 'terminate';
  allowedEndpoints: readonly string[];
  /**
   * How long a run in Pending is looked up by its workflow id before the operator concludes no
   * workflow was started and invokes again (per attempt, counted from the run's startTime).
   */
  startLookupMs: number;
  /** Invokes per run at most; after the last one's lookup the run fails. */
  maxStartAttempts: number;
  /** A link to a run in the Temporal UI (pure), when one is configured. */
  uiLink?: (ref: WorkflowRef) => string | undefined;
}
