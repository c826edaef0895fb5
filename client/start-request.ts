// Owns the translation of EMCO's `workflowStartOptions` (Go SDK StartWorkflowOptions) and the
// named client's rules into a TypeScript SDK workflow start: workflow type, id, queue, timeouts,
// id policies, retry policy, cron, memo, search attributes and the argument list.
import { randomUUID } from 'node:crypto';
import type { RetryPolicy } from '@temporalio/common';
import type { WorkflowIdReusePolicy, WorkflowStartOptions } from '@temporalio/client';
import type { GoRetryPolicy, TemporalSpec } from '../common/emco/types.js';
import { activityParamsJson, workflowParamsJson } from './go-json.js';
import { InvokeError } from './invoke-error.js';
import type { NamedClient } from './named-clients.js';
import { WORKFLOW_TYPE_FROM_TASK_QUEUE } from './named-clients.js';
import { searchAttributesFromGo } from './search-attributes.js';

/** Go SDK `enumspb.WorkflowIdReusePolicy` values EMCO bodies carry; 0 leaves the server default. */
export const REUSE_POLICIES: ReadonlyMap<number, WorkflowIdReusePolicy | undefined> = new Map([
  [0, undefined],
  [1, 'ALLOW_DUPLICATE'],
  [2, 'ALLOW_DUPLICATE_FAILED_ONLY'],
  [3, 'REJECT_DUPLICATE'],
] as const);

const REUSE_POLICY_NAMES = ['Unspecified', 'AllowDuplicate', 'AllowDuplicateFailedOnly', 'RejectDuplicate'];

export interface StartRequest {
  workflowType: string;
  options: WorkflowStartOptions;
  /** EMCO's WorkflowExecutionErrorWhenAlreadyStarted: a running workflow with the id is an error. */
  errorWhenAlreadyStarted: boolean;
  /** Go name of the id reuse policy, for error messages. */
  reusePolicyName: string;
}

function badRequest(message: string): InvokeError {
  return new InvokeError(400, message, 'bad_request');
}

/**
 * Go nanoseconds to SDK milliseconds; 0 means unset. Sub-millisecond remainders round up, so a
 * positive duration never turns into "no timeout". Negative durations are refused.
 */
export function nanosToMs(ns: bigint, field: string): number | undefined {
  if (ns < 0n) throw badRequest(`${field} must not be negative (got ${ns} ns)`);
  if (ns === 0n) return undefined;
  return Number((ns + 999_999n) / 1_000_000n);
}

function retryPolicy(go: GoRetryPolicy | null): RetryPolicy | undefined {
  if (go === null) return undefined;
  const where = 'workflowStartOptions.RetryPolicy';
  const retry: RetryPolicy = {};
  const initial = nanosToMs(go.InitialInterval, `${where}.InitialInterval`);
  const maximum = nanosToMs(go.MaximumInterval, `${where}.MaximumInterval`);
  if (initial !== undefined) retry.initialInterval = initial;
  if (maximum !== undefined) retry.maximumInterval = maximum;
  if (go.BackoffCoefficient < 0 || !Number.isFinite(go.BackoffCoefficient)) {
    throw badRequest(`${where}.BackoffCoefficient must not be negative (got ${go.BackoffCoefficient})`);
  }
  if (go.BackoffCoefficient !== 0) retry.backoffCoefficient = go.BackoffCoefficient;
  if (go.MaximumAttempts < 0) {
    throw badRequest(`${where}.MaximumAttempts must not be negative (got ${go.MaximumAttempts})`);
  }
  if (go.MaximumAttempts !== 0) retry.maximumAttempts = go.MaximumAttempts;
  if (go.NonRetryableErrorTypes !== null && go.NonRetryableErrorTypes.length > 0) {
    retry.nonRetryableErrorTypes = [...go.NonRetryableErrorTypes];
  }
  return retry;
}

function workflowArgs(spec: TemporalSpec, client: NamedClient): unknown[] {
  switch (client.arguments) {
    case 'workflowParams':
      return [workflowParamsJson(spec.workflowParams)];
    case 'activityParams':
      return [activityParamsJson(spec.workflowParams.activityParams)];
    case 'none':
      return [];
  }
}

