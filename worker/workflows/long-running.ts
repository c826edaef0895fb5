// Owns the `longRunning` test workflow: ticks until cancelled (or until an optional tick limit),
// answers the `progress` query, and on cancellation runs its cleanup activity in a
// non-cancellable scope before reporting itself cancelled.
import {
  CancellationScope,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityOptionsFor } from './activity-options.js';
import type { WorkflowParamsJson } from './params.js';
import { durationParamMs, param, positiveIntParam } from './params.js';

export type LongRunningState = 'running' | 'cleaning-up' | 'cleaned-up' | 'completed';

export interface LongRunningProgress {
  state: LongRunningState;
  ticks: number;
}

export const progressQuery = defineQuery<LongRunningProgress>('progress');

export const DEFAULT_TICK = '1s';

/**
 * Ticks every `activityParams.longRunning.tick` (default 1s). Ends normally after
 * `activityParams.longRunning.maxTicks` ticks when given; otherwise runs until cancelled, then
 * runs `longRunningCleanup` (not cancellable) and rethrows the cancellation.
 */
export async function longRunning(params?: WorkflowParamsJson | null): Promise<LongRunningProgress> {
  const tickMs = durationParamMs(
    param(params, 'longRunning', 'tick') ?? DEFAULT_TICK,
    'activityParams.longRunning.tick',
  );
  const maxTicksText = param(params, 'longRunning', 'maxTicks');
  const maxTicks =
    maxTicksText === undefined
      ? undefined
      : positiveIntParam(maxTicksText, 'activityParams.longRunning.maxTicks');
  const { longRunningCleanup } = proxyActivities<Activities>(
    activityOptionsFor(params, 'longRunningCleanup', {
      startToCloseTimeout: '1 minute',
      retry: { maximumAttempts: 3 },
    }),
  );

  const progress: LongRunningProgress = { state: 'running', ticks: 0 };
  setHandler(progressQuery, () => ({ ...progress }));

  try {
    while (maxTicks === undefined || progress.ticks < maxTicks) {
      await sleep(tickMs);
      progress.ticks += 1;
    }
    progress.state = 'completed';
    return { ...progress };
  } catch (err) {
    if (!isCancellation(err)) throw err;
    progress.state = 'cleaning-up';
    await CancellationScope.nonCancellable(() => longRunningCleanup({ ticks: progress.ticks }));
    progress.state = 'cleaned-up';
    throw err;
  }
}
