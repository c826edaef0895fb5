// Owns the `sleep` test workflow: a durable timer of `activityParams.sleep.duration`.
import { sleep as durableSleep } from '@temporalio/workflow';
import type { WorkflowParamsJson } from './params.js';
import { durationParamMs, param } from './params.js';

export const DEFAULT_SLEEP = '1s';

/** Sleeps for `activityParams.sleep.duration` (`"30s"`, `"1m"`, or milliseconds; default 1s). */
export async function sleep(params?: WorkflowParamsJson | null): Promise<{ sleptMs: number }> {
  const ms = durationParamMs(
    param(params, 'sleep', 'duration') ?? DEFAULT_SLEEP,
    'activityParams.sleep.duration',
  );
  await durableSleep(ms);
  return { sleptMs: ms };
}
