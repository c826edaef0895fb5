// Owns what every scenario receives: the running stack, the sizes of this run, a progress log, and
// helpers to measure the operator process while a scenario runs.
import { readCpuMs } from './children.js';
import { callDelta, intentApiCalls, type ApiCalls } from './kube.js';
import type { ScenarioSamples } from './result.js';
import type { Sizes } from './sizes.js';
import type { Stack } from './stack.js';

export interface BenchContext {
  stack: Stack;
  sizes: Sizes;
  log: (message: string) => void;
}

/** The identity and target of a scenario, known before it runs (an error entry needs them). */
export type ScenarioMeta = Pick<
  ScenarioSamples,
  'id' | 'title' | 'unit' | 'better' | 'target' | 'parameters'
>;

/** Operator CPU time and API-server calls on intents between `start()` and `stop()`. */
export interface Meter {
  stop(): Promise<{ cpuMs: number; calls: ApiCalls }>;
}

export async function startMeter(ctx: BenchContext): Promise<Meter> {
  const pid = ctx.stack.operator().pid;
  const cpu0 = await readCpuMs(pid);
  const calls0 = await intentApiCalls(ctx.stack.info);
  return {
    async stop() {
      const cpuMs = (await readCpuMs(pid)) - cpu0;
      const calls = callDelta(calls0, await intentApiCalls(ctx.stack.info));
      return { cpuMs, calls };
    },
  };
}

/** `{ "apiCalls.create": 3, … }` divided by `per` (calls per event, per intent, …). */
export function callFields(calls: ApiCalls, per: number, prefix = 'apiCallsPer'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [verb, n] of Object.entries(calls)) {
    const value = Math.round((n / per) * 100) / 100;
    if (value > 0) out[`${prefix}.${verb}`] = value;
  }
  return out;
}

/** ms since `t0` (performance.now()). */
export const since = (t0: number): number => performance.now() - t0;
