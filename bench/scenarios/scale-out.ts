// Owns the scale-out scenario (full runs): intents spread over many namespaces and one operator
// watching all of them, grown step by step (by default 1,000 → 10,000 → 100,000 over 100
// namespaces). At each step: how long the creates took, the operator's settled memory, its
// start-up to ready, GET and list latency of the REST API, and the time one changed intent takes
// to be reconciled. The largest step is judged (RSS ≤ 1 GB, start-up ≤ 20 s); every step goes into
// a growth figure.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Agent, request } from 'undici';
import { PatchStrategy, setHeaderOptions, type CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type TemporalActionIntent } from '../../common/model/types.js';
import { freePort } from '../../testenv/ports.js';
import { settledMemory, spawnProgram, waitHttpOk, waitIdle, type Child } from '../children.js';
import type { BenchContext, ScenarioMeta } from '../context.js';
import { BENCH_APP, BENCH_APP_VERSION, BENCH_PROJECT, intentName, intentSet } from '../intents.js';
import { BenchKubeError, createIntent, ensureNamespace, intentsApi, pool } from '../kube.js';
import type { ScenarioSamples } from '../result.js';
import { round, summarize } from '../stats.js';
import { escapeXml, niceTicks } from '../svg.js';

/** What the scale-out scenario grows to and how. */
export interface ScaleOutPlan {
  /** Total intents at each step, ascending; the last one is judged. */
  steps: number[];
  /** Namespaces the intents are spread over (the operator watches all namespaces). */
  namespaces: number;
  /** Creates in flight at once. */
  createConcurrency: number;
  /** Restarts timed per step. */
  startupSamples: number;
  /** Sequential REST requests timed per step (GET; the list takes a fifth as many). */
  latencySamples: number;
  /** Changed intents timed per step. */
  reconcileSamples: number;
  /** Longest wait for the operator to go idle after a step's creates, ms. */
  idleMaxMs: number;
}

export const SCALE_RSS_META: ScenarioMeta = {
  id: 'scale-out-rss',
  title: 'Scale-out: operator resident memory with 100,000 intents in 100 namespaces',
  unit: 'MB',
  better: 'lower',
  target: { kind: 'max', value: 1024, text: '≤ 1 GB' },
  parameters: { intents: 100_000, namespaces: 100 },
};

export const SCALE_STARTUP_META: ScenarioMeta = {
  id: 'scale-out-startup',
  title: 'Scale-out: operator start-up to ready with 100,000 intents in 100 namespaces',
  unit: 'ms',
  better: 'lower',
  target: { kind: 'max', value: 20_000, text: '≤ 20 s from process start to /readyz 200' },
  parameters: { intents: 100_000, namespaces: 100 },
};

export class ScaleOutError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScaleOutError';
  }
}

const NAMESPACE_PREFIX = 'tac-scale-';
const DIG_PREFIX = 'scale-out-';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

const namespaceName = (i: number): string => `${NAMESPACE_PREFIX}${String(i).padStart(3, '0')}`;
/** One DIG per namespace: a namespace's intents are one DIG (the REST list reads one of them). */
const digName = (i: number): string => `${DIG_PREFIX}${String(i).padStart(3, '0')}`;

/** What one step measured. */
export interface StepFigures {
  intents: number;
  /**
   * Intents in all namespaces, which the operator watches: this scenario's own (it deletes those
   * earlier scenarios left before it starts; the count shows it did).
   */
  watchedIntents: number;
  createMs: number;
  createsPerSecond: number;
  /** Creates until the operator was idle again (it reconciles while they are made), ms. */
  untilIdleMs: number;
  rssMb: number[];
  peakRssMb: number;
  startupMs: number[];
  getMs: number[];
  listMs: number[];
  listIntents: number;
  reconcileOneMs: number[];
}

interface ScaleOperator {
  child: Child;
  url: string;
  stop(): Promise<void>;
  restart(): Promise<number>;
}

