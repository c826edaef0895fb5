// Owns the TypeScript shape of the TemporalActionIntent resource (spec as users write it, status as
// the operator writes it), field for field as the CRD's OpenAPI schema declares it.
import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { HookType } from '../emco/constraints.js';
import type { JsonValue } from '../emco/types.js';
import type { ConditionStatus, RunPhase, TriggerType } from './constants.js';

export {
  API_VERSION,
  GROUP,
  KIND,
  PLURAL,
  VERSION,
  type ConditionStatus,
  type RunPhase,
  type TriggerType,
} from './constants.js';
export type { HookType } from '../emco/constraints.js';

/**
 * A duration in a resource: integer nanoseconds (as in EMCO bodies; at most 2^53-1 so every JSON
 * reader gets it exactly) or a Go duration string ("30s", "1m30s", "9007199254740993ns").
 */
export type IntOrDuration = number | string;

export interface TaiRetryPolicy {
  initialInterval?: IntOrDuration;
  backoffCoefficient?: number;
  maximumInterval?: IntOrDuration;
  /** int32, >= 0; 0 = unlimited. */
  maximumAttempts?: number;
  /** Absent = nil; `[]` is kept as an empty list. */
  nonRetryableErrorTypes?: string[];
}

export interface TaiWorkflowStartOptions {
  id?: string;
  taskQueue?: string;
  workflowExecutionTimeout?: IntOrDuration;
  workflowRunTimeout?: IntOrDuration;
  workflowTaskTimeout?: IntOrDuration;
  /** int32: 0 unspecified, 1 AllowDuplicate, 2 AllowDuplicateFailedOnly, 3 RejectDuplicate. */
  workflowIdReusePolicy?: number;
  workflowExecutionErrorWhenAlreadyStarted?: boolean;
  /** Absent = nil (Temporal's default); `{}` = a policy with all fields zero. */
  retryPolicy?: TaiRetryPolicy;
  cronSchedule?: string;
  /** Absent = nil; `{}` is kept. */
  memo?: Record<string, JsonValue>;
  searchAttributes?: Record<string, JsonValue>;
}

export interface TaiActivityOptions {
  taskQueue?: string;
  scheduleToCloseTimeout?: IntOrDuration;
  scheduleToStartTimeout?: IntOrDuration;
  startToCloseTimeout?: IntOrDuration;
  heartbeatTimeout?: IntOrDuration;
  waitForCancellation?: boolean;
  activityId?: string;
  retryPolicy?: TaiRetryPolicy;
}

export interface TaiWorkflowParams {
  activityOptions?: Record<string, TaiActivityOptions>;
  activityParams?: Record<string, Record<string, string>>;
}

export interface TaiTemporal {
  workflowClientName?: string;
  workflowStartOptions?: TaiWorkflowStartOptions;
  workflowParams?: TaiWorkflowParams;
}

export interface TaiWorkflowClient {
  clientEndpointName?: string;
  /** 0..65535; 0 = unset (EMCO's zero value). */
  clientEndpointPort?: number;
}

export interface TaiSpec {
  project: string;
  compositeApp: string;
  compositeAppVersion: string;
  deploymentIntentGroup: string;
  hookType: HookType;
  /** Defaults to false (the API server fills it in). */
  hookBlocking?: boolean;
  /** Whole seconds or a duration string ("90s", "10m"). */
  hookBlockingTimeout?: number | string;
  workflowClient?: TaiWorkflowClient;
  temporal?: TaiTemporal;
}

/** metav1.Condition. */
export interface Condition {
  type: string;
  status: ConditionStatus;
  /** The metadata.generation the condition was computed from. */
  observedGeneration?: number;
  /** RFC 3339. */
  lastTransitionTime: string;
  /** CamelCase reason: `^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$`. */
  reason: string;
  message: string;
}

export interface RunTrigger {
  type: TriggerType;
  hookType?: string;
  /** Id of the lifecycle event that asked for the run. */
  eventId?: string;
  /** EMCO app context id of the lifecycle event (passed as activityParams.emco.appcontextId). */
  appContextId?: string;
  /** EMCO URL of the lifecycle event (passed as activityParams.emco.emcoURL). */
  emcoUrl?: string;
}

/** One run of an intent's workflow. */
export interface Run {
  id: string;
  trigger: RunTrigger;
  workflowId?: string;
  runId?: string;
  phase: RunPhase;
  blocking?: boolean;
  /** RFC 3339. */
  startTime?: string;
  /** RFC 3339. */
  endTime?: string;
  failureMessage?: string;
  attempt?: number;
  temporalUiUrl?: string;
}

export interface TaiStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  lastRun?: Run;
  /** Earlier runs, newest first, at most HISTORY_LIMIT. */
  history?: Run[];
  /** The tac.emco.io/run-requested-at value last handled. */
  lastHandledRunRequest?: string;
}

export interface TemporalActionIntent {
  apiVersion: string;
  kind: string;
  metadata: V1ObjectMeta;
  spec: TaiSpec;
  status?: TaiStatus;
}

export interface TemporalActionIntentList {
  apiVersion: string;
  kind: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items: TemporalActionIntent[];
}
