// The full fuzz run (`npm run fuzz`): generated requests against the operator's REST API (auth off,
// and a replica with auth on) and the workflow client, started as their own processes against the
// local API server and Temporal (a running `npm run env:up` environment, else a fresh one). Prints
// the report: requests per route, status histogram, p99 latency, memory before/after, failures.
//
//   npm run fuzz -- [--count 100000] [--seed N] [--warmup 2000] [--concurrency 8] [--stall-every 500] [--out file.json]
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { envAlive, readRecordedEnv, REPO_ROOT, startEnv, type RunningEnv } from '../testenv/env.js';
import { setTestEnv } from '../test/support/env.js';
import { startFuzzPrograms, type FuzzPrograms } from '../test/fuzz/programs.js';
import { reportProblems, runFuzz, type FuzzReport } from '../test/fuzz/runner.js';

const MIB = 1024 * 1024;

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return n;
}

function table(rows: Array<[string, string | number]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}

function print(report: FuzzReport, commit: string): void {
  const mib = (n: number) => `${(n / MIB).toFixed(1)} MiB`;
  console.log(`\nFuzz report — commit ${commit}, seed ${report.seed}`);
  console.log(
    `requests: ${report.requests} (+${report.warmup} warm-up) in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  console.log(`by target:\n${table(Object.entries(report.byTarget))}`);
  console.log(
    `by route (all / reaching the route unbent):\n${table(
      Object.entries(report.byRoute)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, `${v} / ${report.onRouteByRoute[k] ?? 0}`]),
    )}`,
  );
  for (const [target, statuses] of Object.entries(report.statuses)) {
    console.log(
      `statuses (${target}):\n${table(Object.entries(statuses).sort(([a], [b]) => a.localeCompare(b)))}`,
    );
  }
  console.log(`outcomes:\n${table(Object.entries(report.outcomes))}`);
  console.log(
    `body and framing mutations:\n${table(Object.entries(report.mutations).sort(([, a], [, b]) => b - a))}`,
  );
  console.log(
    `latency to the status line (whole requests): p50 ${report.latencyMs.p50} ms, p99 ${report.latencyMs.p99} ms, max ${report.latencyMs.max} ms (${report.latencyMs.samples} samples)`,
  );
  console.log(`stalled requests: ${report.stalled.count}, slowest answer ${report.stalled.maxAnswerMs} ms`);
  for (const m of report.memory) {
    console.log(
      `memory ${m.program}: heapUsed ${mib(m.before.heapUsed)} → ${mib(m.after.heapUsed)} (bound +${mib(m.heapBound)}), ` +
        `rss ${mib(m.before.rss)} → ${mib(m.after.rss)} (bound +${mib(m.rssBound)}) ${m.ok ? 'ok' : 'NOT BACK'}`,
    );
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string' },
      seed: { type: 'string' },
      warmup: { type: 'string' },
      concurrency: { type: 'string' },
      'stall-every': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const count = positive('count', values.count, 100_000);
  const seed = positive('seed', values.seed, Date.now() % 2 ** 31);
  const warmup = positive('warmup', values.warmup, Math.min(5000, Math.max(500, Math.floor(count / 20))));
  const concurrency = Math.max(1, positive('concurrency', values.concurrency, 8));
  const stallEvery = positive('stall-every', values['stall-every'], 500);
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  }).trim();
  const dirty =
    execFileSync('git', ['status', '--porcelain'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim() !== '';

  let owned: RunningEnv | undefined;
  const recorded = await readRecordedEnv();
  if (recorded !== undefined && envAlive(recorded)) {
    console.error('[fuzz] using the environment of npm run env:up');
    setTestEnv(recorded);
  } else {
    owned = await startEnv({ log: (m) => console.error(m) });
    setTestEnv(owned.info);
  }
  let programs: FuzzPrograms | undefined;
  try {
    const env = owned?.info ?? recorded;
    if (env === undefined) throw new Error('no test environment');
    programs = await startFuzzPrograms(env);
    console.error(
      `[fuzz] ${count} requests, seed ${seed}, concurrency ${concurrency}, namespace ${programs.namespace}`,
    );
    const report = await runFuzz(programs, {
      seed,
      count,
      warmup,
      concurrency,
      stallEvery,
      log: (m) => console.error(m),
    });
    print(report, `${commit}${dirty ? ' (with uncommitted changes)' : ''}`);
    if (values.out !== undefined) {
      await writeFile(values.out, JSON.stringify({ commit, dirty, ...report }, null, 2) + '\n');
    }
    const problems = reportProblems(report);
    if (problems.length > 0) {
      console.log(`\nFAILED:\n${problems.join('\n')}`);
      return 1;
    }
    console.log(
      '\nPASSED: no crash, no 5xx for client errors, every request answered in time, memory back to baseline',
    );
    return 0;
  } finally {
    await programs?.stop();
    await owned?.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  },
);
