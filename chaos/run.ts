// `npm run chaos [-- --quick] [--only=id,id]`: starts the chaos stack (its own restartable
// servers, the fault proxy, two operator replicas, the workflow client and the worker as
// processes), runs every fault of the catalogue against events in flight, prints the table and
// writes bench/results/chaos-<time>.json, chaos-latest.json and chaos-latest.md. Exits 1 when any
// run was lost, duplicated, answered wrongly or not answered, or a fault could not run.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { intentsApi } from '../bench/kube.js';
import { logTail } from '../testenv/processes.js';
import { FAULTS, type Fault } from './faults.js';
import {
  CHAOS_SCHEMA_VERSION,
  markdownReport,
  passed,
  textTable,
  type ChaosResult,
  type FaultRow,
} from './report.js';
import { runFault, type FaultRun, type RunSizes } from './runner.js';
import { startChaosStack } from './stack.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RESULTS_DIR = path.resolve(here, '../bench/results');

export const QUICK_SIZES: RunSizes = { events: 6, injections: 1, concurrency: 2, sleep: '1500ms' };
export const FULL_SIZES: RunSizes = { events: 20, injections: 3, concurrency: 3, sleep: '2s' };

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

interface Options {
  quick: boolean;
  only?: string[];
}

export function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false };
  for (const arg of argv) {
    if (arg === '--quick') options.quick = true;
    else if (arg.startsWith('--only='))
      options.only = arg
        .slice('--only='.length)
        .split(',')
        .filter((s) => s !== '');
    else throw new UsageError(`unknown option ${arg} (known: --quick, --only=fault,fault)`);
  }
  return options;
}

export function selectFaults(all: Fault[], only: string[] | undefined): Fault[] {
  if (only === undefined) return all;
  const unknown = only.filter((id) => !all.some((f) => f.id === id));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown fault(s) ${unknown.join(', ')} (known: ${all.map((f) => f.id).join(', ')})`,
    );
  }
  return all.filter((f) => only.includes(f.id));
}

export function rowOf(run: FaultRun): FaultRow {
  const recoveries = run.injections.map((i) => i.recoveryMs ?? null);
  return {
    id: run.fault.id,
    family: run.fault.family,
    title: run.fault.title,
    events: run.tally.events,
    failedEvents: run.tally.failedEvents,
    lost: run.tally.lost,
    duplicated: run.tally.duplicated,
    wrong: run.tally.wrong,
    unanswered: run.tally.unanswered,
    injections: run.injections.length,
    triggered: run.injections.filter((i) => i.triggered).length,
    recoveryMaxMs:
      recoveries.length === 0 || recoveries.includes(null) ? null : Math.max(...(recoveries as number[])),
    recoveryMs: recoveries,
    durationMs: run.durationMs,
    findings: run.tally.findings,
    ...(run.error !== undefined ? { error: run.error } : {}),
  };
}

const t0 = Date.now();
function log(message: string): void {
  process.stderr.write(`${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s ${message}\n`);
}

async function commit(): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('git', ['-C', here, 'describe', '--always', '--dirty']);
    return stdout.trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const faults = selectFaults(FAULTS, options.only);
  const sizes = options.quick ? QUICK_SIZES : FULL_SIZES;
  const startedAt = new Date();
  log(
    `[chaos] ${options.quick ? 'quick' : 'full'} run: ${faults.length} faults, ${sizes.events} events each`,
  );
  const stack = await startChaosStack(log);
  const rows: FaultRow[] = [];
  try {
    const api = intentsApi(stack.kc);
    for (const fault of faults) {
      log(`[chaos] ${fault.id}: ${fault.title}`);
      try {
        const row = rowOf(await runFault(stack, api, fault, sizes, log));
        rows.push(row);
        log(
          `[chaos] ${fault.id}: ${row.events} events, lost ${row.lost}, duplicated ${row.duplicated}, wrong ${row.wrong}, ` +
            `unanswered ${row.unanswered}, recovery ${row.recoveryMaxMs ?? 'none'} ms`,
        );
        for (const f of row.findings) log(`[chaos]   ${f.what}: ${f.eventId} ${f.intent ?? ''} ${f.detail}`);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log(`[chaos] ${fault.id} could not run: ${message}`);
        rows.push({
          id: fault.id,
          family: fault.family,
          title: fault.title,
          events: 0,
          failedEvents: 0,
          lost: 0,
          duplicated: 0,
          wrong: 0,
          unanswered: 0,
          injections: 0,
          triggered: 0,
          recoveryMaxMs: null,
          recoveryMs: [],
          durationMs: 0,
          findings: [],
          error: message,
        });
      }
    }
  } catch (err) {
    for (const r of stack.replicas) {
      const c = r.child();
      if (c !== undefined) log(`[chaos] operator-${r.name} log tail:\n${logTail(c.logPath, 20)}`);
    }
    throw err;
  } finally {
    log('[chaos] stopping the stack');
    await stack.stop();
  }
  const result: ChaosResult = {
    schemaVersion: CHAOS_SCHEMA_VERSION,
    mode: options.quick ? 'quick' : 'full',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    commit: await commit(),
    machine: `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    sizes,
    rows,
    passed: passed(rows),
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  const stamp = startedAt
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const json = JSON.stringify(result, null, 2) + '\n';
  await writeFile(path.join(RESULTS_DIR, `chaos-${stamp}.json`), json);
  await writeFile(path.join(RESULTS_DIR, `chaos-latest-${result.mode}.json`), json);
  await writeFile(path.join(RESULTS_DIR, `chaos-latest-${result.mode}.md`), markdownReport(result));
  process.stdout.write(`\n${textTable(rows)}\n\n`);
  log(
    `[chaos] wrote ${path.join(RESULTS_DIR, `chaos-${stamp}.json`)} and chaos-latest-${result.mode}.{json,md}`,
  );
  if (!result.passed) {
    log(
      '[chaos] FAILED: a run was lost, duplicated, answered wrongly or not at all, or a fault could not run',
    );
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    log(`[chaos] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    if (err instanceof Error && err.cause instanceof Error)
      log(`[chaos] cause: ${err.cause.stack ?? err.cause.message}`);
    process.exitCode = 1;
  });
}
