// Owns the two lifecycle scenarios: hook overhead (one blocking noop intent fired through the REST
// lifecycle endpoint vs. the same workflow started and awaited with @temporalio/client) and event
// fan-out (50 blocking intents in one event vs. 50 sequential start-and-await calls). Measured and
// baseline samples alternate so drift in the shared machine's load hits both alike.
import { randomUUID } from 'node:crypto';
import { callFields, since, startMeter, type BenchContext, type ScenarioMeta } from '../context.js';
import { ANNOTATION_RUN_REQUEST } from '../../common/domain/annotations.js';
import { BENCH_APP, BENCH_APP_VERSION, BENCH_PROJECT, intentName, intentSet } from '../intents.js';
import {
  createIntent,
  intentsApi,
  pool,
  watchRunSteps,
  watchUntilReconciled,
  type RunSteps,
} from '../kube.js';
import { round, summarize } from '../stats.js';
import type { ScenarioSamples } from '../result.js';
import { OPERATOR_NAMESPACE } from '../stack.js';

export class LifecycleEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LifecycleEventError';
  }
}

export const HOOK_META: ScenarioMeta = {
  id: 'hook-overhead',
  title: 'Hook overhead: one blocking noop intent, end to end',
  unit: 'ms',
  better: 'lower',
  target: { kind: 'ratio-max', value: 1.2, text: 'median ≤ 1.2× baseline' },
  parameters: { intents: 1, workflow: 'noop', blocking: true },
};

export const FAN_OUT_META: ScenarioMeta = {
  id: 'event-fan-out',
  title: 'Event fan-out: one event with 50 blocking noop intents',
  unit: 'ms',
  better: 'lower',
  target: { kind: 'ratio-max', value: 1.1, text: 'median ≤ 1.1× baseline' },
  parameters: { intents: 50, workflow: 'noop', blocking: true },
};

interface EventBody {
  state?: string;
  succeeded?: boolean;
  intents?: Array<{ phase?: string }>;
}

function lifecycleUrl(restUrl: string, dig: string): string {
  return (
    `${restUrl}/tac/v1/projects/${BENCH_PROJECT}/composite-apps/${BENCH_APP}/${BENCH_APP_VERSION}` +
    `/deployment-intent-groups/${dig}/lifecycle-events`
  );
}

/** Fires pre-install on `dig` and waits for the answer; checks every intent succeeded. Returns ms. */
export async function fireEvent(
  restUrl: string,
  dig: string,
  expectIntents: number,
  onStart?: (t0: number) => void,
): Promise<number> {
  const t0 = performance.now();
  onStart?.(t0);
  const res = await fetch(lifecycleUrl(restUrl, dig), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hookType: 'pre-install' }),
    signal: AbortSignal.timeout(300_000),
  });
  const body = (await res.json()) as EventBody;
  const ms = since(t0);
  const ok = body.intents?.filter((i) => i.phase === 'Succeeded').length ?? 0;
  if (res.status !== 200 || body.succeeded !== true || ok !== expectIntents) {
    throw new LifecycleEventError(
      `lifecycle event on ${dig} answered ${res.status} (${body.state ?? '?'}, ${ok}/${expectIntents} intents succeeded)`,
    );
  }
  return ms;
}

/** Starts `count` noop workflows one after another, awaiting each. Returns ms. */
async function directRuns(ctx: BenchContext, count: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const handle = await ctx.stack.temporal.workflow.start('noop', {
      taskQueue: 'noop',
      workflowId: `bench-direct-${randomUUID()}`,
      args: [{}],
      workflowExecutionTimeout: '120s',
    });
    await handle.result();
  }
  return since(t0);
}

/**
 * Creates `digs` DIGs of `perDig` intents each (`<prefix>-00`, …) and waits until all are
 * reconciled. Every sample fires its own DIG, whose intents have never run, so no sample depends
 * on the run history an earlier sample left behind.
 */
export async function prepareDigs(
  ctx: BenchContext,
  prefix: string,
  digs: number,
  perDig: number,
): Promise<string[]> {
  const api = intentsApi(ctx.stack.kc);
  const names = Array.from({ length: digs }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
  for (const dig of names) {
    const watch = watchUntilReconciled(ctx.stack.kc, OPERATOR_NAMESPACE, dig, perDig, 120_000);
    const objs = intentSet({
      namespace: OPERATOR_NAMESPACE,
      dig,
      count: perDig,
      clientPort: ctx.stack.clientPort,
    });
    await pool(objs, 4, async (o) => {
      await createIntent(api, o);
    });
    await watch.done;
  }
  return names;
}

export async function alternate(
  rounds: { warmup: number; samples: number },
  measured: (i: number) => Promise<number>,
  baseline: () => Promise<number>,
): Promise<{ measured: number[]; baseline: number[] }> {
  const m: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds.warmup + rounds.samples; i++) {
    const bv = await baseline();
    const mv = await measured(i);
    if (i >= rounds.warmup) {
      b.push(bv);
      m.push(mv);
    }
  }
  return { measured: m, baseline: b };
}

