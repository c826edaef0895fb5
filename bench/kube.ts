// Owns the benchmark's Kubernetes side: the CRD install, namespaces, bulk creation of intents with
// bounded concurrency, waiting (by watch) until a set of intents is reconciled, and the API
// server's own request counters for the intents resource.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { promisify } from 'node:util';
import { ApiextensionsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, Watch } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type TemporalActionIntent } from '../common/model/types.js';
import { REPO_ROOT } from '../testenv/env.js';
import type { EnvInfo } from '../testenv/types.js';
import { SET_LABEL } from './intents.js';

const run = promisify(execFile);

export class BenchKubeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BenchKubeError';
  }
}

export function adminKubeConfig(info: EnvInfo): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(info.kubeconfigPath);
  kc.setCurrentContext('admin');
  return kc;
}

/**
 * Applies crds/ (server-side) and waits, polling for at most 90 s, until the CRD is Established
 * and the API server lists the resource (a `kubectl wait` right after the apply can fail on a
 * busy machine while the CRD is still being registered).
 */
export async function installCrd(info: EnvInfo): Promise<void> {
  try {
    await run(
      info.kubectlPath,
      [
        '--kubeconfig',
        info.kubeconfigPath,
        '--context',
        'admin',
        'apply',
        '--server-side',
        '--force-conflicts',
        '-f',
        path.join(REPO_ROOT, 'crds'),
      ],
      { timeout: 90_000 },
    );
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new BenchKubeError(`kubectl apply of crds/ failed: ${stderr.trim()}`, { cause: err });
  }
  const kc = adminKubeConfig(info);
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const api = intentsApi(kc);
  const deadline = performance.now() + 90_000;
  let last: unknown;
  for (;;) {
    try {
      const crd = await ext.readCustomResourceDefinition({ name: `${PLURAL}.${GROUP}` });
      const established = crd.status?.conditions?.some(
        (c) => c.type === 'Established' && c.status === 'True',
      );
      if (established === true) {
        await api.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, limit: 1 });
        return;
      }
    } catch (err) {
      last = err;
    }
    if (performance.now() > deadline) {
      throw new BenchKubeError('the TemporalActionIntent CRD was not served within 90 s', { cause: last });
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Creates the namespace unless it exists. */
export async function ensureNamespace(kc: KubeConfig, name: string): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  try {
    await core.createNamespace({ body: { metadata: { name } } });
  } catch (err) {
    if ((err as { code?: number }).code !== 409) {
      throw new BenchKubeError(`cannot create namespace ${name}`, { cause: err });
    }
  }
}

/** Runs `task` over `items` with at most `concurrency` at once; rejects with the first failure. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export function intentsApi(kc: KubeConfig): CustomObjectsApi {
  return kc.makeApiClient(CustomObjectsApi);
}

export async function createIntent(
  api: CustomObjectsApi,
  obj: TemporalActionIntent,
): Promise<TemporalActionIntent> {
  try {
    return (await api.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace: obj.metadata.namespace ?? '',
      body: obj,
    })) as TemporalActionIntent;
  } catch (err) {
    throw new BenchKubeError(
      `cannot create intent ${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`,
      {
        cause: err,
      },
    );
  }
}

/** The operator's notion of done: status computed from the current generation, and Ready=True for it. */
export function reconciled(obj: TemporalActionIntent): boolean {
  const generation = obj.metadata?.generation;
  const status = obj.status;
  if (generation === undefined || status?.observedGeneration !== generation) return false;
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'True' && ready.observedGeneration === generation;
}

export interface ReadyWatch {
  /** Resolves with performance.now() of the event that made the `count`-th intent reconciled. */
  done: Promise<number>;
  /** How many are reconciled now. */
  readyCount(): number;
  stop(): void;
}

interface IntentList {
  metadata?: { resourceVersion?: string };
  items: TemporalActionIntent[];
}

/**
 * Watches the intents of one set (label) in `namespace` until `count` of them are reconciled.
 * Start it before creating them. Re-lists and re-watches when the watch ends; fails at the deadline.
 */
