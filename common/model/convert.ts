// Owns the mapping between EMCO TAC intents (REST documents) and TemporalActionIntent resources.
// Every intent that passes validateTacIntent survives tacIntentToResource → JSON → API server →
// JSON.parse → resourceToTacIntent unchanged: zero values are left out of the resource, non-nil
// empties ({} / []) are kept, durations above 2^53 are written as exact "<n>ns" strings.
import { setOwn } from '../emco/go-decode.js';
import { resourceNameFor, emcoNameOf, digOf } from '../emco/names.js';
import type {
  DigRef,
  GoActivityOptions,
  GoRetryPolicy,
  GoStartWorkflowOptions,
  JsonValue,
  TacIntent,
  TemporalSpec,
  WorkflowParams,
} from '../emco/types.js';
import type { HookType } from '../emco/constraints.js';
import {
  ANNOTATION_DESCRIPTION,
  ANNOTATION_NAME,
  ANNOTATION_USER_DATA1,
  ANNOTATION_USER_DATA2,
} from '../domain/annotations.js';
import { API_VERSION, KIND } from './constants.js';
import { durationToNanos, nanosToIntOrDuration } from '../domain/durations.js';
import type {
  IntOrDuration,
  TaiActivityOptions,
  TaiRetryPolicy,
  TaiSpec,
  TaiTemporal,
  TaiWorkflowStartOptions,
  TemporalActionIntent,
} from './types.js';

/** A resource value the EMCO model cannot hold (e.g. a duration beyond int64); names the field. */
export class ResourceConversionError extends Error {
  override readonly name = 'ResourceConversionError';
  readonly field: string;

  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(`${field}: ${message}`, options);
    this.field = field;
  }
}

function cloneJson<T extends JsonValue | Record<string, JsonValue>>(value: T): T {
  return structuredClone(value);
}

function cloneStringMaps(
  maps: Record<string, Record<string, string>>,
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [k, inner] of Object.entries(maps)) {
    const copy: Record<string, string> = {};
    for (const [ik, iv] of Object.entries(inner)) setOwn(copy, ik, iv);
    setOwn(out, k, copy);
  }
  return out;
}

// ---- EMCO → resource ------------------------------------------------------------------------

function durationOut(target: Record<string, unknown>, key: string, ns: bigint): void {
  if (ns !== 0n) target[key] = nanosToIntOrDuration(ns);
}

function retryPolicyOut(p: GoRetryPolicy): TaiRetryPolicy {
  const out: TaiRetryPolicy = {};
  durationOut(out as Record<string, unknown>, 'initialInterval', p.InitialInterval);
  if (p.BackoffCoefficient !== 0) out.backoffCoefficient = p.BackoffCoefficient;
  durationOut(out as Record<string, unknown>, 'maximumInterval', p.MaximumInterval);
  if (p.MaximumAttempts !== 0) out.maximumAttempts = p.MaximumAttempts;
  if (p.NonRetryableErrorTypes !== null) out.nonRetryableErrorTypes = [...p.NonRetryableErrorTypes];
  return out;
}

function startOptionsOut(o: GoStartWorkflowOptions): TaiWorkflowStartOptions | undefined {
  const out: TaiWorkflowStartOptions = {};
  const rec = out as Record<string, unknown>;
  if (o.ID !== '') out.id = o.ID;
  if (o.TaskQueue !== '') out.taskQueue = o.TaskQueue;
  durationOut(rec, 'workflowExecutionTimeout', o.WorkflowExecutionTimeout);
  durationOut(rec, 'workflowRunTimeout', o.WorkflowRunTimeout);
  durationOut(rec, 'workflowTaskTimeout', o.WorkflowTaskTimeout);
  if (o.WorkflowIDReusePolicy !== 0) out.workflowIdReusePolicy = o.WorkflowIDReusePolicy;
  if (o.WorkflowExecutionErrorWhenAlreadyStarted) out.workflowExecutionErrorWhenAlreadyStarted = true;
  if (o.RetryPolicy !== null) out.retryPolicy = retryPolicyOut(o.RetryPolicy);
  if (o.CronSchedule !== '') out.cronSchedule = o.CronSchedule;
  if (o.Memo !== null) out.memo = cloneJson(o.Memo);
  if (o.SearchAttributes !== null) out.searchAttributes = cloneJson(o.SearchAttributes);
  return Object.keys(out).length > 0 ? out : undefined;
}