export async function hookOverhead(ctx: BenchContext): Promise<ScenarioSamples> {
  const { warmup, samples } = ctx.sizes.hook;
  const digs = await prepareDigs(ctx, 'hook', warmup + samples, 1);
  const stepWatch = await watchRunSteps(ctx.stack.kc, OPERATOR_NAMESPACE, ANNOTATION_RUN_REQUEST);
  const timeline: Array<{ dig: string; t0: number; t1: number }> = [];
  const meter = await startMeter(ctx);
  const r = await alternate(
    { warmup, samples },
    async (i) => {
      const dig = digs[i] ?? '';
      let t0 = 0;
      const ms = await fireEvent(ctx.stack.restUrl, dig, 1, (t) => (t0 = t));
      if (i >= warmup) timeline.push({ dig, t0, t1: t0 + ms });
      return ms;
    },
    () => directRuns(ctx, 1),
  );
  const used = await meter.stop();
  stepWatch.stop();
  const events = warmup + samples;
  return {
    ...HOOK_META,
    measured: {
      values: r.measured,
      warmup,
      description:
        'POST …/lifecycle-events {"hookType":"pre-install"} until the 200 answer, on a DIG with one blocking noop intent that has not run before',
    },
    baseline: {
      values: r.baseline,
      warmup,
      description: '@temporalio/client workflow.start("noop") then handle.result(), same worker',
    },
    diagnostics: {
      operatorCpuMsPerEvent: round(used.cpuMs / events, 1),
      ...callFields(used.calls, events, 'apiCallsPerEvent'),
      ...stepMedians(timeline, stepWatch.steps),
    },
    notes: [
      'The step times split each event as a watch from the benchmark process saw it: POST → run-request annotation visible (annotation patch) → Running visible (workflow started through the workflow client, status written) → finished run visible (Temporal result, status written) → HTTP answer.',
    ],
  };
}

/** Median time of each step of the hook path, from the watch's view of each sample's intent. */
function stepMedians(
  timeline: Array<{ dig: string; t0: number; t1: number }>,
  steps: Map<string, RunSteps>,
): Record<string, number> {
  const parts: Record<string, number[]> = {
    toRequestSeen: [],
    toRunningSeen: [],
    toFinishedSeen: [],
    toAnswer: [],
  };
  for (const t of timeline) {
    const s = steps.get(intentName(t.dig, 0));
    if (s?.requested === undefined || s.running === undefined || s.finished === undefined) continue;
    parts.toRequestSeen?.push(s.requested - t.t0);
    parts.toRunningSeen?.push(s.running - s.requested);
    parts.toFinishedSeen?.push(s.finished - s.running);
    parts.toAnswer?.push(t.t1 - s.finished);
  }
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(parts))
    if (v.length > 0) out[`stepMedianMs.${k}`] = round(summarize(v).median, 1);
  return out;
}

export async function eventFanOut(ctx: BenchContext): Promise<ScenarioSamples> {
  const { intents, warmup, samples } = ctx.sizes.fanOut;
  const digs = await prepareDigs(ctx, 'fanout', warmup + samples, intents);
  const meter = await startMeter(ctx);
  const r = await alternate(
    { warmup, samples },
    (i) => fireEvent(ctx.stack.restUrl, digs[i] ?? '', intents),
    () => directRuns(ctx, intents),
  );
  const used = await meter.stop();
  const runs = (warmup + samples) * intents;
  return {
    ...FAN_OUT_META,
    parameters: { ...FAN_OUT_META.parameters, intents },
    measured: {
      values: r.measured,
      warmup,
      description: `one pre-install event over ${intents} blocking noop intents (they run one after another, as in EMCO)`,
    },
    baseline: {
      values: r.baseline,
      warmup,
      description: `${intents} sequential workflow.start("noop") + handle.result() with @temporalio/client`,
    },
    diagnostics: {
      operatorCpuMsPerIntentRun: round(used.cpuMs / runs, 1),
      ...callFields(used.calls, runs, 'apiCallsPerIntentRun'),
    },
  };
}
