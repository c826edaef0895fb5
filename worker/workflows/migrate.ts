// Owns the `migrate` workflow, EMCO's app-migration reference: moves a stateless app of a DIG to
// another cluster through EMCO's REST API (read placement, point it at the target, update the DIG,
// wait until EMCO reports it ready), each step an activity with retries. When a step after the
// placement change fails, the original placement is restored before the workflow fails.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import type { ClusterRef, DigReadiness } from '../activities/dig-status.js';
import type { Activities } from '../activities/index.js';
import type { AppPlacement } from '../activities/migrate.js';
import { activityOptionsFor } from './activity-options.js';
import type { MigrateInput } from './migrate-params.js';
import { migrateInputFromParams } from './migrate-params.js';
import type { WorkflowParamsJson } from './params.js';

export type MigrateStep =
  | 'started'
  | 'getAppPlacement'
  | 'updateAppPlacement'
  | 'updateDig'
  | 'waitReady'
  | 'rollback'
  | 'completed'
  | 'failed';

export interface MigrateProgress {
  step: MigrateStep;
  apps: string[];
  lastStatus?: string;
}

export interface MigrateResult {
  apps: string[];
  /** Clusters the apps' intents named before the migration (`provider+cluster`). */
  from: string[];
  to: string;
  /** False when the placement already named only the target. */
  changed: boolean;
  readiness: DigReadiness;
}

/** Failure type of a migration that did not complete. */
export const MIGRATE_FAILED = 'MigrateFailed';

export const progressQuery = defineQuery<MigrateProgress>('progress');

const DEFAULT_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
  },
};

function targetIntent(target: ClusterRef): Record<string, unknown> {
  return { allOf: [{ clusterProvider: target.clusterProvider, cluster: target.cluster }] };
}

/** Cluster names an intent selects, from its allOf and anyOf lists (labels shown as such). */
function clustersOf(intent: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of ['allOf', 'anyOf']) {
    const list = intent[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (typeof item !== 'object' || item === null) continue;
      const entry = item as Record<string, unknown>;
      const provider = typeof entry['clusterProvider'] === 'string' ? entry['clusterProvider'] : '';
      const name = typeof entry['cluster'] === 'string' ? entry['cluster'] : '';
      const label = typeof entry['clusterLabel'] === 'string' ? entry['clusterLabel'] : '';
      out.push(name !== '' ? `${provider}+${name}` : `${provider}+label:${label}`);
    }
  }
  return out;
}

function onlyTarget(placement: AppPlacement, target: ClusterRef): boolean {
  const clusters = clustersOf(placement.intent);
  return (
    clusters.length === 1 &&
    clusters[0] === `${target.clusterProvider}+${target.cluster}` &&
    !('anyOf' in placement.intent)
  );
}

/** The innermost useful message of a failure (an activity's own message rather than the wrapper's). */
function reason(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause instanceof Error) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** Moves an app (or every app) of a DIG to `migrate.targetClusterProvider`+`migrate.targetCluster`. */
export async function migrate(params?: WorkflowParamsJson | null): Promise<MigrateResult> {
  const input: MigrateInput = migrateInputFromParams(params);
  const acts = (name: keyof Activities) =>
    proxyActivities<Activities>(activityOptionsFor(params, name, DEFAULT_ACTIVITY_OPTIONS));
  const { emcoGetAppPlacement } = acts('emcoGetAppPlacement');
  const { emcoUpdateAppPlacement } = acts('emcoUpdateAppPlacement');
  const { emcoUpdateDig } = acts('emcoUpdateDig');
  const { emcoGetDigStatus } = acts('emcoGetDigStatus');

  const progress: MigrateProgress = { step: 'started', apps: input.app === undefined ? [] : [input.app] };
  setHandler(progressQuery, () => ({ ...progress, apps: [...progress.apps] }));
  const to = `${input.target.clusterProvider}+${input.target.cluster}`;

  progress.step = 'getAppPlacement';
  let placements: AppPlacement[];
  try {
    placements = await emcoGetAppPlacement({
      dig: input.dig,
      ...(input.app === undefined ? {} : { app: input.app }),
    });
  } catch (err) {
    progress.step = 'failed';
    throw failure(`migrate to ${to} failed at getAppPlacement: ${reason(err)}`, 'getAppPlacement', err);
  }
  const apps = [...new Set(placements.map((p) => p.app))];
  progress.apps = apps;
  const from = [...new Set(placements.flatMap((p) => clustersOf(p.intent)))];
  const toChange = placements.filter((p) => !onlyTarget(p, input.target));

  const updated: AppPlacement[] = [];
  let digUpdateRequested = false;
  try {
    if (toChange.length > 0) {
      progress.step = 'updateAppPlacement';
      for (const placement of toChange) {
        await emcoUpdateAppPlacement({ dig: input.dig, placement, intent: targetIntent(input.target) });
        updated.push(placement);
      }
      progress.step = 'updateDig';
      digUpdateRequested = true;
      await emcoUpdateDig({ dig: input.dig });
    }

    progress.step = 'waitReady';
    const deadline = Date.now() + input.readyTimeoutMs;
    for (;;) {
      const readiness = await emcoGetDigStatus({ dig: input.dig, apps, target: input.target });
      progress.lastStatus = readiness.detail;
      if (readiness.ready) {
        progress.step = 'completed';
        return { apps, from, to, changed: toChange.length > 0, readiness };
      }
      if (readiness.failed) {
        throw ApplicationFailure.nonRetryable(
          `EMCO reports the DIG failed: ${readiness.detail}`,
          MIGRATE_FAILED,
        );
      }
      if (Date.now() >= deadline) {
        throw ApplicationFailure.nonRetryable(
          `DIG not ready after ${input.readyTimeoutMs} ms: ${readiness.detail}`,
          MIGRATE_FAILED,
        );
      }
      await sleep(Math.min(input.pollIntervalMs, Math.max(deadline - Date.now(), 1)));
    }
  } catch (err) {
    const failedStep = progress.step;
    let note = '';
    if (input.rollbackOnFailure && updated.length > 0) {
      progress.step = 'rollback';
      note = await CancellationScope.nonCancellable(async () => {
        try {
          for (const placement of updated) {
            await emcoUpdateAppPlacement({ dig: input.dig, placement, intent: placement.intent });
          }
          if (digUpdateRequested) await emcoUpdateDig({ dig: input.dig });
          return '; original placement restored';
        } catch (rollbackErr) {
          return `; restoring the original placement also failed: ${reason(rollbackErr)}`;
        }
      });
    }
    progress.step = 'failed';
    if (isCancellation(err)) throw err;
    throw failure(
      `migrate of ${apps.join(', ')} to ${to} failed at ${failedStep}: ${reason(err)}${note}`,
      failedStep,
      err,
    );
  }
}

function failure(message: string, step: MigrateStep, cause: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    message,
    type: MIGRATE_FAILED,
    nonRetryable: true,
    details: [{ step }],
    ...(cause instanceof Error ? { cause } : {}),
  });
}