function activityOptionsOut(o: GoActivityOptions): TaiActivityOptions {
  const out: TaiActivityOptions = {};
  const rec = out as Record<string, unknown>;
  if (o.TaskQueue !== '') out.taskQueue = o.TaskQueue;
  durationOut(rec, 'scheduleToCloseTimeout', o.ScheduleToCloseTimeout);
  durationOut(rec, 'scheduleToStartTimeout', o.ScheduleToStartTimeout);
  durationOut(rec, 'startToCloseTimeout', o.StartToCloseTimeout);
  durationOut(rec, 'heartbeatTimeout', o.HeartbeatTimeout);
  if (o.WaitForCancellation) out.waitForCancellation = true;
  if (o.ActivityID !== '') out.activityId = o.ActivityID;
  if (o.RetryPolicy !== null) out.retryPolicy = retryPolicyOut(o.RetryPolicy);
  return out;
}

function temporalOut(t: TemporalSpec): TaiTemporal | undefined {
  const out: TaiTemporal = {};
  if (t.workflowClientName !== '') out.workflowClientName = t.workflowClientName;
  const start = startOptionsOut(t.workflowStartOptions);
  if (start !== undefined) out.workflowStartOptions = start;
  const { activityOptions, activityParams } = t.workflowParams;
  const params: NonNullable<TaiTemporal['workflowParams']> = {};
  if (activityOptions !== null && Object.keys(activityOptions).length > 0) {
    const opts: Record<string, TaiActivityOptions> = {};
    for (const [name, o] of Object.entries(activityOptions)) setOwn(opts, name, activityOptionsOut(o));
    params.activityOptions = opts;
  }
  if (activityParams !== null && Object.keys(activityParams).length > 0) {
    params.activityParams = cloneStringMaps(activityParams);
  }
  if (Object.keys(params).length > 0) out.workflowParams = params;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The resource for an EMCO intent of `dig` in `namespace`. Its name comes from names.ts (readable
 * prefix + hash of the identity); the EMCO name and EMCO metadata go to annotations
 * (tac.emco.io/name always; description / user-data1 / user-data2 when non-empty). The intent
 * should have passed validateTacIntent (otherwise the API server may reject the resource).
 */
export function tacIntentToResource(dig: DigRef, intent: TacIntent, namespace: string): TemporalActionIntent {
  const { metadata, spec } = intent;
  const annotations: Record<string, string> = { [ANNOTATION_NAME]: metadata.name };
  if (metadata.description !== '') annotations[ANNOTATION_DESCRIPTION] = metadata.description;
  if (metadata.userData1 !== '') annotations[ANNOTATION_USER_DATA1] = metadata.userData1;
  if (metadata.userData2 !== '') annotations[ANNOTATION_USER_DATA2] = metadata.userData2;

  const taiSpec: TaiSpec = {
    project: dig.project,
    compositeApp: dig.compositeApp,
    compositeAppVersion: dig.compositeAppVersion,
    deploymentIntentGroup: dig.deploymentIntentGroup,
    hookType: spec.hookType as HookType,
  };
  if (spec.hookBlocking !== undefined) taiSpec.hookBlocking = spec.hookBlocking;
  if (spec.hookBlockingTimeout !== undefined) taiSpec.hookBlockingTimeout = spec.hookBlockingTimeout;
  const { clientEndpointName, clientEndpointPort } = spec.workflowClient;
  if (clientEndpointName !== '' || clientEndpointPort !== 0n) {
    taiSpec.workflowClient = {};
    if (clientEndpointName !== '') taiSpec.workflowClient.clientEndpointName = clientEndpointName;
    if (clientEndpointPort !== 0n) taiSpec.workflowClient.clientEndpointPort = Number(clientEndpointPort);
  }
  const temporal = temporalOut(spec.temporal);
  if (temporal !== undefined) taiSpec.temporal = temporal;

  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: {
      name: resourceNameFor({ ...dig, name: metadata.name }),
      namespace,
      annotations,
    },
    spec: taiSpec,
  };
}

// ---- resource → EMCO ------------------------------------------------------------------------

function durationIn(value: IntOrDuration | undefined, field: string): bigint {
  if (value === undefined) return 0n;
  try {
    return durationToNanos(value);
  } catch (err) {
    throw new ResourceConversionError(field, err instanceof Error ? err.message : String(err), {
      cause: err,
    });
  }
}

function retryPolicyIn(p: TaiRetryPolicy | undefined, field: string): GoRetryPolicy | null {
  if (p === undefined) return null;
  return {
    InitialInterval: durationIn(p.initialInterval, `${field}.initialInterval`),
    BackoffCoefficient: p.backoffCoefficient ?? 0,
    MaximumInterval: durationIn(p.maximumInterval, `${field}.maximumInterval`),
    MaximumAttempts: p.maximumAttempts ?? 0,
    NonRetryableErrorTypes: p.nonRetryableErrorTypes !== undefined ? [...p.nonRetryableErrorTypes] : null,
  };
}

