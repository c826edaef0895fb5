// Owns the reading of EMCO's workflow argument inside workflows: the `workflowParams` object
// (`{"activityOptions":{…},"activityParams":{…}}`, both maps optional) as the workflow client
// sends it, plus small sandbox-safe helpers to read parameters and durations from it.
import { ApplicationFailure } from '@temporalio/workflow';

/** Go `temporal.RetryPolicy` as JSON; durations are integer nanoseconds, zero means "unset". */
export interface GoRetryPolicyJson {
  InitialInterval?: number;
  BackoffCoefficient?: number;
  MaximumInterval?: number;
  MaximumAttempts?: number;
  NonRetryableErrorTypes?: string[] | null;
}

/** Go `workflow.ActivityOptions` as JSON; durations are integer nanoseconds, zero means "unset". */
export interface GoActivityOptionsJson {
  TaskQueue?: string;
  ScheduleToCloseTimeout?: number;
  ScheduleToStartTimeout?: number;
  StartToCloseTimeout?: number;
  HeartbeatTimeout?: number;
  WaitForCancellation?: boolean;
  ActivityID?: string;
  RetryPolicy?: GoRetryPolicyJson | null;
}

/** EMCO `WorkflowParams` as JSON. */
export interface WorkflowParamsJson {
  activityOptions?: Record<string, GoActivityOptionsJson>;
  activityParams?: Record<string, Record<string, string>>;
}

/** Failure type of every workflow input problem (never retried: the input will not change). */
export const INVALID_PARAMS = 'InvalidWorkflowParams';

/** The string parameter `activityParams[group][key]`, or undefined (blank counts as unset). */
export function param(
  params: WorkflowParamsJson | null | undefined,
  group: string,
  key: string,
): string | undefined {
  const value = params?.activityParams?.[group]?.[key];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Milliseconds from a parameter: a bare integer (milliseconds) or Go-style units (`1m30s`,
 * `500ms`). Throws a non-retryable ApplicationFailure naming `what` when malformed.
 */
export function durationParamMs(value: string, what: string): number {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  let total = 0;
  let index = 0;
  while (index < text.length) {
    DURATION_PART.lastIndex = index;
    const match = DURATION_PART.exec(text);
    if (match === null) break;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
    index = DURATION_PART.lastIndex;
  }
  if (index === 0 || index !== text.length || !Number.isFinite(total)) {
    throw ApplicationFailure.nonRetryable(
      `${what}: expected a duration such as "30s", "1m30s", "500ms" or milliseconds, got ${JSON.stringify(value)}`,
      INVALID_PARAMS,
    );
  }
  return Math.round(total);
}

/** A positive integer parameter; throws a non-retryable ApplicationFailure when malformed. */
export function positiveIntParam(value: string, what: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw ApplicationFailure.nonRetryable(
      `${what}: expected a positive integer, got ${JSON.stringify(value)}`,
      INVALID_PARAMS,
    );
  }
  return Number(value);
}