async function startScaleOperator(ctx: BenchContext): Promise<ScaleOperator> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { info } = ctx.stack;
  const spawnOne = (): Child =>
    spawnProgram({
      name: 'operator-scale-out',
      argv: ctx.stack.launcher.argv('operator'),
      env: {
        ...ctx.stack.launcher.env,
        TEMPORAL_ADDRESS: info.temporalAddress,
        TEMPORAL_NAMESPACE: info.temporalNamespace,
        KUBECONFIG: info.kubeconfigPath,
        TAC_REST_HOST: '127.0.0.1',
        TAC_REST_PORT: String(port),
        TAC_REST_AUTH: 'none',
        TAC_LEADER_ELECT: 'false',
        // No TAC_WATCH_NAMESPACES: every namespace, one cluster-wide list and watch.
        TAC_DEFAULT_NAMESPACE: namespaceName(0),
        POD_NAME: 'bench-operator-scale-out',
        LOG_LEVEL: 'warn',
      },
      logDir: ctx.stack.logDir,
    });
  let child = spawnOne();
  await waitHttpOk(child, `${url}/readyz`, 120_000);
  return {
    get child() {
      return child;
    },
    url,
    stop: () => child.stop(),
    async restart() {
      await child.stop();
      child = spawnOne();
      const readyAt = await waitHttpOk(child, `${url}/readyz`, 300_000, 10);
      return readyAt - child.spawnedAt;
    },
  };
}

/** Creates intents `from`..`to`-1, spread round-robin over the namespaces, `concurrency` at a time. */
async function createRange(
  ctx: BenchContext,
  api: CustomObjectsApi,
  plan: ScaleOutPlan,
  from: number,
  to: number,
): Promise<number> {
  const t0 = performance.now();
  let created = 0;
  const indexes = Array.from({ length: to - from }, (_, k) => from + k);
  const report = Math.max(1000, Math.round((to - from) / 10));
  await pool(indexes, plan.createConcurrency, async (i) => {
    const ns = i % plan.namespaces;
    const [obj] = intentSet(
      { namespace: namespaceName(ns), dig: digName(ns), count: 1, clientPort: ctx.stack.clientPort },
      Math.floor(i / plan.namespaces),
    );
    if (obj === undefined) throw new ScaleOutError(`no intent object for index ${i}`);
    await createIntent(api, obj);
    if (++created % report === 0) ctx.log(`[bench]   scale-out: ${from + created}/${to} created`);
  });
  return performance.now() - t0;
}

/** Intents in all namespaces (one list of one item: the API server counts the rest). */
async function countIntents(api: CustomObjectsApi): Promise<number> {
  try {
    const list = (await api.listClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      limit: 1,
    })) as {
      items?: unknown[];
      metadata?: { remainingItemCount?: number };
    };
    return (list.items?.length ?? 0) + (list.metadata?.remainingItemCount ?? 0);
  } catch (err) {
    throw new BenchKubeError('cannot count the intents of all namespaces', { cause: err });
  }
}

/** Namespaces (other than this scenario's) that hold intents, read page by page. */
async function otherNamespacesWithIntents(api: CustomObjectsApi): Promise<Set<string>> {
  const found = new Set<string>();
  let token: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const list = (await api.listClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      limit: 500,
      _continue: token,
    })) as { items: TemporalActionIntent[]; metadata?: { continue?: string } };
    for (const obj of list.items) {
      const ns = obj.metadata.namespace ?? '';
      if (!ns.startsWith(NAMESPACE_PREFIX)) found.add(ns);
    }
    token = list.metadata?.continue || undefined;
    if (token === undefined) return found;
  }
  throw new ScaleOutError('listing the intents took more than 10,000 pages');
}

/**
 * Deletes the intents earlier scenarios of a full run left (about 10,000 after the memory
 * scenario), so that the operator watches exactly this scenario's intents. The benchmark's own
 * operator removes its finalizers; any still held after `graceMs` are cleared by hand.
 */