/**
 * Builds the start. Throws InvokeError 403 when the body names a task queue other than the one the
 * client pins, and 400 for values Temporal cannot take: no task queue, a reuse policy outside 0–3,
 * negative durations or counts, unusable search attribute values.
 */
export function buildStartRequest(
  spec: TemporalSpec,
  client: NamedClient,
  newId: () => string = randomUUID,
): StartRequest {
  const o = spec.workflowStartOptions;
  if (
    o.TaskQueue !== '' &&
    client.taskQueue !== undefined &&
    o.TaskQueue !== client.taskQueue &&
    !client.allowTaskQueueOverride
  ) {
    throw new InvokeError(
      403,
      `workflow client "${client.name}" pins task queue "${client.taskQueue}": ` +
        `workflowStartOptions.TaskQueue "${o.TaskQueue}" is not allowed (leave it empty or equal, ` +
        'or set allowTaskQueueOverride for this client)',
      'forbidden',
    );
  }
  const taskQueue = o.TaskQueue !== '' ? o.TaskQueue : client.taskQueue;
  if (taskQueue === undefined) {
    throw badRequest(
      `workflowStartOptions.TaskQueue is empty and workflow client "${client.name}" has no default task queue`,
    );
  }
  const workflowType =
    client.workflowType === WORKFLOW_TYPE_FROM_TASK_QUEUE ? taskQueue : client.workflowType;

  if (!REUSE_POLICIES.has(o.WorkflowIDReusePolicy)) {
    throw badRequest(
      `workflowStartOptions.WorkflowIDReusePolicy ${o.WorkflowIDReusePolicy} is not supported: use 0 (Unspecified), ` +
        '1 (AllowDuplicate), 2 (AllowDuplicateFailedOnly) or 3 (RejectDuplicate)',
    );
  }
  const reusePolicy = REUSE_POLICIES.get(o.WorkflowIDReusePolicy);

  const options: WorkflowStartOptions = {
    workflowId: o.ID !== '' ? o.ID : newId(),
    taskQueue,
    args: workflowArgs(spec, client),
    // Go SDK: without WorkflowExecutionErrorWhenAlreadyStarted, a running workflow with the same
    // id is returned instead of an error.
    workflowIdConflictPolicy: o.WorkflowExecutionErrorWhenAlreadyStarted ? 'FAIL' : 'USE_EXISTING',
  };
  const executionTimeout = nanosToMs(
    o.WorkflowExecutionTimeout,
    'workflowStartOptions.WorkflowExecutionTimeout',
  );
  const runTimeout = nanosToMs(o.WorkflowRunTimeout, 'workflowStartOptions.WorkflowRunTimeout');
  const taskTimeout = nanosToMs(o.WorkflowTaskTimeout, 'workflowStartOptions.WorkflowTaskTimeout');
  if (executionTimeout !== undefined) options.workflowExecutionTimeout = executionTimeout;
  if (runTimeout !== undefined) options.workflowRunTimeout = runTimeout;
  if (taskTimeout !== undefined) options.workflowTaskTimeout = taskTimeout;
  if (reusePolicy !== undefined) options.workflowIdReusePolicy = reusePolicy;
  const retry = retryPolicy(o.RetryPolicy);
  if (retry !== undefined) options.retry = retry;
  if (o.CronSchedule !== '') options.cronSchedule = o.CronSchedule;
  if (o.Memo !== null && Object.keys(o.Memo).length > 0) options.memo = { ...o.Memo };
  const searchAttributes = searchAttributesFromGo(o.SearchAttributes);
  // The SDK's untyped field on purpose: the server applies registered types (search-attributes.ts).
  if (searchAttributes !== undefined) options.searchAttributes = searchAttributes;

  return {
    workflowType,
    options,
    errorWhenAlreadyStarted: o.WorkflowExecutionErrorWhenAlreadyStarted,
    reusePolicyName: REUSE_POLICY_NAMES[o.WorkflowIDReusePolicy] ?? String(o.WorkflowIDReusePolicy),
  };
}
