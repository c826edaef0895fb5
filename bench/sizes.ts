// Owns how big each scenario runs: the full run measures at the sizes the targets are stated for;
// `--quick` runs the same scenarios smaller (fewer samples, shorter load runs, a 3-minute soak
// instead of 30, no scale-out scenario) to finish in minutes on two cores; both measure the memory
// and start-up at 10,000 intents directly.
import type { ScaleOutPlan } from './scenarios/scale-out.js';

export interface Sizes {
  hook: { warmup: number; samples: number };
  fanOut: { intents: number; warmup: number; samples: number };
  reconcile: { intents: number; warmupIntents: number; runs: number; concurrency: number; timeoutMs: number };
  rest: { connections: number; warmupSeconds: number; seconds: number };
  /** Workflow client /invoke vs. direct starts: alternating rounds of `seconds` per side. */
  invoke: { connections: number; warmupSeconds: number; seconds: number; rounds: number };
  memory: { small: number; large: number; nominalLarge: number; readings: number; settleMaxMs: number };
  startup: { warmup: number; samples: number; emptySamples: number };
  /** Scale-out over many namespaces (full runs only; undefined: not run). */
  scaleOut?: ScaleOutPlan;
  /** Soak: how long, over how many event DIGs, churn population, sampling, windows per side. */
  soak: { durationMs: number; digs: number; churnIntents: number; sampleEveryMs: number; windows: number };
}

export const FULL: Sizes = {
  hook: { warmup: 5, samples: 50 },
  fanOut: { intents: 50, warmup: 1, samples: 10 },
  reconcile: { intents: 1000, warmupIntents: 200, runs: 3, concurrency: 4, timeoutMs: 600_000 },
  rest: { connections: 16, warmupSeconds: 3, seconds: 15 },
  invoke: { connections: 16, warmupSeconds: 2, seconds: 5, rounds: 3 },
  memory: { small: 1000, large: 10_000, nominalLarge: 10_000, readings: 5, settleMaxMs: 60_000 },
  startup: { warmup: 1, samples: 10, emptySamples: 3 },
  soak: { durationMs: 30 * 60_000, digs: 8, churnIntents: 50, sampleEveryMs: 10_000, windows: 6 },
  scaleOut: {
    steps: [1000, 10_000, 100_000],
    namespaces: 100,
    createConcurrency: 32,
    startupSamples: 2,
    latencySamples: 200,
    reconcileSamples: 5,
    idleMaxMs: 1_800_000,
  },
};

export const QUICK: Sizes = {
  hook: { warmup: 3, samples: 15 },
  fanOut: { intents: 50, warmup: 1, samples: 3 },
  reconcile: { intents: 1000, warmupIntents: 200, runs: 2, concurrency: 4, timeoutMs: 300_000 },
  rest: { connections: 16, warmupSeconds: 1, seconds: 4 },
  invoke: { connections: 16, warmupSeconds: 1, seconds: 3, rounds: 2 },
  memory: { small: 1000, large: 10_000, nominalLarge: 10_000, readings: 5, settleMaxMs: 40_000 },
  startup: { warmup: 1, samples: 3, emptySamples: 2 },
  soak: { durationMs: 3 * 60_000, digs: 4, churnIntents: 20, sampleEveryMs: 5_000, windows: 3 },
};