async function clearOtherIntents(ctx: BenchContext, api: CustomObjectsApi, graceMs: number): Promise<void> {
  const namespaces = await otherNamespacesWithIntents(api);
  if (namespaces.size === 0) return;
  const before = await countIntents(api);
  ctx.log(
    `[bench]   scale-out: deleting the ${before} intents earlier scenarios left in ${[...namespaces].join(', ')}`,
  );
  const base = { group: GROUP, version: VERSION, plural: PLURAL };
  for (const namespace of namespaces)
    await api.deleteCollectionNamespacedCustomObject({ ...base, namespace });
  const deadline = performance.now() + graceMs;
  for (let round = 0; round < 10_000; round++) {
    const left = await otherNamespacesWithIntents(api);
    if (left.size === 0) return;
    if (performance.now() > deadline) {
      for (const namespace of left) {
        const list = (await api.listNamespacedCustomObject({ ...base, namespace })) as {
          items: TemporalActionIntent[];
        };
        for (const obj of list.items)
          await api.patchNamespacedCustomObject(
            { ...base, namespace, name: obj.metadata.name ?? '', body: { metadata: { finalizers: null } } },
            mergePatch,
          );
      }
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new ScaleOutError(
    'the intents of earlier scenarios were still listed after 10,000 rounds of deleting them',
  );
}

/** Sequential requests on one keep-alive connection: ms per answer. */
async function timeRequests(url: string, count: number): Promise<number[]> {
  const agent = new Agent({ connections: 1 });
  const out: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const res = await request(url, { dispatcher: agent });
      await res.body.arrayBuffer();
      if (res.statusCode !== 200) throw new ScaleOutError(`${url} answered ${res.statusCode}`);
      out.push(performance.now() - t0);
    }
  } finally {
    await agent.close();
  }
  return out;
}

async function readIntent(
  api: CustomObjectsApi,
  namespace: string,
  name: string,
): Promise<TemporalActionIntent> {
  try {
    return (await api.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace,
      name,
    })) as TemporalActionIntent;
  } catch (err) {
    throw new BenchKubeError(`cannot read intent ${namespace}/${name}`, { cause: err });
  }
}

/**
 * Changes one intent's spec (its blocking timeout) and times until the operator's status reports
 * the new generation (observedGeneration), polling the API server every 10 ms (bounded).
 */
