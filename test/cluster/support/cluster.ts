// Owns the cluster test run's shared cluster (started once by the root hooks, or the running
// `npm run cluster:up` one reused) and small helpers the cluster tests share: kubectl with
// manifests, waiting for a Deployment, timing lines in the log.
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fetch, type Dispatcher } from 'undici';
import { stringify } from 'yaml';
import { clusterAlive, startCluster, stopRecordedCluster } from '../../../testenv/cluster/cluster.js';
import { ENV_FILE, kubectl, readRecordedEnv, type RunningEnv } from '../../../testenv/env.js';
import type { ClusterInfo, EnvInfo } from '../../../testenv/types.js';
import { setTestEnv, waitFor } from '../../support/env.js';

let owned: RunningEnv | undefined;
let current: EnvInfo | undefined;
let starts = 0;

export const log = (m: string): void => console.error(m);

/** Starts a cluster and logs how long it took (the first start of a run is the cold one). */
export async function timedStart(): Promise<RunningEnv> {
  const started = Date.now();
  const env = await startCluster({ log: (m) => (m.startsWith('[cluster]') ? log(m) : undefined) });
  starts += 1;
  log(
    `[cluster-tests] cluster start #${starts} of this run (${starts === 1 ? 'cold' : 'warm'}): ${Date.now() - started} ms`,
  );
  return env;
}

export async function acquireSharedCluster(): Promise<void> {
  const recorded = process.env.TAC_TESTENV_FRESH === '1' ? undefined : await readRecordedEnv();
  if (recorded !== undefined && clusterAlive(recorded)) {
    log('[cluster-tests] reusing the cluster of npm run cluster:up');
    current = recorded;
  } else {
    owned = await timedStart();
    current = owned.info;
  }
  setTestEnv(current);
}

/**
 * Stops the shared cluster if this run started it. With `evenRecorded` a reused `cluster:up`
 * cluster is stopped too (and no longer recorded): the teardown test needs the machine clean.
 */
export async function releaseSharedCluster(evenRecorded = false): Promise<EnvInfo | undefined> {
  const info = current;
  if (owned === undefined && !evenRecorded) return undefined;
  setTestEnv(undefined);
  current = undefined;
  if (owned !== undefined) {
    const env = owned;
    owned = undefined;
    await env.stop();
  } else if (info !== undefined) {
    await stopRecordedCluster(info, log);
    await rm(ENV_FILE, { force: true });
  }
  return info;
}

export function sharedCluster(): EnvInfo & { cluster: ClusterInfo } {
  const info = current;
  if (info?.cluster === undefined)
    throw new Error('no shared cluster: run these tests with .mocharc.cluster.json');
  return info as EnvInfo & { cluster: ClusterInfo };
}

export function freshName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** `kubectl apply` of manifest objects. */
export async function apply(info: EnvInfo, docs: Record<string, unknown>[]): Promise<void> {
  const file = path.join(info.workDir, `${freshName('manifest')}.yaml`);
  await writeFile(file, docs.map((d) => stringify(d)).join('---\n'));
  await kubectl(info, ['apply', '-f', file]);
}

export async function getJson<T>(info: EnvInfo, args: string[]): Promise<T> {
  return JSON.parse(await kubectl(info, ['get', ...args, '-o', 'json'])) as T;
}

interface DeploymentStatus {
  spec?: { replicas?: number };
  status?: { availableReplicas?: number; updatedReplicas?: number; replicas?: number };
}

/** Waits until every replica of a Deployment is updated and available; returns the wait in ms. */
export async function waitDeploymentAvailable(
  info: EnvInfo,
  namespace: string,
  name: string,
  timeoutMs = 180_000,
): Promise<number> {
  const started = Date.now();
  try {
    await waitFor(
      async () => {
        const d = await getJson<DeploymentStatus>(info, ['deployment', name, '-n', namespace]);
        const want = d.spec?.replicas ?? 1;
        const s = d.status ?? {};
        return s.availableReplicas === want && s.updatedReplicas === want && s.replicas === want;
      },
      { what: `deployment ${namespace}/${name} available`, timeoutMs, intervalMs: 500 },
    );
  } catch (err) {
    const pods = await kubectl(info, ['get', 'pods', '-n', namespace, '-o', 'wide']).catch(String);
    const events = await kubectl(info, ['get', 'events', '-n', namespace, '--sort-by=.lastTimestamp']).catch(
      String,
    );
    throw new Error(
      `deployment ${namespace}/${name} not available:\n${pods}\n${events.split('\n').slice(-15).join('\n')}`,
      {
        cause: err,
      },
    );
  }
  return Date.now() - started;
}

interface PodList {
  items: {
    metadata: { name: string; creationTimestamp: string };
    status?: { conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
  }[];
}

/** Logs, per Pod matching `selector`, the seconds from creation to Ready (API timestamps). */
export async function logPodStartTimes(info: EnvInfo, namespace: string, selector: string): Promise<void> {
  const pods = await getJson<PodList>(info, ['pods', '-n', namespace, '-l', selector]);
  for (const pod of pods.items) {
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
    if (ready?.lastTransitionTime === undefined) continue;
    const s = (Date.parse(ready.lastTransitionTime) - Date.parse(pod.metadata.creationTimestamp)) / 1000;
    log(`[cluster-tests] pod ${namespace}/${pod.metadata.name} created to Ready: ${s} s`);
  }
}

/**
 * Waits until `url` (a ClusterIP address) answers HTTP 200 from the host: kube-proxy programs a
 * Service's rules a moment after its endpoints are ready, so a Deployment being Available is
 * not yet enough.
 */
/** `dispatcher`: e.g. an Agent trusting the Service's certificate for an https URL. */
export async function waitServiceAnswers(
  url: string,
  timeoutMs = 30_000,
  dispatcher?: Dispatcher,
): Promise<void> {
  const extra = dispatcher !== undefined ? { dispatcher } : {};
  await waitFor(async () => (await fetch(url, { ...extra, signal: AbortSignal.timeout(2000) })).ok, {
    what: `${url} answering through kube-proxy`,
    timeoutMs,
    intervalMs: 250,
  });
}
