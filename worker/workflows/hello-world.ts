// Owns the TAC demo's hello-world workflow: greets `activityParams.greet.name` through the
// `greet` activity and returns the greeting.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityOptionsFor } from './activity-options.js';
import type { WorkflowParamsJson } from './params.js';
import { param } from './params.js';

export const DEFAULT_GREETING_NAME = 'World';

/** Returns `Hello, <name>!`; the `greet` activity's options may come from `activityOptions.greet`. */
export async function helloWorld(params?: WorkflowParamsJson | null): Promise<string> {
  const name = param(params, 'greet', 'name') ?? DEFAULT_GREETING_NAME;
  const { greet } = proxyActivities<Activities>(
    activityOptionsFor(params, 'greet', { startToCloseTimeout: '1 minute', retry: { maximumAttempts: 5 } }),
  );
  return await greet(name);
}
