// `npm run bench [-- --quick] [--reuse-env[=FILE]] [--tsx] [--profile] [--report-only] [--soak-only] [--only=IDS]`: runs every
// scenario against a local environment (API server, etcd, Temporal dev server; operator, workflow
// client and worker as separate processes, started as the container images start them, or through tsx), writes bench/results/<time>.json and latest.json,
// appends the run's figures to bench/results/history.jsonl, and renders bench/REPORT.md with its
// figures and each scenario's figure over the commits measured. Targets missed do not fail the run; a scenario that
// cannot run is recorded as an error and the others still run.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ENV_FILE } from '../testenv/env.js';
import type { BenchContext, ScenarioMeta } from './context.js';
import { imageLauncher, tsxLauncher } from './build.js';
import { renderReport } from './report.js';
import { HISTORY_FILE_NAME, appendHistory, historyEntry, readHistory } from './result-history.js';
import {
  SCHEMA_VERSION,
  evaluate,
  failedScenario,
  type BenchResult,
  type MachineInfo,
  type ScenarioResult,
  type ScenarioSamples,
} from './result.js';
import { FAN_OUT_META, HOOK_META, eventFanOut, hookOverhead } from './scenarios/lifecycle.js';
import { GRPC_META, grpcHook } from './scenarios/grpc.js';
import { INVOKE_META, invokeThroughput } from './scenarios/invoke.js';
import { SOAK_META, soak } from './scenarios/soak.js';
import { GET_META, LIST_META, restReads } from './scenarios/rest.js';
import {
  MEMORY_LARGE_META,
  MEMORY_SMALL_META,
  RECONCILE_META,
  STARTUP_LARGE_META,
  STARTUP_META,
  fixedMemory,
  growTo,
  memoryLargeSamples,
  memorySmallSamples,
  operatorMemory,
  reconcileRun,
  reconcileSamples,
  reconcileWarmup,
  startupSamples,
  type ReconcileRun,
} from './scenarios/scale.js';
import { SCALE_RSS_META, SCALE_STARTUP_META, scaleOut } from './scenarios/scale-out.js';
import { FULL, QUICK } from './sizes.js';
import { startStack } from './stack.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RESULTS_DIR = path.join(here, 'results');
const HISTORY_FILE = path.join(RESULTS_DIR, HISTORY_FILE_NAME);
const runFile = promisify(execFile);

interface Options {
  quick: boolean;
  reuseEnvFile?: string;
  profile: boolean;
  reportOnly: boolean;
  tsx: boolean;
  /** Run the soak alone; its result goes to soak-*.json, not latest.json. */
  soakOnly: boolean;
  /** Run only these scenarios (ids of ONLY_SCENARIOS); the result goes to only-*.json, nowhere else. */
  only?: string[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false, profile: false, reportOnly: false, tsx: false, soakOnly: false };
  for (const arg of argv) {
    if (arg === '--quick') options.quick = true;
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--report-only') options.reportOnly = true;
    else if (arg === '--tsx') options.tsx = true;
    else if (arg === '--soak-only') options.soakOnly = true;
    else if (arg.startsWith('--only=')) {
      options.only = arg.slice('--only='.length).split(',');
      const unknown = options.only.filter((id) => !(id in ONLY_SCENARIOS));
      if (unknown.length > 0 || options.only.length === 0)
        throw new Error(
          `--only takes ${Object.keys(ONLY_SCENARIOS).join(', ')} (comma-separated); got ${unknown.join(', ')}`,
        );
    } else if (arg === '--reuse-env') options.reuseEnvFile = ENV_FILE;
    else if (arg.startsWith('--reuse-env='))
      options.reuseEnvFile = path.resolve(arg.slice('--reuse-env='.length));
    else
      throw new Error(
        `unknown option ${arg} (known: --quick, --reuse-env[=FILE], --tsx, --profile, --report-only, --soak-only, --only=IDS)`,
      );
  }
  return options;
}

const t0 = Date.now();
function log(message: string): void {
  process.stderr.write(`${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s ${message}\n`);
}

function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryMb: Math.round(os.totalmem() / 1024 / 1024),
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    node: process.version,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    note:
      `${cpus.length} cores shared by everything: the load generator (this benchmark process, autocannon), ` +
      'the API server, etcd, the Temporal dev server, the operator, the workflow client and the worker.',
  };
}

async function versionOf(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await runFile(command, args, { timeout: 10_000 });
    return stdout.trim().split('\n')[0] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Runs one scenario step; an error becomes the scenario's error entry instead of ending the run. */
async function attempt<T>(
  meta: ScenarioMeta,
  results: ScenarioResult[],
  step: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await step();
  } catch (err) {
    log(`[bench] ${meta.id} failed: ${err instanceof Error ? err.message : String(err)}`);
    results.push(failedScenario(meta, err));
    return undefined;
  }
}

