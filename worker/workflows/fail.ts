// Owns the `fail` test workflow: fails at once with a non-retryable ApplicationFailure.
import { ApplicationFailure } from '@temporalio/workflow';
import type { WorkflowParamsJson } from './params.js';
import { param } from './params.js';

export const DEFAULT_FAIL_MESSAGE = 'failed on purpose';
export const DEFAULT_FAIL_TYPE = 'TacTestFailure';

/** Fails with `activityParams.fail.message` and failure type `activityParams.fail.type`. */
export function fail(params?: WorkflowParamsJson | null): Promise<never> {
  const message = param(params, 'fail', 'message') ?? DEFAULT_FAIL_MESSAGE;
  const type = param(params, 'fail', 'type') ?? DEFAULT_FAIL_TYPE;
  return Promise.reject(ApplicationFailure.nonRetryable(message, type));
}
