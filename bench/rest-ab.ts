// Compares the REST reads of several operator builds side by side, for regression checks between
// commits: one local environment, one DIG of N intents, every build running at once (each its own
// process, port and namespace holding the same intents), and rounds that load the bare node:http server
// and each build in turn with the same autocannon run, so a change of machine load hits all alike.
// Usage: tsx bench/rest-ab.ts LABEL=/abs/path/dist/bundle/operator.mjs ... [--rounds=3]
//   [--seconds=4] [--intents=1000] [--profile=LABEL,…] (CPU profile of each LABEL during one extra GET
//   and one extra list run, through bench/inspect-operator.ts)
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEnv } from '../testenv/env.js';
import { freePort } from '../testenv/ports.js';
import { settledMemory, spawnProgram, waitHttpOk, type Child } from './children.js';
import { BENCH_APP, BENCH_APP_VERSION, BENCH_PROJECT, intentName, intentSet } from './intents.js';
import {
  adminKubeConfig,
  createIntent,
  ensureNamespace,
  installCrd,
  intentsApi,
  pool,
  watchUntilReconciled,
} from './kube.js';
import { loadTest } from './load.js';
import { summarize } from './stats.js';

const NAMESPACE = 'tac-bench-ab';
const DIG = 'ab';

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : Number(arg.slice(name.length + 3));
}

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

interface Build {
  label: string;
  bundle: string;
  url: string;
  inspectPort: number;
  child?: Child;
}

function median(values: number[]): number {
  return summarize(values, 'req/s').median;
}

/** Output of bench/inspect-operator.ts on a build started with --inspect. */
async function inspect(build: Build, args: string[]): Promise<string> {
  const out: Buffer[] = [];
  const inspector = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/inspect-operator.ts', String(build.inspectPort), ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  inspector.stdout.on('data', (b: Buffer) => out.push(b));
  await new Promise<void>((resolve) => inspector.on('exit', () => resolve()));
  return Buffer.concat(out).toString();
}

async function profile(build: Build, url: string, seconds: number): Promise<string> {
  const out: Buffer[] = [];
  const inspector = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/inspect-operator.ts', String(build.inspectPort), `--cpu=${seconds}`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  inspector.stdout.on('data', (b: Buffer) => out.push(b));
  const exited = new Promise<void>((resolve) => inspector.on('exit', () => resolve()));
  await loadTest(url, 16, seconds + 1);
  await exited;
  return Buffer.concat(out).toString();
}