export function watchUntilReconciled(
  kc: KubeConfig,
  namespace: string,
  set: string,
  count: number,
  timeoutMs: number,
): ReadyWatch {
  const ready = new Set<string>();
  const api = intentsApi(kc);
  const watch = new Watch(kc);
  let controller: AbortController | undefined;
  let stopped = false;
  let resolveDone: (t: number) => void = () => {};
  let rejectDone: (e: unknown) => void = () => {};
  const done = new Promise<number>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const labelSelector = `${SET_LABEL}=${set}`;
  const see = (obj: TemporalActionIntent, deleted = false): void => {
    const name = obj.metadata?.name ?? '';
    if (!deleted && reconciled(obj)) ready.add(name);
    else ready.delete(name);
    if (ready.size >= count && !stopped) {
      const at = performance.now();
      stop();
      resolveDone(at);
    }
  };
  const timer = setTimeout(() => {
    stop();
    rejectDone(
      new BenchKubeError(`${ready.size} of ${count} intents of set ${set} reconciled after ${timeoutMs} ms`),
    );
  }, timeoutMs);
  function stop(): void {
    stopped = true;
    clearTimeout(timer);
    controller?.abort();
  }
  const start = async (): Promise<void> => {
    const list = (await api.listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace,
      labelSelector,
    })) as IntentList;
    for (const obj of list.items) see(obj);
    if (stopped) return;
    controller = await watch.watch(
      `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`,
      { labelSelector, resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: false },
      (phase, obj: TemporalActionIntent) => see(obj, phase === 'DELETED'),
      () => {
        if (!stopped) setTimeout(() => void start().catch(fail), 100);
      },
    );
  };
  const fail = (err: unknown): void => {
    stop();
    rejectDone(new BenchKubeError(`watching intents of set ${set} failed`, { cause: err }));
  };
  void start().catch(fail);
  return { done, readyCount: () => ready.size, stop };
}

/** Counts of the API server's requests on the intents resource, by verb (+ subresource). */
export type ApiCalls = Record<string, number>;

/** Reads apiserver_request_total for temporalactionintents from the API server's /metrics. */
export async function intentApiCalls(info: EnvInfo): Promise<ApiCalls> {
  const ca = await readFile(info.caPath);
  const token = info.identities.admin?.token ?? '';
  const body = await new Promise<string>((resolve, reject) => {
    const req = https.get(
      `${info.kubeApiUrl}/metrics`,
      { ca, headers: { authorization: `Bearer ${token}` }, timeout: 10_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(text)
            : reject(new BenchKubeError(`/metrics answered ${res.statusCode}`)),
        );
      },
    );
    req.on('timeout', () => req.destroy(new BenchKubeError('/metrics timed out')));
    req.on('error', reject);
  });
  const out: ApiCalls = {};
  for (const line of body.split('\n')) {
    if (!line.startsWith('apiserver_request_total{') || !line.includes(`resource="${PLURAL}"`)) continue;
    const labels = Object.fromEntries(
      // eslint-disable-next-line regexp/no-super-linear-move -- the local API server's own metrics, not outside input
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    const key = `${labels.verb ?? '?'}${labels.subresource ? `/${labels.subresource}` : ''}`;
    out[key] = (out[key] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return out;
}

/** after − before, per key, dropping zeros. */
export function callDelta(before: ApiCalls, after: ApiCalls): ApiCalls {
  const out: ApiCalls = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

/** When the watch first showed each step of an intent's first run (performance.now()). */
export interface RunSteps {
  requested?: number;
  running?: number;
  finished?: number;
}

export interface RunStepWatch {
  steps: Map<string, RunSteps>;
  stop(): void;
}

/**
 * Watches every intent of `namespace` and notes, per intent name, when the run request
 * annotation, a Running last run and a finished last run first appeared. Resolves once watching.
 */
export async function watchRunSteps(
  kc: KubeConfig,
  namespace: string,
  annotation: string,
): Promise<RunStepWatch> {
  const api = intentsApi(kc);
  const list = (await api.listNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: PLURAL,
    namespace,
    limit: 1,
  })) as IntentList;
  const steps = new Map<string, RunSteps>();
  const controller = await new Watch(kc).watch(
    `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`,
    { resourceVersion: list.metadata?.resourceVersion },
    (_phase, obj: TemporalActionIntent) => {
      const now = performance.now();
      const name = obj.metadata?.name ?? '';
      const s = steps.get(name) ?? {};
      steps.set(name, s);
      if (s.requested === undefined && obj.metadata?.annotations?.[annotation] !== undefined)
        s.requested = now;
      const phase = obj.status?.lastRun?.phase;
      if (s.running === undefined && phase === 'Running') s.running = now;
      if (s.finished === undefined && phase !== undefined && phase !== 'Pending' && phase !== 'Running') {
        s.finished = now;
      }
    },
    () => {},
  );
  return { steps, stop: () => controller.abort() };
}

/** Deletes the intents of one set (label) and waits until the API server no longer lists them. */
export async function deleteSet(
  kc: KubeConfig,
  namespace: string,
  set: string,
  timeoutMs: number,
): Promise<void> {
  const api = intentsApi(kc);
  const labelSelector = `${SET_LABEL}=${set}`;
  const base = { group: GROUP, version: VERSION, plural: PLURAL, namespace };
  await api.deleteCollectionNamespacedCustomObject({ ...base, labelSelector });
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const list = (await api.listNamespacedCustomObject({ ...base, labelSelector, limit: 1 })) as IntentList;
    if (list.items.length === 0) return;
    if (performance.now() > deadline) {
      throw new BenchKubeError(`intents of set ${set} still listed ${timeoutMs} ms after their deletion`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
