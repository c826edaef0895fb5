// Owns the inputs of the `migrate` workflow, read from EMCO's activityParams: the DIG from the
// `emco` group (the map TAC fills in), the app and target cluster from the `migrate` group, with
// EMCO's reference-workflow group `all-activities` accepted as a fallback.
import { ApplicationFailure } from '@temporalio/workflow';
import type { ClusterRef } from '../activities/dig-status.js';
import type { DigRef } from '../activities/emco-client.js';
import { ALL_ACTIVITIES } from './activity-options.js';
import type { WorkflowParamsJson } from './params.js';
import { durationParamMs, INVALID_PARAMS, param } from './params.js';

export interface MigrateInput {
  dig: DigRef;
  /** Only this app; every app of the DIG when absent. */
  app?: string;
  target: ClusterRef;
  readyTimeoutMs: number;
  pollIntervalMs: number;
  /** Restore the original placement (and update the DIG again) when a later step fails. */
  rollbackOnFailure: boolean;
  appcontextId?: string;
}

export const DEFAULT_READY_TIMEOUT = '10m';
export const DEFAULT_POLL_INTERVAL = '5s';

const GROUPS = ['migrate', 'emco', ALL_ACTIVITIES] as const;

/** First non-blank value of `key` in the groups, in order: migrate, emco, all-activities. */
function lookup(params: WorkflowParamsJson | null | undefined, ...keys: string[]): string | undefined {
  for (const group of GROUPS) {
    for (const key of keys) {
      const value = param(params, group, key);
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

/** Reads and checks the inputs; throws a non-retryable failure listing every missing parameter. */
export function migrateInputFromParams(params: WorkflowParamsJson | null | undefined): MigrateInput {
  const project = lookup(params, 'project');
  const compositeApp = lookup(params, 'compositeApp');
  const compositeAppVersion = lookup(params, 'compositeAppVersion');
  const deploymentIntentGroup = lookup(params, 'deploymentIntentGroup');
  const emcoURL = lookup(params, 'emcoURL');
  let provider = lookup(params, 'targetClusterProvider');
  let cluster = lookup(params, 'targetCluster', 'targetClusterName');
  if (cluster?.includes('+') === true && provider === undefined) {
    [provider, cluster] = cluster.split('+', 2) as [string, string];
  }

  const missing: string[] = [];
  if (project === undefined) missing.push('emco.project');
  if (compositeApp === undefined) missing.push('emco.compositeApp');
  if (compositeAppVersion === undefined) missing.push('emco.compositeAppVersion');
  if (deploymentIntentGroup === undefined) missing.push('emco.deploymentIntentGroup');
  if (provider === undefined) missing.push('migrate.targetClusterProvider');
  if (cluster === undefined) missing.push('migrate.targetCluster');
  if (
    missing.length > 0 ||
    project === undefined ||
    compositeApp === undefined ||
    compositeAppVersion === undefined ||
    deploymentIntentGroup === undefined ||
    provider === undefined ||
    cluster === undefined
  ) {
    throw ApplicationFailure.nonRetryable(
      `migrate: missing parameters in workflowParams.activityParams: ${missing.join(', ')}`,
      INVALID_PARAMS,
    );
  }

  const rollback = (param(params, 'migrate', 'rollbackOnFailure') ?? 'true').toLowerCase();
  if (rollback !== 'true' && rollback !== 'false') {
    throw ApplicationFailure.nonRetryable(
      `migrate: activityParams.migrate.rollbackOnFailure must be "true" or "false", got ${JSON.stringify(rollback)}`,
      INVALID_PARAMS,
    );
  }
  const app = param(params, 'migrate', 'app');
  const appcontextId = param(params, 'emco', 'appcontextId');
  return {
    dig: {
      ...(emcoURL === undefined ? {} : { emcoURL }),
      project,
      compositeApp,
      compositeAppVersion,
      deploymentIntentGroup,
    },
    ...(app === undefined ? {} : { app }),
    target: { clusterProvider: provider, cluster },
    readyTimeoutMs: durationParamMs(
      param(params, 'migrate', 'readyTimeout') ?? DEFAULT_READY_TIMEOUT,
      'activityParams.migrate.readyTimeout',
    ),
    pollIntervalMs: durationParamMs(
      param(params, 'migrate', 'pollInterval') ?? DEFAULT_POLL_INTERVAL,
      'activityParams.migrate.pollInterval',
    ),
    rollbackOnFailure: rollback === 'true',
    ...(appcontextId === undefined ? {} : { appcontextId }),
  };
}
