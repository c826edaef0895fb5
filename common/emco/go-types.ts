// Owns the descriptions of EMCO's Go structs (field names, order, Go types, omitempty) that the
// decoder and the encoder both follow, so decode, error texts and the canonical echo agree.

/** A Go type as encoding/json sees it, reduced to what EMCO's TAC documents use. */
export type GoType =
  | { readonly kind: 'string' }
  | { readonly kind: 'bool' }
  /** Integer kinds; `repr` says how the JS value holds it (bigint for 64-bit, number for 32-bit). */
  | {
      readonly kind: 'int';
      readonly typeName: string;
      readonly min: bigint;
      readonly max: bigint;
      readonly repr: 'bigint' | 'number';
    }
  /** Go `time.Duration`: int64 nanoseconds, held as bigint. */
  | { readonly kind: 'duration' }
  | { readonly kind: 'float64' }
  | { readonly kind: 'struct'; readonly def: GoStruct }
  /** A pointer to a struct: JSON null gives JS null. */
  | { readonly kind: 'ptr'; readonly def: GoStruct }
  /** `map[string]T`: JSON null gives JS null; keys are emitted sorted. */
  | { readonly kind: 'map'; readonly elem: GoType }
  | { readonly kind: 'slice'; readonly elem: GoType }
  /** `interface{}`: any JSON value (numbers as float64). */
  | { readonly kind: 'any' }
  /**
   * Not in EMCO: a timeout given as integer seconds (JS number, safe integer) or a duration string,
   * kept as given (`hookBlockingTimeout`, the status query's `waitForResultTimeout`).
   */
  | { readonly kind: 'timeout' };

export interface GoField {
  /** The JSON key (json tag or Go field name); also the JS property name. */
  readonly name: string;
  readonly type: GoType;
  /** Go `omitempty`: left out of the output when empty (false, 0, "", nil or empty map/slice). */
  readonly omitEmpty?: boolean;
  /** Not in EMCO: absent (undefined) unless the body sets it; emitted only when defined. */
  readonly optional?: boolean;
}

