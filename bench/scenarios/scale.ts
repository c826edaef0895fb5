// Owns the scenarios about many intents: reconcile throughput (1,000 creates until each is
// reconciled, vs. a client-node loop doing the same creates and one status patch each in an
// unwatched namespace), the operator's resident memory with 1,000 and 10,000 intents, and its
// start-up time with 1,000 and 10,000 intents.
import { PatchStrategy, setHeaderOptions, type CustomObjectsApi } from '@kubernetes/client-node';
import {
  GROUP,
  PLURAL,
  VERSION,
  type TaiStatus,
  type TemporalActionIntent,
} from '../../common/model/types.js';
import { finalizeStatus } from '../../operator/controller/run-status.js';
import { tsxLauncher, type Launcher } from '../build.js';
import { settledMemory, type SettledMemory } from '../children.js';
import { callFields, since, startMeter, type BenchContext, type ScenarioMeta } from '../context.js';
import { intentSet } from '../intents.js';
import {
  BenchKubeError,
  createIntent,
  deleteSet,
  ensureNamespace,
  intentsApi,
  pool,
  watchUntilReconciled,
} from '../kube.js';
import type { ScenarioSamples } from '../result.js';
import { round, summarize } from '../stats.js';
import { BASELINE_NAMESPACE, OPERATOR_NAMESPACE } from '../stack.js';

export const RECONCILE_META: ScenarioMeta = {
  id: 'reconcile-throughput',
  title: 'Reconcile throughput: 1,000 intents created until each is reconciled',
  unit: 'ms',
  better: 'lower',
  target: { kind: 'ratio-max', value: 1.0, text: 'median ≤ 1.0× baseline' },
  parameters: { intents: 1000 },
};

export const MEMORY_SMALL_META: ScenarioMeta = {
  id: 'memory-1k',
  title: 'Operator resident memory with 1,000 intents',
  unit: 'MB',
  better: 'lower',
  target: { kind: 'max', value: 150, text: '≤ 150 MB' },
  parameters: { intents: 1000 },
};

export const MEMORY_LARGE_META: ScenarioMeta = {
  id: 'memory-10k',
  title: 'Operator resident memory with 10,000 intents',
  unit: 'MB',
  better: 'lower',
  target: { kind: 'max', value: 150, text: '≤ 150 MB' },
  parameters: { intents: 10_000 },
};

export const STARTUP_META: ScenarioMeta = {
  id: 'startup',
  title: 'Operator start-up to ready with 1,000 intents',
  unit: 'ms',
  better: 'lower',
  target: { kind: 'max', value: 3000, text: '≤ 3 s from process start to /readyz 200' },
  parameters: { intents: 1000 },
};

export const STARTUP_LARGE_META: ScenarioMeta = {
  id: 'startup-10k',
  title: 'Operator start-up to ready with 10,000 intents',
  unit: 'ms',
  better: 'lower',
  target: { kind: 'max', value: 3000, text: '≤ 3 s from process start to /readyz 200' },
  parameters: { intents: 10_000 },
};

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

async function patchStatus(
  api: CustomObjectsApi,
  obj: TemporalActionIntent,
  status: TaiStatus,
): Promise<void> {
  try {
    await api.patchNamespacedCustomObjectStatus(
      {
        group: GROUP,
        version: VERSION,
        plural: PLURAL,
        namespace: obj.metadata.namespace ?? '',
        name: obj.metadata.name ?? '',
        body: { status },
      },
      mergePatch,
    );
  } catch (err) {
    throw new BenchKubeError(`cannot patch the status of ${obj.metadata.name ?? ''}`, { cause: err });
  }
}

export interface ReconcileRun {
  measuredMs: number;
  baselineMs: number;
  diagnostics: Record<string, number>;
}

/**
 * One run: the baseline set in the unwatched namespace (create, then patch the status the operator
 * would write), then the measured set in the operator's namespace, timed from the first create
 * until the watch has seen every intent reconciled.
 */
export async function reconcileRun(
  ctx: BenchContext,
  run: number | 'warmup',
  intents = ctx.sizes.reconcile.intents,
): Promise<ReconcileRun> {
  const { concurrency, timeoutMs } = ctx.sizes.reconcile;
  const api = intentsApi(ctx.stack.kc);
  const clientPort = ctx.stack.clientPort;
  const name = typeof run === 'number' ? `r${run}` : run;

  const baseObjs = intentSet({
    namespace: BASELINE_NAMESPACE,
    dig: `base-${name}`,
    count: intents,
    clientPort,
  });
  const b0 = performance.now();
  await pool(baseObjs, concurrency, async (o) => {
    const created = await createIntent(api, o);
    await patchStatus(api, created, finalizeStatus(created, {}, new Date()));
  });
  const baselineMs = since(b0);

  const dig = `scale-${name}`;
  const objs = intentSet({ namespace: OPERATOR_NAMESPACE, dig, count: intents, clientPort });
  const watch = watchUntilReconciled(ctx.stack.kc, OPERATOR_NAMESPACE, dig, intents, timeoutMs);
  const meter = await startMeter(ctx);
  const t0 = performance.now();
  await pool(objs, concurrency, async (o) => {
    await createIntent(api, o);
  });
  const createdMs = since(t0);
  const doneAt = await watch.done;
  const measuredMs = doneAt - t0;
  const used = await meter.stop();
  return {
    measuredMs,
    baselineMs,
    diagnostics: {
      createPhaseMs: round(createdMs, 0),
      afterLastCreateMs: round(measuredMs - createdMs, 0),
      operatorCpuMsPerIntent: round(used.cpuMs / intents, 2),
      ...callFields(used.calls, intents, 'apiCallsPerIntent'),
    },
  };
}