function startOptionsIn(o: TaiWorkflowStartOptions | undefined): GoStartWorkflowOptions {
  const s = o ?? {};
  const path = 'spec.temporal.workflowStartOptions';
  return {
    ID: s.id ?? '',
    TaskQueue: s.taskQueue ?? '',
    WorkflowExecutionTimeout: durationIn(s.workflowExecutionTimeout, `${path}.workflowExecutionTimeout`),
    WorkflowRunTimeout: durationIn(s.workflowRunTimeout, `${path}.workflowRunTimeout`),
    WorkflowTaskTimeout: durationIn(s.workflowTaskTimeout, `${path}.workflowTaskTimeout`),
    WorkflowIDReusePolicy: s.workflowIdReusePolicy ?? 0,
    WorkflowExecutionErrorWhenAlreadyStarted: s.workflowExecutionErrorWhenAlreadyStarted ?? false,
    RetryPolicy: retryPolicyIn(s.retryPolicy, `${path}.retryPolicy`),
    CronSchedule: s.cronSchedule ?? '',
    Memo: s.memo !== undefined ? cloneJson(s.memo) : null,
    SearchAttributes: s.searchAttributes !== undefined ? cloneJson(s.searchAttributes) : null,
  };
}

function activityOptionsIn(o: TaiActivityOptions, field: string): GoActivityOptions {
  return {
    TaskQueue: o.taskQueue ?? '',
    ScheduleToCloseTimeout: durationIn(o.scheduleToCloseTimeout, `${field}.scheduleToCloseTimeout`),
    ScheduleToStartTimeout: durationIn(o.scheduleToStartTimeout, `${field}.scheduleToStartTimeout`),
    StartToCloseTimeout: durationIn(o.startToCloseTimeout, `${field}.startToCloseTimeout`),
    HeartbeatTimeout: durationIn(o.heartbeatTimeout, `${field}.heartbeatTimeout`),
    WaitForCancellation: o.waitForCancellation ?? false,
    ActivityID: o.activityId ?? '',
    RetryPolicy: retryPolicyIn(o.retryPolicy, `${field}.retryPolicy`),
  };
}

function workflowParamsIn(t: TaiTemporal | undefined): WorkflowParams {
  const params = t?.workflowParams;
  let activityOptions: WorkflowParams['activityOptions'] = null;
  const opts = params?.activityOptions;
  if (opts !== undefined && Object.keys(opts).length > 0) {
    activityOptions = {};
    for (const [name, o] of Object.entries(opts)) {
      setOwn(
        activityOptions,
        name,
        activityOptionsIn(o, `spec.temporal.workflowParams.activityOptions.${name}`),
      );
    }
  }
  const ap = params?.activityParams;
  const activityParams = ap !== undefined && Object.keys(ap).length > 0 ? cloneStringMaps(ap) : null;
  return { activityOptions, activityParams };
}

/**
 * The temporal spec of a resource, as EMCO holds it (int64 nanosecond durations, Go zero values
 * for unset fields): what the operator posts to `/invoke` (before adding activityParams.emco).
 * Throws ResourceConversionError for a duration that does not fit int64 nanoseconds.
 */
export function temporalSpecOf(tai: TemporalActionIntent): TemporalSpec {
  const t = tai.spec.temporal;
  return {
    workflowClientName: t?.workflowClientName ?? '',
    workflowStartOptions: startOptionsIn(t?.workflowStartOptions),
    workflowParams: workflowParamsIn(t),
  };
}

/**
 * The EMCO intent a resource holds, and its DIG: the EMCO name from the tac.emco.io/name
 * annotation (else metadata.name), EMCO metadata from annotations, zero values for unset fields.
 * `hookBlocking` appears only when true. Throws ResourceConversionError (see temporalSpecOf).
 */
export function resourceToTacIntent(tai: TemporalActionIntent): { dig: DigRef; intent: TacIntent } {
  const annotations = tai.metadata.annotations ?? {};
  const { spec } = tai;
  const intent: TacIntent = {
    metadata: {
      name: emcoNameOf(tai),
      description: annotations[ANNOTATION_DESCRIPTION] ?? '',
      userData1: annotations[ANNOTATION_USER_DATA1] ?? '',
      userData2: annotations[ANNOTATION_USER_DATA2] ?? '',
    },
    spec: {
      hookType: spec.hookType,
      ...(spec.hookBlocking === true ? { hookBlocking: true } : {}),
      ...(spec.hookBlockingTimeout !== undefined ? { hookBlockingTimeout: spec.hookBlockingTimeout } : {}),
      workflowClient: {
        clientEndpointName: spec.workflowClient?.clientEndpointName ?? '',
        clientEndpointPort: BigInt(spec.workflowClient?.clientEndpointPort ?? 0),
      },
      temporal: temporalSpecOf(tai),
    },
  };
  return { dig: digOf(tai), intent };
}