export interface GoStruct {
  /** reflect.Type.Name(), used in `Go struct field <Name>.<path>` messages. */
  readonly name: string;
  /** reflect.Type.String(), used in `of type <typeName>` messages. */
  readonly typeName: string;
  readonly fields: readonly GoField[];
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const INT32_MIN = -(1n << 31n);
const INT32_MAX = (1n << 31n) - 1n;

export const GO_STRING: GoType = { kind: 'string' };
export const GO_BOOL: GoType = { kind: 'bool' };
export const GO_FLOAT64: GoType = { kind: 'float64' };
export const GO_DURATION: GoType = { kind: 'duration' };
export const GO_ANY: GoType = { kind: 'any' };
export const GO_TIMEOUT: GoType = { kind: 'timeout' };
/** Go `int` on a 64-bit platform. */
export const GO_INT: GoType = {
  kind: 'int',
  typeName: 'int',
  min: INT64_MIN,
  max: INT64_MAX,
  repr: 'bigint',
};
export const GO_INT32: GoType = {
  kind: 'int',
  typeName: 'int32',
  min: INT32_MIN,
  max: INT32_MAX,
  repr: 'number',
};
export const GO_WORKFLOW_ID_REUSE_POLICY: GoType = {
  kind: 'int',
  typeName: 'enums.WorkflowIdReusePolicy',
  min: INT32_MIN,
  max: INT32_MAX,
  repr: 'number',
};

/** Temporal Go SDK v1.13.1 `temporal.RetryPolicy` (alias of internal.RetryPolicy; no json tags). */
export const RETRY_POLICY: GoStruct = {
  name: 'RetryPolicy',
  typeName: 'internal.RetryPolicy',
  fields: [
    { name: 'InitialInterval', type: GO_DURATION },
    { name: 'BackoffCoefficient', type: GO_FLOAT64 },
    { name: 'MaximumInterval', type: GO_DURATION },
    { name: 'MaximumAttempts', type: GO_INT32 },
    { name: 'NonRetryableErrorTypes', type: { kind: 'slice', elem: GO_STRING } },
  ],
};

/** Temporal Go SDK v1.13.1 `client.StartWorkflowOptions`. */
export const START_WORKFLOW_OPTIONS: GoStruct = {
  name: 'StartWorkflowOptions',
  typeName: 'internal.StartWorkflowOptions',
  fields: [
    { name: 'ID', type: GO_STRING },
    { name: 'TaskQueue', type: GO_STRING },
    { name: 'WorkflowExecutionTimeout', type: GO_DURATION },
    { name: 'WorkflowRunTimeout', type: GO_DURATION },
    { name: 'WorkflowTaskTimeout', type: GO_DURATION },
    { name: 'WorkflowIDReusePolicy', type: GO_WORKFLOW_ID_REUSE_POLICY },
    { name: 'WorkflowExecutionErrorWhenAlreadyStarted', type: GO_BOOL },
    { name: 'RetryPolicy', type: { kind: 'ptr', def: RETRY_POLICY } },
    { name: 'CronSchedule', type: GO_STRING },
    { name: 'Memo', type: { kind: 'map', elem: GO_ANY } },
    { name: 'SearchAttributes', type: { kind: 'map', elem: GO_ANY } },
  ],
};

/** Temporal Go SDK v1.13.1 `workflow.ActivityOptions`. */
export const ACTIVITY_OPTIONS: GoStruct = {
  name: 'ActivityOptions',
  typeName: 'internal.ActivityOptions',
  fields: [
    { name: 'TaskQueue', type: GO_STRING },
    { name: 'ScheduleToCloseTimeout', type: GO_DURATION },
    { name: 'ScheduleToStartTimeout', type: GO_DURATION },
    { name: 'StartToCloseTimeout', type: GO_DURATION },
    { name: 'HeartbeatTimeout', type: GO_DURATION },
    { name: 'WaitForCancellation', type: GO_BOOL },
    { name: 'ActivityID', type: GO_STRING },
    { name: 'RetryPolicy', type: { kind: 'ptr', def: RETRY_POLICY } },
  ],
};

/** EMCO `emcotemporalapi.WorkflowParams`. */
export const WORKFLOW_PARAMS: GoStruct = {
  name: 'WorkflowParams',
  typeName: 'emcotemporalapi.WorkflowParams',
  fields: [
    {
      name: 'activityOptions',
      type: { kind: 'map', elem: { kind: 'struct', def: ACTIVITY_OPTIONS } },
      omitEmpty: true,
    },
    {
      name: 'activityParams',
      type: { kind: 'map', elem: { kind: 'map', elem: GO_STRING } },
      omitEmpty: true,
    },
  ],
};

/** EMCO `emcotemporalapi.WfTemporalSpec`: the `/invoke` body. */
export const WF_TEMPORAL_SPEC: GoStruct = {
  name: 'WfTemporalSpec',
  typeName: 'emcotemporalapi.WfTemporalSpec',
  fields: [
    { name: 'workflowClientName', type: GO_STRING },
    { name: 'workflowStartOptions', type: { kind: 'struct', def: START_WORKFLOW_OPTIONS } },
    { name: 'workflowParams', type: { kind: 'struct', def: WORKFLOW_PARAMS }, omitEmpty: true },
  ],
};

/** EMCO orchestrator `types.Metadata`. */
export const METADATA: GoStruct = {
  name: 'Metadata',
  typeName: 'types.Metadata',
  fields: [
    { name: 'name', type: GO_STRING },
    { name: 'description', type: GO_STRING },
    { name: 'userData1', type: GO_STRING },
    { name: 'userData2', type: GO_STRING },
  ],
};

/** EMCO workflowmgr `module.WfClientSpec`. */
export const WF_CLIENT_SPEC: GoStruct = {
  name: 'WfClientSpec',
  typeName: 'module.WfClientSpec',
  fields: [
    { name: 'clientEndpointName', type: GO_STRING },
    { name: 'clientEndpointPort', type: GO_INT },
  ],
};

/** EMCO TAC `model.WorkflowHookSpec`, plus the seed's hookBlocking / hookBlockingTimeout. */
export const WORKFLOW_HOOK_SPEC: GoStruct = {
  name: 'WorkflowHookSpec',
  typeName: 'model.WorkflowHookSpec',
  fields: [
    { name: 'hookType', type: GO_STRING },
    { name: 'hookBlocking', type: GO_BOOL, optional: true },
    { name: 'hookBlockingTimeout', type: GO_TIMEOUT, optional: true },
    { name: 'workflowClient', type: { kind: 'struct', def: WF_CLIENT_SPEC } },
    { name: 'temporal', type: { kind: 'struct', def: WF_TEMPORAL_SPEC } },
  ],
};

/** EMCO TAC `model.WorkflowHookIntent`: the TAC intent REST body. */
export const WORKFLOW_HOOK_INTENT: GoStruct = {
  name: 'WorkflowHookIntent',
  typeName: 'model.WorkflowHookIntent',
  fields: [
    { name: 'metadata', type: { kind: 'struct', def: METADATA }, omitEmpty: true },
    { name: 'spec', type: { kind: 'struct', def: WORKFLOW_HOOK_SPEC } },
  ],
};

/** EMCO TAC `model.WfhTemporalCancelRequestSpec`. */
export const CANCEL_REQUEST_SPEC: GoStruct = {
  name: 'WfhTemporalCancelRequestSpec',
  typeName: 'model.WfhTemporalCancelRequestSpec',
  fields: [
    { name: 'temporalServer', type: GO_STRING },
    { name: 'workflowID', type: GO_STRING, omitEmpty: true },
    { name: 'runID', type: GO_STRING, omitEmpty: true },
    { name: 'terminate', type: GO_BOOL, omitEmpty: true },
    { name: 'reason', type: GO_STRING, omitEmpty: true },
    { name: 'details', type: { kind: 'slice', elem: GO_ANY }, omitEmpty: true },
  ],
};

/** EMCO TAC `model.WfhTemporalCancelRequest`: the `/cancel` body. */
export const CANCEL_REQUEST: GoStruct = {
  name: 'WfhTemporalCancelRequest',
  typeName: 'model.WfhTemporalCancelRequest',
  fields: [
    { name: 'metadata', type: { kind: 'struct', def: METADATA }, omitEmpty: true },
    { name: 'spec', type: { kind: 'struct', def: CANCEL_REQUEST_SPEC } },
  ],
};

/** EMCO workflowmgr `module.WfTemporalStatusQuery` (the `/status` body), plus a bounded wait. */
export const STATUS_QUERY: GoStruct = {
  name: 'WfTemporalStatusQuery',
  typeName: 'module.WfTemporalStatusQuery',
  fields: [
    { name: 'temporalServer', type: GO_STRING },
    { name: 'workflowID', type: GO_STRING },
    { name: 'runID', type: GO_STRING, omitEmpty: true },
    { name: 'waitForResult', type: GO_BOOL, omitEmpty: true },
    { name: 'runDescribeWfExec', type: GO_BOOL, omitEmpty: true },
    { name: 'getWfHistory', type: GO_BOOL, omitEmpty: true },
    { name: 'queryType', type: GO_STRING, omitEmpty: true },
    { name: 'queryParams', type: { kind: 'slice', elem: GO_ANY }, omitEmpty: true },
    { name: 'waitForResultTimeout', type: GO_TIMEOUT, optional: true },
  ],
};

/** reflect.Type.String() of a Go type, as `of type …` in decode errors prints it. */
export function goTypeString(type: GoType): string {
  switch (type.kind) {
    case 'string':
    case 'bool':
    case 'float64':
      return type.kind;
    case 'int':
      return type.typeName;
    case 'duration':
      return 'time.Duration';
    case 'struct':
      return type.def.typeName;
    case 'ptr':
      return `*${type.def.typeName}`;
    case 'map':
      return `map[string]${goTypeString(type.elem)}`;
    case 'slice':
      return `[]${goTypeString(type.elem)}`;
    case 'any':
      return 'interface {}';
    case 'timeout':
      return 'int64 or duration string';
  }
}