/**
 * The discarded warm-up: a smaller run on both sides (a fresh operator process and API server are
 * slower at first), after which the operator's warm-up intents are deleted again so the memory and
 * start-up scenarios find exactly the measured intents.
 */
export async function reconcileWarmup(ctx: BenchContext): Promise<void> {
  await reconcileRun(ctx, 'warmup', ctx.sizes.reconcile.warmupIntents);
  await deleteSet(ctx.stack.kc, OPERATOR_NAMESPACE, 'scale-warmup', 120_000);
}

export function reconcileSamples(ctx: BenchContext, runs: ReconcileRun[]): ScenarioSamples {
  const { intents, concurrency } = ctx.sizes.reconcile;
  const diagnostics: Record<string, number> = {};
  for (const r of runs) {
    for (const [k, v] of Object.entries(r.diagnostics))
      diagnostics[k] = (diagnostics[k] ?? 0) + v / runs.length;
  }
  for (const k of Object.keys(diagnostics)) diagnostics[k] = round(diagnostics[k] ?? 0, 2);
  return {
    ...RECONCILE_META,
    parameters: { intents, concurrency, runs: runs.length },
    measured: {
      values: runs.map((r) => r.measuredMs),
      warmup: 1,
      description: `${intents} creates (${concurrency} at a time) in the watched namespace, until every intent has status.observedGeneration = generation and Ready=True`,
    },
    baseline: {
      values: runs.map((r) => r.baselineMs),
      warmup: 1,
      description: `@kubernetes/client-node loop: the same ${intents} creates (${concurrency} at a time), each followed by one status merge patch, in an unwatched namespace`,
    },
    diagnostics,
    notes: [
      `One warm-up run of ${ctx.sizes.reconcile.warmupIntents} intents on each side is discarded (its operator-side intents are deleted again). In --quick and full runs alike, run 1 comes first and later runs come after the lifecycle scenarios.`,
    ],
  };
}

/** The operator's settled resident memory (see settledMemory). */
export function operatorMemory(ctx: BenchContext): Promise<SettledMemory> {
  return settledMemory(ctx.stack.operator().pid, {
    window: ctx.sizes.memory.readings,
    maxMs: ctx.sizes.memory.settleMaxMs,
  });
}

const MEMORY_DESCRIPTION =
  "VmRSS of the operator process (/proc/<pid>/status) once idle and settled: read every second until V8's memory reducer has shrunk the heap and the readings are stable (at most 60 s, 40 s in --quick); the last readings kept";

function memoryDiagnostics(m: SettledMemory): Record<string, number | string> {
  return {
    firstIdleRssMb: round(m.firstIdleMb, 1),
    peakRssMb: round(m.peakMb, 1),
    settleMs: round(m.settleMs, 0),
    heapShrankWhileWatched: m.reduced ? 'yes' : `no (${Math.round(m.settleMs / 1000)} s deadline)`,
  };
}

export function memorySmallSamples(
  intents: number,
  m: SettledMemory,
  fixed: Record<string, number | string>,
): ScenarioSamples {
  return {
    ...MEMORY_SMALL_META,
    parameters: { intents },
    measured: {
      values: m.values,
      warmup: 0,
      description: `${MEMORY_DESCRIPTION}; ${intents} reconciled intents`,
    },
    diagnostics: { ...memoryDiagnostics(m), ...fixed },
    notes: [
      'The same process went through the reconcile throughput scenario just before: its peak (VmHWM) shows that burst.',
    ],
  };
}

/** Intents in the operator's namespace now. */
async function countIntents(api: CustomObjectsApi): Promise<number> {
  const list = (await api.listNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: PLURAL,
    namespace: OPERATOR_NAMESPACE,
  })) as { items: unknown[] };
  return list.items.length;
}

