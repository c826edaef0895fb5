// Owns the JSON form of EMCO's workflowParams as Go's default payload converter writes it (the
// workflow argument of EMCO's reference client): Go field names, every field present, empty maps
// omitted, map keys sorted, durations as integer nanoseconds.
import type { GoActivityOptions, GoRetryPolicy, WorkflowParams } from '../common/emco/types.js';

/** Largest double that is still a valid int64 (2^63 − 1024): larger values would overflow in Go. */
const MAX_INT64_AS_DOUBLE = 9_223_372_036_854_774_784n;

/**
 * A Go int64 as a JSON number. Exact for |n| ≤ 2^53 − 1 (durations up to ~104 days); beyond that
 * the nearest double (relative error below 2^-53, i.e. under 2 µs even at 292 years), clamped
 * below 2^63 so that the text JSON.stringify prints never overflows a Go int64.
 */
export function int64ToJsonNumber(n: bigint): number {
  return Number(n > MAX_INT64_AS_DOUBLE ? MAX_INT64_AS_DOUBLE : n);
}

export interface GoRetryPolicyJson {
  InitialInterval: number;
  BackoffCoefficient: number;
  MaximumInterval: number;
  MaximumAttempts: number;
  NonRetryableErrorTypes: string[] | null;
}

export interface GoActivityOptionsJson {
  TaskQueue: string;
  ScheduleToCloseTimeout: number;
  ScheduleToStartTimeout: number;
  StartToCloseTimeout: number;
  HeartbeatTimeout: number;
  WaitForCancellation: boolean;
  ActivityID: string;
  RetryPolicy: GoRetryPolicyJson | null;
}

export interface WorkflowParamsJson {
  activityOptions?: Record<string, GoActivityOptionsJson>;
  activityParams?: Record<string, Record<string, string>>;
}

function retryPolicyJson(p: GoRetryPolicy | null): GoRetryPolicyJson | null {
  if (p === null) return null;
  return {
    InitialInterval: int64ToJsonNumber(p.InitialInterval),
    BackoffCoefficient: p.BackoffCoefficient,
    MaximumInterval: int64ToJsonNumber(p.MaximumInterval),
    MaximumAttempts: p.MaximumAttempts,
    NonRetryableErrorTypes: p.NonRetryableErrorTypes === null ? null : [...p.NonRetryableErrorTypes],
  };
}

function activityOptionsJson(o: GoActivityOptions): GoActivityOptionsJson {
  return {
    TaskQueue: o.TaskQueue,
    ScheduleToCloseTimeout: int64ToJsonNumber(o.ScheduleToCloseTimeout),
    ScheduleToStartTimeout: int64ToJsonNumber(o.ScheduleToStartTimeout),
    StartToCloseTimeout: int64ToJsonNumber(o.StartToCloseTimeout),
    HeartbeatTimeout: int64ToJsonNumber(o.HeartbeatTimeout),
    WaitForCancellation: o.WaitForCancellation,
    ActivityID: o.ActivityID,
    RetryPolicy: retryPolicyJson(o.RetryPolicy),
  };
}

/** Go sorts map keys by bytes; for these (ASCII-heavy) keys a code-unit sort is the same order. */
function sortedEntries<T>(map: Record<string, T>): Array<[string, T]> {
  return Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The activityParams map with sorted keys at both levels (a fresh copy). */
export function activityParamsJson(
  params: Record<string, Record<string, string>> | null,
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [group, values] of sortedEntries(params ?? {})) {
    out[group] = Object.fromEntries(sortedEntries(values));
  }
  return out;
}

/** `{"activityOptions":{…},"activityParams":{…}}`, each map left out when nil or empty. */
export function workflowParamsJson(params: WorkflowParams): WorkflowParamsJson {
  const out: WorkflowParamsJson = {};
  const options = params.activityOptions ?? {};
  if (Object.keys(options).length > 0) {
    out.activityOptions = Object.fromEntries(
      sortedEntries(options).map(([k, v]) => [k, activityOptionsJson(v)]),
    );
  }
  const activityParams = params.activityParams ?? {};
  if (Object.keys(activityParams).length > 0) out.activityParams = activityParamsJson(activityParams);
  return out;
}
