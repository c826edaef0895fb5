// Owns the workflow client throughput scenario: POST /invoke/default of a noop workflow at 16
// connections against the same number of concurrent `client.workflow.start` calls made with
// @temporalio/client from one process (this one). Rounds of the two sides alternate, and each round
// starts only once the worker has run every noop workflow the previous round started, so neither
// side pays for the other's backlog.
import { randomUUID } from 'node:crypto';
import type { BenchContext, ScenarioMeta } from '../context.js';
import { loadTest, type LoadRequest, type LoadResult } from '../load.js';
import type { ScenarioSamples } from '../result.js';
import { round } from '../stats.js';

export const INVOKE_META: ScenarioMeta = {
  id: 'invoke-throughput',
  title: 'Workflow client throughput: /invoke of a noop workflow, 16 connections',
  unit: 'req/s',
  better: 'higher',
  target: { kind: 'ratio-min', value: 0.8, text: 'median ≥ 0.8× baseline' },
  parameters: { connections: 16, workflow: 'noop' },
};

const TASK_QUEUE = 'noop';
/** Longest wait for the worker to finish the workflows a round started. */
const DRAIN_DEADLINE_MS = 120_000;
const DRAIN_POLL_MS = 250;

export class InvokeThroughputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvokeThroughputError';
  }
}

/**
 * The /invoke body: EMCO's temporal spec with only the task queue set (a fresh workflow id per
 * call), with the workflow client's bearer token (it requires one by default).
 */
export function invokeRequest(token: string): LoadRequest {
  return {
    method: 'POST',
    body: JSON.stringify({ workflowStartOptions: { TaskQueue: TASK_QUEUE } }),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  };
}

/** Completed starts per whole second of a run of `seconds` with `concurrency` loops, and their latency. */
export async function directStarts(
  start: () => Promise<unknown>,
  concurrency: number,
  seconds: number,
): Promise<{ perSecond: number[]; latencyP50Ms: number }> {
  const buckets: number[] = [];
  const latencies: number[] = [];
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      const s = performance.now();
      await start();
      const now = performance.now();
      latencies.push(now - s);
      if (now <= end) {
        const i = Math.floor((now - t0) / 1000);
        buckets[i] = (buckets[i] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Array.from({ length: Math.floor(seconds) }, (_, i) => buckets[i] ?? 0),
    latencyP50Ms: latencies[Math.floor(latencies.length / 2)] ?? 0,
  };
}

/** Waits until no noop workflow is open any more (the worker has run them all). Returns ms waited. */
async function drain(ctx: BenchContext): Promise<number> {
  const t0 = performance.now();
  const query = `ExecutionStatus = "Running" AND TaskQueue = "${TASK_QUEUE}"`;
  for (;;) {
    const { count } = await ctx.stack.temporal.workflow.count(query);
    if (count === 0) return performance.now() - t0;
    if (performance.now() - t0 > DRAIN_DEADLINE_MS) {
      throw new InvokeThroughputError(
        `${count} noop workflows still open ${DRAIN_DEADLINE_MS} ms after a round: the worker is not keeping up`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
}

/** One /invoke to check the path answers 204 with the workflow's ids before load is put on it. */
async function preflight(url: string, request: LoadRequest): Promise<void> {
  const res = await fetch(url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status !== 204 || res.headers.get('x-workflow-id') === null) {
    throw new InvokeThroughputError(`${url} answered ${res.status}: ${text.slice(0, 200)}`);
  }
}

export async function invokeThroughput(ctx: BenchContext): Promise<ScenarioSamples> {
  const { connections, warmupSeconds, seconds, rounds } = ctx.sizes.invoke;
  const url = `http://127.0.0.1:${ctx.stack.clientPort}/invoke/default`;
  const request = invokeRequest(ctx.stack.clientToken);
  await preflight(url, request);
  const start = (): Promise<unknown> =>
    ctx.stack.temporal.workflow.start('noop', {
      taskQueue: TASK_QUEUE,
      workflowId: `bench-invoke-${randomUUID()}`,
      args: [{}],
    });
  await loadTest(url, connections, warmupSeconds, request);
  await directStarts(start, connections, warmupSeconds);
  let drainedMs = await drain(ctx);
  const measured: number[] = [];
  const baseline: number[] = [];
  const latency: { measured: number[]; baseline: number[] } = { measured: [], baseline: [] };
  for (let r = 0; r < rounds; r++) {
    const direct = await directStarts(start, connections, seconds);
    baseline.push(...direct.perSecond);
    latency.baseline.push(direct.latencyP50Ms);
    drainedMs += await drain(ctx);
    const load: LoadResult = await loadTest(url, connections, seconds, request);
    measured.push(...load.perSecond);
    latency.measured.push(load.latencyP50Ms);
    drainedMs += await drain(ctx);
  }
  const mid = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? 0;
  return {
    ...INVOKE_META,
    parameters: { ...INVOKE_META.parameters, connections, seconds, rounds },
    measured: {
      values: measured,
      warmup: 1,
      description: `autocannon, ${connections} connections, ${rounds} rounds of ${seconds} s after a ${warmupSeconds} s warm-up: POST /invoke/default {"workflowStartOptions":{"TaskQueue":"noop"}} to the workflow client (204 = started); samples are 1-second windows`,
    },
    baseline: {
      values: baseline,
      warmup: 1,
      description: `${connections} concurrent loops of @temporalio/client workflow.start("noop") in the benchmark process, the same rounds, alternating with the measured side`,
    },
    diagnostics: {
      operatorLatencyP50Ms: round(mid(latency.measured), 1),
      baselineLatencyP50Ms: round(mid(latency.baseline), 1),
      workerDrainMs: Math.round(drainedMs),
    },
    notes: [
      'Every round starts once the worker has run all noop workflows of the round before (a count of open workflows on Temporal), so neither side pays for the backlog of the other.',
      'The load generator and the baseline starts run in the benchmark process, on the same two cores as the workflow client, Temporal and the worker.',
    ],
  };
}