async function reconcileOne(
  api: CustomObjectsApi,
  namespace: string,
  name: string,
  n: number,
): Promise<number> {
  const t0 = performance.now();
  let patched: TemporalActionIntent;
  try {
    patched = (await api.patchNamespacedCustomObject(
      {
        group: GROUP,
        version: VERSION,
        plural: PLURAL,
        namespace,
        name,
        body: { spec: { hookBlockingTimeout: `${120 + n}s` } },
      },
      mergePatch,
    )) as TemporalActionIntent;
  } catch (err) {
    throw new BenchKubeError(`cannot change intent ${namespace}/${name}`, { cause: err });
  }
  const generation = patched.metadata.generation ?? 0;
  const deadline = t0 + 60_000;
  while (performance.now() < deadline) {
    const obj = await readIntent(api, namespace, name);
    if ((obj.status?.observedGeneration ?? 0) >= generation) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new ScaleOutError(`${namespace}/${name} was not reconciled at generation ${generation} within 60 s`);
}

async function measureStep(
  ctx: BenchContext,
  api: CustomObjectsApi,
  plan: ScaleOutPlan,
  op: ScaleOperator,
  intents: number,
  createMs: number,
): Promise<StepFigures> {
  const t0 = performance.now();
  await waitIdle(op.child.pid, plan.idleMaxMs);
  const untilIdleMs = createMs + (performance.now() - t0);
  const memory = await settledMemory(op.child.pid, { maxMs: 60_000 });
  const startupMs: number[] = [];
  for (let i = 0; i < plan.startupSamples; i++) {
    startupMs.push(await op.restart());
    // A fresh operator walks every intent once (nothing to write): let it finish first.
    await waitIdle(op.child.pid, plan.idleMaxMs);
  }
  const perNamespace = Math.floor(intents / plan.namespaces);
  const listPath =
    `/v2/projects/${BENCH_PROJECT}/composite-apps/${BENCH_APP}/${BENCH_APP_VERSION}` +
    `/deployment-intent-groups/${digName(0)}/temporal-action-controller`;
  const getPath = `${listPath}/${intentName(digName(0), Math.floor(perNamespace / 2))}`;
  // The first request of each builds what later ones reuse (encoded bodies): discarded.
  const getMs = (await timeRequests(`${op.url}${getPath}`, plan.latencySamples + 1)).slice(1);
  const listCount = Math.max(5, Math.round(plan.latencySamples / 5));
  const listMs = (await timeRequests(`${op.url}${listPath}`, listCount + 1)).slice(1);
  const reconcileOneMs: number[] = [];
  for (let n = 0; n < plan.reconcileSamples; n++) {
    const ns = n % plan.namespaces;
    reconcileOneMs.push(await reconcileOne(api, namespaceName(ns), intentName(digName(ns), 0), intents + n));
  }
  return {
    intents,
    watchedIntents: await countIntents(api),
    createMs: round(createMs, 0),
    createsPerSecond: 0,
    untilIdleMs: round(untilIdleMs, 0),
    rssMb: memory.values.map((v) => round(v, 1)),
    peakRssMb: round(memory.peakMb, 1),
    startupMs: startupMs.map((v) => round(v, 0)),
    getMs: getMs.map((v) => round(v, 2)),
    listMs: listMs.map((v) => round(v, 2)),
    listIntents: perNamespace,
    reconcileOneMs: reconcileOneMs.map((v) => round(v, 0)),
  };
}

/** Grows the intents through the plan's steps and measures each; returns every step's figures. */
export async function scaleOutSteps(ctx: BenchContext, plan: ScaleOutPlan): Promise<StepFigures[]> {
  const api = intentsApi(ctx.stack.kc);
  await clearOtherIntents(ctx, api, 120_000);
  for (let i = 0; i < plan.namespaces; i++) await ensureNamespace(ctx.stack.kc, namespaceName(i));
  const op = await startScaleOperator(ctx);
  const steps: StepFigures[] = [];
  try {
    let have = 0;
    for (const total of plan.steps) {
      ctx.log(`[bench]   scale-out: growing to ${total} intents over ${plan.namespaces} namespaces`);
      const createMs = await createRange(ctx, api, plan, have, total);
      const made = total - have;
      have = total;
      const step = await measureStep(ctx, api, plan, op, total, createMs);
      step.createsPerSecond = round(made / (createMs / 1000), 0);
      ctx.log(
        `[bench]   scale-out ${total} (${step.watchedIntents} watched): ${made} creates in ${step.createMs} ms (${step.createsPerSecond}/s), ` +
          `RSS ${median(step.rssMb)} MB, start-up ${median(step.startupMs)} ms, GET ${median(step.getMs)} ms, ` +
          `list ${median(step.listMs)} ms, one changed intent ${median(step.reconcileOneMs)} ms`,
      );
      steps.push(step);
    }
  } finally {
    await op.stop();
  }
  return steps;
}

function median(values: number[]): number {
  return round(summarize(values, 'scale-out figure').median, 2);
}

function growth(steps: StepFigures[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of steps) {
    out[`watchedIntentsAt${s.intents}`] = s.watchedIntents;
    out[`rssMbAt${s.intents}`] = median(s.rssMb);
    out[`startupMsAt${s.intents}`] = median(s.startupMs);
    out[`getMedianMsAt${s.intents}`] = median(s.getMs);
    out[`listMedianMsAt${s.intents}`] = median(s.listMs);
    out[`reconcileOneMsAt${s.intents}`] = median(s.reconcileOneMs);
    out[`createsPerSecondAt${s.intents}`] = s.createsPerSecond;
  }
  return out;
}

/** The two judged results (largest step) with every step's figures as side measurements. */
export function scaleOutSamples(plan: ScaleOutPlan, steps: StepFigures[]): ScenarioSamples[] {
  const last = steps[steps.length - 1];
  if (last === undefined) throw new ScaleOutError('the scale-out scenario measured no step');
  const parameters = { intents: last.intents, namespaces: plan.namespaces, steps: plan.steps.join(' → ') };
  const sizeNote =
    last.intents < 100_000
      ? [`Measured up to ${last.intents} intents, not 100,000: the plan of this run stopped there.`]
      : [];
  const common = {
    diagnostics: {
      ...growth(steps),
      listedDigIntents: last.listIntents,
      peakRssMb: last.peakRssMb,
      untilIdleMs: last.untilIdleMs,
    },
    notes: [
      `${plan.namespaces} namespaces, one DIG each; one operator watching all namespaces (one cluster-wide list and watch), REST authentication off. Creates ${plan.createConcurrency} at a time; the operator reconciles them as they come. Growth figure: figures/scale-out-growth.svg.`,
      last.watchedIntents === last.intents
        ? `The operator held exactly this scenario's ${last.intents} intents at the last step: the intents earlier scenarios left are deleted before it starts (watchedIntentsAt* per step).`
        : `The operator held ${last.watchedIntents} intents at the last step: these ${last.intents} and ${last.watchedIntents - last.intents} others (watchedIntentsAt* per step).`,
      ...sizeNote,
    ],
  };
  return [
    {
      ...SCALE_RSS_META,
      parameters,
      measured: {
        values: last.rssMb,
        warmup: 0,
        description: `VmRSS of the operator once idle and settled, ${last.intents} reconciled intents in ${plan.namespaces} namespaces`,
      },
      ...common,
    },
    {
      ...SCALE_STARTUP_META,
      parameters,
      measured: {
        values: last.startupMs,
        warmup: 0,
        description: `SIGTERM the operator, spawn it again, poll /readyz every 10 ms until 200; ${last.intents} intents in ${plan.namespaces} namespaces`,
      },
      ...common,
    },
  ];
}

/** A log-x growth chart: each figure relative to its value at the first step. */
export function growthSvg(steps: StepFigures[]): string {
  const series: Array<{ name: string; color: string; values: number[] }> = [
    { name: 'RSS', color: '#1f77b4', values: steps.map((s) => median(s.rssMb)) },
    { name: 'start-up', color: '#ff7f0e', values: steps.map((s) => median(s.startupMs)) },
    { name: 'GET latency', color: '#2ca02c', values: steps.map((s) => median(s.getMs)) },
    { name: 'list latency', color: '#d62728', values: steps.map((s) => median(s.listMs)) },
    { name: 'one changed intent', color: '#9467bd', values: steps.map((s) => median(s.reconcileOneMs)) },
  ];
  const width = 640;
  const height = 320;
  const left = 60;
  const right = 180;
  const top = 30;
  const bottom = 40;
  const xs = steps.map((s) => Math.log10(s.intents));
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs, xMin + 1);
  const rel = series.map((s) => s.values.map((v) => v / Math.max(s.values[0] ?? 1, 1e-9)));
  const yMax = Math.max(...rel.flat(), 1);
  const ticks = niceTicks(yMax);
  const yTop = ticks[ticks.length - 1] ?? yMax;
  const px = (x: number): number => left + ((x - xMin) / (xMax - xMin)) * (width - left - right);
  const py = (y: number): number => top + (1 - y / yTop) * (height - top - bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="${left}" y="16" font-size="13">${escapeXml('Scale-out: growth relative to the first step (log x)')}</text>`,
  ];
  for (const t of ticks) {
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${py(t)}" y2="${py(t)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${py(t) + 4}" text-anchor="end">${t}×</text>`,
    );
  }
  steps.forEach((s, i) => {
    const x = px(xs[i] ?? 0);
    parts.push(
      `<text x="${x}" y="${height - bottom + 16}" text-anchor="middle">${s.intents.toLocaleString('en')}</text>`,
    );
  });
  parts.push(`<text x="${(left + width - right) / 2}" y="${height - 6}" text-anchor="middle">intents</text>`);
  series.forEach((s, k) => {
    const points = (rel[k] ?? []).map((y, i) => `${px(xs[i] ?? 0)},${py(y)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points}"/>`);
    const first = s.values[0] ?? 0;
    const lastValue = s.values[s.values.length - 1] ?? 0;
    parts.push(
      `<rect x="${width - right + 10}" y="${top + k * 36 - 8}" width="10" height="10" fill="${s.color}"/>`,
      `<text x="${width - right + 26}" y="${top + k * 36 + 1}">${escapeXml(s.name)}</text>`,
      `<text x="${width - right + 26}" y="${top + k * 36 + 14}" fill="#555">${escapeXml(`${first} → ${lastValue}`)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Runs the scenario and writes its growth figure into `figuresDir`. */
export async function scaleOut(
  ctx: BenchContext,
  plan: ScaleOutPlan,
  figuresDir: string,
): Promise<{ samples: ScenarioSamples[]; steps: StepFigures[] }> {
  const steps = await scaleOutSteps(ctx, plan);
  await writeFile(path.join(figuresDir, 'scale-out-growth.svg'), growthSvg(steps));
  return { samples: scaleOutSamples(plan, steps), steps };
}