async function main(): Promise<void> {
  const builds: Build[] = process.argv
    .slice(2)
    .filter((a) => !a.startsWith('--'))
    .map((a) => {
      const i = a.indexOf('=');
      if (i < 1) throw new Error(`expected LABEL=/path/to/operator.mjs, got ${a}`);
      return { label: a.slice(0, i), bundle: path.resolve(a.slice(i + 1)), url: '', inspectPort: 0 };
    });
  if (builds.length === 0) throw new Error('usage: rest-ab.ts LABEL=/path/operator.mjs ... [--rounds=N]');
  const rounds = option('rounds', 3);
  const seconds = option('seconds', 4);
  const intents = option('intents', 1000);
  const profiled = new Set(
    process.argv
      .find((a) => a.startsWith('--profile='))
      ?.slice('--profile='.length)
      .split(',') ?? [],
  );
  log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const env = await startEnv({ log });
  const logDir = await mkdtemp(path.join(os.tmpdir(), 'tac-rest-ab-'));
  const children: Child[] = [];
  try {
    const kc = adminKubeConfig(env.info);
    await installCrd(env.info);
    const api = intentsApi(kc);
    const clientPort = await freePort();
    const start = async (build: Build, namespace: string): Promise<void> => {
      const port = await freePort();
      build.url = `http://127.0.0.1:${port}`;
      build.inspectPort = await freePort();
      build.child = spawnProgram({
        name: `operator-${build.label}`,
        argv: [build.bundle],
        nodeOptions: [
          '--max-semi-space-size=1',
          ...(profiled.has(build.label) ? [`--inspect=127.0.0.1:${build.inspectPort}`] : []),
        ],
        env: {
          TEMPORAL_ADDRESS: env.info.temporalAddress,
          TEMPORAL_NAMESPACE: env.info.temporalNamespace,
          KUBECONFIG: env.info.kubeconfigPath,
          TAC_REST_HOST: '127.0.0.1',
          TAC_REST_PORT: String(port),
          TAC_REST_AUTH: 'none',
          TAC_LEADER_ELECT: 'false',
          TAC_WATCH_NAMESPACES: namespace,
          TAC_DEFAULT_NAMESPACE: namespace,
          // The intents name this endpoint: allowed, they are Ready (nothing is ever invoked).
          TAC_ALLOWED_CLIENT_ENDPOINTS: `127.0.0.1:${clientPort}`,
          POD_NAME: `ab-${build.label}`,
          LOG_LEVEL: 'warn',
        },
        logDir,
      });
      children.push(build.child);
      await waitHttpOk(build.child, `${build.url}/readyz`, 120_000);
      log(`${build.label} ready on ${build.url}`);
    };
    // Each build has a namespace of its own holding the same intents, and reconciles them itself.
    for (const [i, build] of builds.entries()) {
      const namespace = `${NAMESPACE}-${i}`;
      await ensureNamespace(kc, namespace);
      await start(build, namespace);
      const watch = watchUntilReconciled(kc, namespace, DIG, intents, 900_000);
      const objs = intentSet({ namespace, dig: DIG, count: intents, clientPort });
      await pool(objs, 8, async (o) => {
        await createIntent(api, o);
      });
      await watch.done;
      log(`${build.label}: ${intents} intents reconciled`);
    }
    if (process.argv.includes('--memory')) {
      // Settled resident memory of each build, each having reconciled its own intents.
      const settled = await Promise.all(
        builds.map(async (b) => ({ b, m: await settledMemory(b.child?.pid ?? 0, { maxMs: 60_000 }) })),
      );
      for (const { b, m } of settled)
        console.log(
          `memory ${b.label}: ${m.values.map((v) => v.toFixed(1)).join(', ')} MB (peak ${m.peakMb.toFixed(1)})`,
        );
      for (const target of builds.filter((b) => profiled.has(b.label))) {
        console.log(`\n## Heap of ${target.label}\n`);
        console.log(await inspect(target, ['--by-constructor', '--strings']));
      }
    }

    const listPath =
      `/v2/projects/${BENCH_PROJECT}/composite-apps/${BENCH_APP}/${BENCH_APP_VERSION}` +
      `/deployment-intent-groups/${DIG}/temporal-action-controller`;
    const getPath = `${listPath}/${intentName(DIG, Math.floor(intents / 2))}`;
    const first = builds[0] as Build;
    const routes: Array<{ path: string; file: string; contentType: string }> = [];
    for (const [name, p] of [
      ['get', getPath],
      ['list', listPath],
    ] as const) {
      const res = await fetch(`${first.url}${p}`);
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`${p} answered ${res.status}`);
      for (const b of builds.slice(1)) {
        const other = Buffer.from(await (await fetch(`${b.url}${p}`)).arrayBuffer());
        if (!other.equals(body)) {
          let at = 0;
          while (at < body.length && other[at] === body[at]) at++;
          log(
            `note: ${b.label} answers ${p} with other bytes than ${first.label} (${other.length} vs ${body.length}, ` +
              `first difference at ${at}: ${JSON.stringify(other.subarray(at, at + 40).toString())} vs ${JSON.stringify(body.subarray(at, at + 40).toString())})`,
          );
        }
      }
      const file = path.join(logDir, `${name}.json`);
      await writeFile(file, body);
      routes.push({ path: p, file, contentType: res.headers.get('content-type') ?? 'application/json' });
    }
    const routesFile = path.join(logDir, 'routes.json');
    await writeFile(routesFile, JSON.stringify(routes));
    const barePort = await freePort();
    const bare = spawnProgram({
      name: 'bare-server',
      argv: ['--import', 'tsx', 'bench/bare-server.ts'],
      args: [String(barePort), routesFile],
      env: {},
      logDir,
    });
    children.push(bare);
    const bareUrl = `http://127.0.0.1:${barePort}`;
    await waitHttpOk(bare, `${bareUrl}/readyz`, 30_000);

    const targets = [{ label: 'bare', url: bareUrl }, ...builds];
    const results: Record<string, Record<string, { rps: number[]; ratio: number[] }>> = {};
    for (const [what, p] of [
      ['GET', getPath],
      ['list', listPath],
    ] as const) {
      results[what] = {};
      for (let round = 1; round <= rounds; round++) {
        let bareRps = 0;
        for (const t of targets) {
          await loadTest(`${t.url}${p}`, 16, 1);
          const r = await loadTest(`${t.url}${p}`, 16, seconds);
          const rps = median(r.perSecond);
          if (t.label === 'bare') bareRps = rps;
          const entry = (results[what][t.label] ??= { rps: [], ratio: [] });
          entry.rps.push(rps);
          entry.ratio.push(rps / bareRps);
          log(`${what} round ${round} ${t.label}: ${rps} req/s (${(rps / bareRps).toFixed(3)}× bare)`);
        }
      }
    }
    log(
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log('| read | target | req/s per round | median ratio to bare (per round) |');
    console.log('|---|---|---|---|');
    for (const [what, byTarget] of Object.entries(results)) {
      for (const [label, e] of Object.entries(byTarget)) {
        console.log(
          `| ${what} | ${label} | ${e.rps.join(', ')} | ${median(e.ratio).toFixed(3)} (${e.ratio.map((r) => r.toFixed(3)).join(', ')}) |`,
        );
      }
    }
    for (const target of builds.filter((b) => profiled.has(b.label))) {
      console.log(`\n## CPU profile of ${target.label}, GET\n`);
      console.log(await profile(target, `${target.url}${getPath}`, seconds));
      console.log(`\n## CPU profile of ${target.label}, list\n`);
      console.log(await profile(target, `${target.url}${listPath}`, seconds));
    }
  } finally {
    for (const c of children.reverse()) await c.stop();
    await env.stop();
  }
}

main().catch((err: unknown) => {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