/** Creates intents (set `bulk`) until the namespace holds `total`, and waits until all are reconciled. */
export async function growTo(ctx: BenchContext, total: number): Promise<number> {
  const api = intentsApi(ctx.stack.kc);
  const existing = await countIntents(api);
  const count = total - existing;
  if (count <= 0) return existing;
  const dig = 'bulk';
  const watch = watchUntilReconciled(ctx.stack.kc, OPERATOR_NAMESPACE, dig, count, 900_000);
  const objs = intentSet({ namespace: OPERATOR_NAMESPACE, dig, count, clientPort: ctx.stack.clientPort });
  const t0 = performance.now();
  let created = 0;
  await pool(objs, 8, async (o) => {
    await createIntent(api, o);
    if (++created % 1000 === 0)
      ctx.log(`[bench]   ${created}/${count} created, ${watch.readyCount()} reconciled`);
  });
  await watch.done;
  ctx.log(`[bench]   ${count} more intents reconciled in ${Math.round(since(t0))} ms`);
  return countIntents(api);
}

export function memoryLargeSamples(
  ctx: BenchContext,
  small: { intents: number; values: number[] },
  large: { intents: number; memory: SettledMemory },
): ScenarioSamples {
  const nominal = ctx.sizes.memory.nominalLarge;
  const extrapolate = large.intents < nominal;
  return {
    ...MEMORY_LARGE_META,
    parameters: { intents: large.intents, nominalIntents: nominal },
    measured: {
      values: large.memory.values,
      warmup: 0,
      description: `${MEMORY_DESCRIPTION}; ${large.intents} reconciled intents`,
    },
    ...(extrapolate
      ? {
          extrapolateTo: {
            x: nominal,
            points: [
              { x: small.intents, values: small.values },
              { x: large.intents, values: large.memory.values },
            ],
          },
        }
      : {}),
    diagnostics: memoryDiagnostics(large.memory),
    notes: extrapolate
      ? [
          `Quick run: measured with ${large.intents} intents; the figure judged is the straight line through the medians at ${small.intents} and ${large.intents} intents, extended to ${nominal} (never below the larger measured point). The full run measures ${nominal} directly.`,
        ]
      : [],
  };
}

/** The namespace the short-lived comparison operators watch: it holds no intents. */
const EMPTY_NAMESPACE = 'tac-bench-empty';

async function emptyOperator(
  ctx: BenchContext,
  launcher?: Launcher,
  memoryMaxMs?: number,
): Promise<{ readyMs: number; memory?: SettledMemory }> {
  await ensureNamespace(ctx.stack.kc, EMPTY_NAMESPACE);
  return ctx.stack.extraOperator(
    { TAC_WATCH_NAMESPACES: EMPTY_NAMESPACE, TAC_DEFAULT_NAMESPACE: EMPTY_NAMESPACE },
    launcher,
    memoryMaxMs,
  );
}

/**
 * The fixed part of the operator's memory: idle VmRSS of an operator watching an empty namespace,
 * started the way the stack starts programs, and (when that is the compiled build) through tsx.
 */
export async function fixedMemory(ctx: BenchContext): Promise<Record<string, number | string>> {
  const settled = (r: { memory?: SettledMemory }): number =>
    round(summarize(r.memory?.values ?? [], 'memory').median, 1);
  // Both at once: each mostly waits for its heap to settle.
  const [own, viaTsx] = await Promise.all([
    emptyOperator(ctx, undefined, ctx.sizes.memory.settleMaxMs),
    ctx.stack.launcher.kind === 'image'
      ? emptyOperator(ctx, tsxLauncher(), ctx.sizes.memory.settleMaxMs)
      : Promise.resolve(undefined),
  ]);
  return {
    noIntentsRssMb: settled(own),
    ...(viaTsx !== undefined ? { noIntentsRssMbUnderTsx: settled(viaTsx) } : {}),
  };
}

/** Restarts the operator (warm-up + samples) with the intents present now; also times operators that watch an empty namespace. */
export async function startupSamples(
  ctx: BenchContext,
  intents: number,
  meta: ScenarioMeta = STARTUP_META,
): Promise<ScenarioSamples> {
  const { warmup, samples, emptySamples } = ctx.sizes.startup;
  const values: number[] = [];
  for (let i = 0; i < warmup + samples; i++) {
    const ms = await ctx.stack.restartOperator();
    if (i >= warmup) values.push(ms);
  }
  const empty: number[] = [];
  for (let i = 0; i < emptySamples; i++) empty.push((await emptyOperator(ctx)).readyMs);
  return {
    ...meta,
    parameters: { intents },
    measured: {
      values,
      warmup,
      description: `SIGTERM the operator, spawn it again (node ${ctx.stack.launcher.argv('operator').join(' ')}), poll /readyz every 10 ms until 200; ${intents} intents in the watched namespace`,
    },
    diagnostics: {
      noIntentsStartupMedianMs: round(summarize(empty, 'start-up without intents').median, 0),
      noIntentsStartupSamples: empty.length,
    },
  };
}
