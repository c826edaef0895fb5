// Owns the translation of EMCO's per-activity options (Go `workflow.ActivityOptions` keyed by
// activity name in `workflowParams.activityOptions`) into the TypeScript SDK's ActivityOptions.
import { ActivityCancellationType } from '@temporalio/workflow';
import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';
import type { GoActivityOptionsJson, GoRetryPolicyJson, WorkflowParamsJson } from './params.js';

/** EMCO's reference workflows read options under this key for every activity. */
export const ALL_ACTIVITIES = 'all-activities';

/** Nanoseconds to milliseconds, rounding up so a positive duration never becomes "unset" (0). */
function nsToMs(ns: number | undefined): number | undefined {
  if (typeof ns !== 'number' || !Number.isFinite(ns) || ns <= 0) return undefined;
  return Math.ceil(ns / 1_000_000);
}

function retryFromGo(go: GoRetryPolicyJson): RetryPolicy {
  const retry: RetryPolicy = {};
  const initial = nsToMs(go.InitialInterval);
  const maximum = nsToMs(go.MaximumInterval);
  if (initial !== undefined) retry.initialInterval = initial;
  if (maximum !== undefined) retry.maximumInterval = maximum;
  if (typeof go.BackoffCoefficient === 'number' && go.BackoffCoefficient > 0) {
    retry.backoffCoefficient = go.BackoffCoefficient;
  }
  if (typeof go.MaximumAttempts === 'number' && go.MaximumAttempts > 0)
    retry.maximumAttempts = go.MaximumAttempts;
  if (Array.isArray(go.NonRetryableErrorTypes) && go.NonRetryableErrorTypes.length > 0) {
    retry.nonRetryableErrorTypes = [...go.NonRetryableErrorTypes];
  }
  return retry;
}

/** Overlays the non-zero fields of one Go options object on `base` (Go zero values mean "unset"). */
function overlay(base: ActivityOptions, go: GoActivityOptionsJson | undefined): ActivityOptions {
  if (go === undefined || go === null || typeof go !== 'object') return base;
  const out: ActivityOptions = { ...base };
  if (typeof go.TaskQueue === 'string' && go.TaskQueue !== '') out.taskQueue = go.TaskQueue;
  const scheduleToClose = nsToMs(go.ScheduleToCloseTimeout);
  const scheduleToStart = nsToMs(go.ScheduleToStartTimeout);
  const startToClose = nsToMs(go.StartToCloseTimeout);
  const heartbeat = nsToMs(go.HeartbeatTimeout);
  if (scheduleToClose !== undefined) out.scheduleToCloseTimeout = scheduleToClose;
  if (scheduleToStart !== undefined) out.scheduleToStartTimeout = scheduleToStart;
  if (startToClose !== undefined) out.startToCloseTimeout = startToClose;
  if (heartbeat !== undefined) out.heartbeatTimeout = heartbeat;
  if (go.WaitForCancellation === true)
    out.cancellationType = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;
  if (typeof go.ActivityID === 'string' && go.ActivityID !== '') out.activityId = go.ActivityID;
  if (go.RetryPolicy !== undefined && go.RetryPolicy !== null) {
    out.retry = { ...base.retry, ...retryFromGo(go.RetryPolicy) };
  }
  return out;
}

/**
 * Options for activity `name`: `defaults`, then `activityOptions["all-activities"]`, then
 * `activityOptions[name]`, each layer overriding only the fields it sets.
 */
export function activityOptionsFor(
  params: WorkflowParamsJson | null | undefined,
  name: string,
  defaults: ActivityOptions,
): ActivityOptions {
  const all = params?.activityOptions?.[ALL_ACTIVITIES];
  const own = params?.activityOptions?.[name];
  return overlay(overlay(defaults, all), own);
}
