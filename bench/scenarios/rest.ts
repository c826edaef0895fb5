// Owns the REST read scenarios: requests/s at 16 connections for GET of one intent and the list of
// a DIG holding 1,000 intents, against the operator and against a bare node:http server (its own
// process) answering the very bytes the operator answered.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../../testenv/ports.js';
import { spawnProgram, waitHttpOk } from '../children.js';
import type { BenchContext, ScenarioMeta } from '../context.js';
import { BENCH_APP, BENCH_APP_VERSION, BENCH_PROJECT, intentName } from '../intents.js';
import { loadTest, type LoadResult } from '../load.js';
import type { ScenarioSamples } from '../result.js';
import { round } from '../stats.js';

export class RestReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestReadError';
  }
}

export const GET_META: ScenarioMeta = {
  id: 'rest-get-intent',
  title: 'REST read: GET one intent (DIG of 1,000), 16 connections',
  unit: 'req/s',
  better: 'higher',
  target: { kind: 'ratio-min', value: 0.8, text: 'median ≥ 0.8× baseline' },
  parameters: { connections: 16, digIntents: 1000 },
};

export const LIST_META: ScenarioMeta = {
  id: 'rest-list-dig',
  title: 'REST read: list a DIG of 1,000 intents, 16 connections',
  unit: 'req/s',
  better: 'higher',
  target: { kind: 'ratio-min', value: 0.8, text: 'median ≥ 0.8× baseline' },
  parameters: { connections: 16, digIntents: 1000 },
};

function digPath(dig: string): string {
  return (
    `/v2/projects/${BENCH_PROJECT}/composite-apps/${BENCH_APP}/${BENCH_APP_VERSION}` +
    `/deployment-intent-groups/${dig}/temporal-action-controller`
  );
}

async function capture(url: string): Promise<{ body: Buffer; contentType: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200)
    throw new RestReadError(`${url} answered ${res.status}: ${body.toString().slice(0, 200)}`);
  return { body, contentType: res.headers.get('content-type') ?? 'application/json' };
}

/** Warm-up run (discarded), then the measured run. */
async function measure(ctx: BenchContext, url: string): Promise<LoadResult> {
  const { connections, warmupSeconds, seconds } = ctx.sizes.rest;
  await loadTest(url, connections, warmupSeconds);
  return loadTest(url, connections, seconds);
}

function samples(
  ctx: BenchContext,
  meta: ScenarioMeta,
  what: string,
  bytes: number,
  op: LoadResult,
  bare: LoadResult,
  digIntents: number,
): ScenarioSamples {
  const { connections, warmupSeconds, seconds } = ctx.sizes.rest;
  return {
    ...meta,
    // The stack starts the operator with TAC_REST_AUTH=none: these figures are without authentication.
    parameters: { connections, digIntents, seconds, responseBytes: bytes, restAuth: 'none' },
    measured: {
      values: op.perSecond,
      warmup: 1,
      description: `autocannon, ${connections} connections, ${seconds} s after a ${warmupSeconds} s warm-up run: the operator's ${what}; samples are 1-second windows`,
    },
    baseline: {
      values: bare.perSecond,
      warmup: 1,
      description: `the same load on a bare node:http server (separate process) answering the same ${bytes} bytes`,
    },
    diagnostics: {
      operatorLatencyP50Ms: op.latencyP50Ms,
      operatorLatencyP99Ms: op.latencyP99Ms,
      baselineLatencyP50Ms: bare.latencyP50Ms,
      baselineLatencyP99Ms: bare.latencyP99Ms,
      responseBytesWithHeaders: round(op.bytesPerResponse, 0),
    },
    notes: ['autocannon runs inside the benchmark process, on the same two cores as the server it loads.'],
  };
}

/** Both read scenarios on DIG `dig` (which holds `digIntents` intents). */
export async function restReads(
  ctx: BenchContext,
  dig: string,
  digIntents: number,
): Promise<ScenarioSamples[]> {
  const listPath = digPath(dig);
  const getPath = `${listPath}/${intentName(dig, Math.floor(digIntents / 2))}`;
  const one = await capture(`${ctx.stack.restUrl}${getPath}`);
  const list = await capture(`${ctx.stack.restUrl}${listPath}`);
  const items = JSON.parse(list.body.toString()) as unknown[];
  if (!Array.isArray(items) || items.length !== digIntents) {
    throw new RestReadError(
      `the list of ${dig} holds ${Array.isArray(items) ? items.length : '?'} intents, expected ${digIntents}`,
    );
  }
  const dir = ctx.stack.logDir;
  await writeFile(path.join(dir, 'get.json'), one.body);
  await writeFile(path.join(dir, 'list.json'), list.body);
  const routesFile = path.join(dir, 'bare-routes.json');
  await writeFile(
    routesFile,
    JSON.stringify([
      { path: getPath, file: path.join(dir, 'get.json'), contentType: one.contentType },
      { path: listPath, file: path.join(dir, 'list.json'), contentType: list.contentType },
    ]),
  );
  const port = await freePort();
  const bare = spawnProgram({
    name: 'bare-server',
    argv: ['--import', 'tsx', 'bench/bare-server.ts'],
    args: [String(port), routesFile],
    env: {},
    logDir: dir,
  });
  try {
    const bareUrl = `http://127.0.0.1:${port}`;
    await waitHttpOk(bare, `${bareUrl}/readyz`, 30_000);
    ctx.log('[bench]   GET one intent');
    const bareGet = await measure(ctx, `${bareUrl}${getPath}`);
    const opGet = await measure(ctx, `${ctx.stack.restUrl}${getPath}`);
    ctx.log('[bench]   list the DIG');
    const bareList = await measure(ctx, `${bareUrl}${listPath}`);
    const opList = await measure(ctx, `${ctx.stack.restUrl}${listPath}`);
    return [
      samples(ctx, GET_META, 'GET of one intent', one.body.length, opGet, bareGet, digIntents),
      samples(
        ctx,
        LIST_META,
        `list of the DIG (${digIntents} intents)`,
        list.body.length,
        opList,
        bareList,
        digIntents,
      ),
    ];
  } finally {
    await bare.stop();
  }
}