function record(results: ScenarioResult[], samples: ScenarioSamples): void {
  const r = evaluate(samples);
  results.push(r);
  const side = (f: ScenarioResult['measured']) => (f === null ? '—' : `${f.median} (p95 ${f.p95}, n=${f.n})`);
  log(
    `[bench] ${r.id}: ${side(r.measured)} ${r.unit}` +
      (r.baseline !== null ? ` vs baseline ${side(r.baseline)}, ratio ${r.ratio}` : '') +
      ` → ${r.status} (${r.target.text})`,
  );
}

async function runSoak(ctx: BenchContext): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  log(`[bench] soak, ${Math.round(ctx.sizes.soak.durationMs / 60_000)} min`);
  await attempt(SOAK_META, results, async () => record(results, await soak(ctx)));
  return results;
}

/**
 * Scenarios that need no state left by another one, runnable alone with `--only=id,…` to measure a
 * change quickly; such a partial run is written to only-*.json and never to latest.json, the
 * history or the report.
 */
const ONLY_SCENARIOS: Record<
  string,
  { meta: ScenarioMeta; run: (ctx: BenchContext) => Promise<ScenarioSamples> }
> = {
  [HOOK_META.id]: { meta: HOOK_META, run: hookOverhead },
  [FAN_OUT_META.id]: { meta: FAN_OUT_META, run: eventFanOut },
  [INVOKE_META.id]: { meta: INVOKE_META, run: invokeThroughput },
  [GRPC_META.id]: { meta: GRPC_META, run: grpcHook },
};

async function runOnly(ctx: BenchContext, ids: string[]): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const id of ids) {
    const scenario = ONLY_SCENARIOS[id];
    if (scenario === undefined) continue;
    log(`[bench] ${id} (alone)`);
    await attempt(scenario.meta, results, async () => record(results, await scenario.run(ctx)));
  }
  return results;
}

