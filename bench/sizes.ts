// Owns how big each scenario runs: the full run measures at the sizes the targets are stated for;
// `--quick` runs the same scenarios smaller (fewer samples, shorter load runs, the large memory
// point measured lower and extrapolated) to finish in under five minutes on two cores.

export interface Sizes {
  hook: { warmup: number; samples: number };
  fanOut: { intents: number; warmup: number; samples: number };
  reconcile: { intents: number; warmupIntents: number; runs: number; concurrency: number; timeoutMs: number };
  rest: { connections: number; warmupSeconds: number; seconds: number };
  memory: { small: number; large: number; nominalLarge: number; readings: number; settleMaxMs: number };
  startup: { warmup: number; samples: number; emptySamples: number };
}

export const FULL: Sizes = {
  hook: { warmup: 5, samples: 50 },
  fanOut: { intents: 50, warmup: 1, samples: 10 },
  reconcile: { intents: 1000, warmupIntents: 200, runs: 3, concurrency: 4, timeoutMs: 600_000 },
  rest: { connections: 16, warmupSeconds: 3, seconds: 15 },
  memory: { small: 1000, large: 10_000, nominalLarge: 10_000, readings: 5, settleMaxMs: 60_000 },
  startup: { warmup: 1, samples: 10, emptySamples: 3 },
};

export const QUICK: Sizes = {
  hook: { warmup: 3, samples: 15 },
  fanOut: { intents: 50, warmup: 1, samples: 3 },
  reconcile: { intents: 1000, warmupIntents: 200, runs: 2, concurrency: 4, timeoutMs: 300_000 },
  rest: { connections: 16, warmupSeconds: 1, seconds: 4 },
  memory: { small: 1000, large: 3000, nominalLarge: 10_000, readings: 5, settleMaxMs: 40_000 },
  startup: { warmup: 1, samples: 3, emptySamples: 2 },
};
