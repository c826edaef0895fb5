// Owns the in-memory shape of EMCO's TAC documents, field for field as EMCO's Go structs declare
// them (Go field names inside workflowStartOptions, RetryPolicy and activity options). Every
// Go int64 (durations in nanoseconds, the endpoint port) is a bigint so values above 2^53 survive.

/** Any JSON value as Go's `interface{}` holds it after decoding (numbers are float64 in Go). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Temporal Go SDK `temporal.RetryPolicy`. Durations are int64 nanoseconds. */
export interface GoRetryPolicy {
  InitialInterval: bigint;
  BackoffCoefficient: number;
  MaximumInterval: bigint;
  /** int32 */
  MaximumAttempts: number;
  NonRetryableErrorTypes: string[] | null;
}

/** Temporal Go SDK `client.StartWorkflowOptions` (the subset EMCO's SDK version has). */
export interface GoStartWorkflowOptions {
  ID: string;
  TaskQueue: string;
  WorkflowExecutionTimeout: bigint;
  WorkflowRunTimeout: bigint;
  WorkflowTaskTimeout: bigint;
  /** int32; 0 unspecified, 1 AllowDuplicate, 2 AllowDuplicateFailedOnly, 3 RejectDuplicate (any int32 decodes). */
  WorkflowIDReusePolicy: number;
  WorkflowExecutionErrorWhenAlreadyStarted: boolean;
  RetryPolicy: GoRetryPolicy | null;
  CronSchedule: string;
  Memo: Record<string, JsonValue> | null;
  SearchAttributes: Record<string, JsonValue> | null;
}

/** Temporal Go SDK `workflow.ActivityOptions`. Durations are int64 nanoseconds. */
export interface GoActivityOptions {
  TaskQueue: string;
  ScheduleToCloseTimeout: bigint;
  ScheduleToStartTimeout: bigint;
  StartToCloseTimeout: bigint;
  HeartbeatTimeout: bigint;
  WaitForCancellation: boolean;
  ActivityID: string;
  /** EMCO's schema requires an object here; null only survives decoding to fail validation. */
  RetryPolicy: GoRetryPolicy | null;
}

/** EMCO `WfTemporalSpec.workflowParams`; both maps are omitted from JSON when nil or empty. */
export interface WorkflowParams {
  activityOptions: Record<string, GoActivityOptions> | null;
  activityParams: Record<string, Record<string, string>> | null;
}

/** EMCO `emcotemporalapi.WfTemporalSpec`: the body TAC posts to `/invoke/{workflowClientName}`. */
export interface TemporalSpec {
  workflowClientName: string;
  workflowStartOptions: GoStartWorkflowOptions;
  workflowParams: WorkflowParams;
}

export interface WorkflowClientEndpoint {
  clientEndpointName: string;
  /** Go int (64-bit); EMCO applies no range check. */
  clientEndpointPort: bigint;
}

/**
 * How long a blocking hook may hold its event. Kept as given: integer seconds or a duration string
 * such as "90s" / "10m" (EMCO-COMPAT difference 2). Absent when the request did not set it.
 */
export type HookBlockingTimeout = number | string;

export interface TacIntentMetadata {
  name: string;
  description: string;
  userData1: string;
  userData2: string;
}

export interface TacIntentSpec {
  hookType: string;
  /** Kept and echoed only when the request set it (EMCO drops it). */
  hookBlocking?: boolean;
  hookBlockingTimeout?: HookBlockingTimeout;
  workflowClient: WorkflowClientEndpoint;
  temporal: TemporalSpec;
}

/** EMCO `WorkflowHookIntent`, the TAC intent document of the REST API. */
export interface TacIntent {
  metadata: TacIntentMetadata;
  spec: TacIntentSpec;
}

/** The DIG an intent belongs to: the EMCO route's path parameters. */
export interface DigRef {
  project: string;
  compositeApp: string;
  compositeAppVersion: string;
  deploymentIntentGroup: string;
}

/** EMCO `WfhTemporalCancelRequestSpec`: what `/cancel` cancels or terminates. */
export interface CancelRequestSpec {
  /** Temporal frontend `host:port`; optional here (the configured server by default, EMCO-COMPAT 5). */
  temporalServer: string;
  /** Overrides the intent's recorded workflow id when non-empty. */
  workflowID: string;
  runID: string;
  /** true: TerminateWorkflow; false: CancelWorkflow. */
  terminate: boolean;
  /** Used only for terminate. */
  reason: string;
  /** Used only for terminate; any JSON values. */
  details: JsonValue[] | null;
}

/** EMCO `WfhTemporalCancelRequest`, the `/cancel` body (metadata is accepted and ignored). */
export interface CancelRequest {
  metadata: TacIntentMetadata;
  spec: CancelRequestSpec;
}

/** EMCO `WfTemporalStatusQuery`, the `/status` body (or query string, EMCO-COMPAT difference 4). */
export interface StatusQuery {
  temporalServer: string;
  workflowID: string;
  runID: string;
  waitForResult: boolean;
  runDescribeWfExec: boolean;
  getWfHistory: boolean;
  queryType: string;
  queryParams: JsonValue[] | null;
  /**
   * Not in EMCO: bound on `waitForResult`, integer seconds or a duration string ("30s"); absent
   * when not given (the server's default bound applies).
   */
  waitForResultTimeout?: HookBlockingTimeout;
}