async function runScenarios(ctx: BenchContext): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const { sizes } = ctx;

  log('[bench] reconcile throughput, warm-up and run 1');
  const runs: ReconcileRun[] = [];
  const first = await attempt(RECONCILE_META, results, async () => {
    await reconcileWarmup(ctx);
    return reconcileRun(ctx, 1);
  });
  if (first !== undefined) runs.push(first);

  log('[bench] memory with the first intents');
  const small = await attempt(MEMORY_SMALL_META, results, async () => {
    // The operator settles while two short-lived operators (no intents) show the fixed part.
    const [m, fixed] = await Promise.all([operatorMemory(ctx), fixedMemory(ctx)]);
    record(results, memorySmallSamples(sizes.reconcile.intents, m, fixed));
    return { intents: sizes.reconcile.intents, values: m.values };
  });

  log('[bench] start-up');
  await attempt(STARTUP_META, results, async () =>
    record(results, await startupSamples(ctx, sizes.reconcile.intents)),
  );

  log('[bench] REST reads');
  const reads = await attempt(GET_META, results, () => restReads(ctx, 'scale-r1', sizes.reconcile.intents));
  if (reads !== undefined) for (const s of reads) record(results, s);
  else results.push(failedScenario(LIST_META, new Error('see rest-get-intent')));

  log('[bench] hook overhead');
  await attempt(HOOK_META, results, async () => record(results, await hookOverhead(ctx)));

  log('[bench] event fan-out');
  await attempt(FAN_OUT_META, results, async () => record(results, await eventFanOut(ctx)));

  log('[bench] workflow client /invoke throughput');
  await attempt(INVOKE_META, results, async () => record(results, await invokeThroughput(ctx)));

  for (let run = 2; run <= sizes.reconcile.runs && first !== undefined; run++) {
    log(`[bench] reconcile throughput, run ${run}`);
    const r = await attempt(RECONCILE_META, results, () => reconcileRun(ctx, run));
    if (r !== undefined) runs.push(r);
  }
  if (runs.length > 0) record(results, reconcileSamples(ctx, runs));

  log(`[bench] memory with ${sizes.memory.large} intents`);
  await attempt(MEMORY_LARGE_META, results, async () => {
    const intents = await growTo(ctx, sizes.memory.large);
    const memory = await operatorMemory(ctx);
    if (small === undefined) throw new Error('the 1,000-intent memory point is missing');
    record(results, memoryLargeSamples(ctx, small, { intents, memory }));
  });
  log(`[bench] start-up with ${sizes.memory.large} intents`);
  await attempt(STARTUP_LARGE_META, results, async () =>
    record(results, await startupSamples(ctx, sizes.memory.large, STARTUP_LARGE_META)),
  );

  // Last: its first call loads the etcd client into the operator, which must not count in memory.
  log('[bench] gRPC pre-install vs. REST lifecycle endpoint');
  await attempt(GRPC_META, results, async () => record(results, await grpcHook(ctx)));
  log(`[bench] soak, ${Math.round(sizes.soak.durationMs / 60_000)} min`);
  await attempt(SOAK_META, results, async () => record(results, await soak(ctx)));
  const plan = sizes.scaleOut;
  if (plan !== undefined) {
    log(`[bench] scale-out to ${plan.steps.join(' → ')} intents over ${plan.namespaces} namespaces`);
    const done = await attempt(SCALE_RSS_META, results, async () => {
      for (const s of (await scaleOut(ctx, plan, path.join(here, 'figures'))).samples) record(results, s);
      return true;
    });
    if (done === undefined) results.push(failedScenario(SCALE_STARTUP_META, new Error('see scale-out-rss')));
  }

  const order = [
    HOOK_META.id,
    GRPC_META.id,
    FAN_OUT_META.id,
    INVOKE_META.id,
    RECONCILE_META.id,
    GET_META.id,
    LIST_META.id,
    MEMORY_SMALL_META.id,
    MEMORY_LARGE_META.id,
    STARTUP_META.id,
    STARTUP_LARGE_META.id,
    SOAK_META.id,
    SCALE_RSS_META.id,
    SCALE_STARTUP_META.id,
  ];
  // One entry per scenario: a recorded figure wins over an error entry of a partial failure.
  const byId = new Map<string, ScenarioResult>();
  for (const r of results) if (!byId.has(r.id) || byId.get(r.id)?.status === 'error') byId.set(r.id, r);
  return order.flatMap((id) => byId.get(id) ?? []);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  await mkdir(RESULTS_DIR, { recursive: true });
  const latestPath = path.join(RESULTS_DIR, 'latest.json');
  if (options.reportOnly) {
    const result = JSON.parse(await readFile(latestPath, 'utf8')) as BenchResult;
    await renderReport(result, here, await readHistory(HISTORY_FILE));
    log(`[bench] rendered ${path.join(here, 'REPORT.md')} from ${latestPath}`);
    return;
  }
  const startedAt = new Date();
  const machine = machineInfo();
  const sizes = options.quick ? QUICK : FULL;
  log(`[bench] ${options.quick ? 'quick' : 'full'} run on ${machine.cpus} cores (${machine.cpuModel})`);
  // Profiles and logs of a profiled run are kept (outside the repository); otherwise they go with the environment.
  const logDir = options.profile ? await mkdtemp(path.join(os.tmpdir(), 'tac-bench-')) : undefined;
  if (logDir !== undefined) log(`[bench] operator CPU profiles and logs go to ${logDir}`);
  const launcher = options.tsx ? tsxLauncher() : await imageLauncher(log);
  const stack = await startStack({
    launcher,
    ...(options.reuseEnvFile !== undefined ? { reuseEnvFile: options.reuseEnvFile } : {}),
    ...(logDir !== undefined ? { logDir } : {}),
    profileOperator: options.profile,
    log,
  });
  let scenarios: ScenarioResult[];
  let environment: Record<string, string>;
  try {
    environment = {
      commit: await versionOf('git', ['-C', path.dirname(here), 'describe', '--always', '--dirty']),
      kubernetes: await versionOf(path.join(stack.info.binDir, 'kube-apiserver'), ['--version']),
      etcd: await versionOf(path.join(stack.info.binDir, 'etcd'), ['--version']),
      temporal: await versionOf(path.join(stack.info.binDir, 'temporal'), ['--version']),
      programs: `${launcher.describe}; operator, workflow client and worker one process each`,
      operatorSettings:
        'TAC_WORKERS=4 (default), LOG_LEVEL=warn, leader election off, watching one namespace, REST authentication off (TAC_REST_AUTH=none)',
      logDir: stack.logDir,
    };
    scenarios = options.soakOnly
      ? await runSoak({ stack, sizes, log })
      : options.only !== undefined
        ? await runOnly({ stack, sizes, log }, options.only)
        : await runScenarios({ stack, sizes, log });
  } finally {
    log('[bench] stopping the stack');
    await stack.stop();
  }
  const finishedAt = new Date();
  const result: BenchResult = {
    schemaVersion: SCHEMA_VERSION,
    mode: options.quick ? 'quick' : 'full',
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSeconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 100) / 10,
    machine,
    environment,
    scenarios,
  };
  const text = JSON.stringify(result, null, 2) + '\n';
  const prefix = options.soakOnly ? 'soak-' : options.only !== undefined ? 'only-' : '';
  const stamped = path.join(
    RESULTS_DIR,
    `${prefix}${startedAt
      .toISOString()
      .replace(/:/g, '-')
      .replace(/\.\d+Z$/, 'Z')}.json`,
  );
  await writeFile(stamped, text);
  if (options.only !== undefined) {
    log(`[bench] wrote ${stamped} (a partial run: latest.json, the history and the report unchanged)`);
    return;
  }
  await appendHistory(HISTORY_FILE, historyEntry(result));
  if (options.soakOnly) {
    // A soak alone is not a full result: latest.json and REPORT.md keep the last complete run.
    const soakLatest = path.join(RESULTS_DIR, `soak-latest-${result.mode}.json`);
    await writeFile(soakLatest, text);
    log(`[bench] wrote ${stamped} and ${soakLatest} in ${result.durationSeconds} s`);
    return;
  }
  await writeFile(latestPath, text);
  await renderReport(result, here, await readHistory(HISTORY_FILE));
  log(
    `[bench] wrote ${stamped}, ${latestPath}, ${path.join(here, 'REPORT.md')} and a line of ${HISTORY_FILE} in ${result.durationSeconds} s`,
  );
}

main().catch((err: unknown) => {
  log(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
