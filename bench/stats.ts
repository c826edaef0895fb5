// Owns the statistics every benchmark figure is reported with: median, p95 (nearest rank), mean,
// min, max and the number of samples, over the samples left after the warm-up runs.

export interface Summary {
  /** Number of samples (warm-up runs excluded). */
  n: number;
  median: number;
  /** 95th percentile, nearest-rank method (with few samples it is the largest or next-to-largest). */
  p95: number;
  mean: number;
  min: number;
  max: number;
}

export class NoSamplesError extends Error {
  constructor(what: string) {
    super(`no samples to summarize for ${what}`);
    this.name = 'NoSamplesError';
  }
}

/** The q-quantile (0 < q <= 1) of sorted values by the nearest-rank method. */
export function nearestRank(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new NoSamplesError(`quantile ${q}`);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Median: the mean of the two middle values for an even count. */
export function median(sorted: readonly number[]): number {
  if (sorted.length === 0) throw new NoSamplesError('median');
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/** Summary of `values`; throws NoSamplesError when there are none. */
export function summarize(values: readonly number[], what = 'a figure'): Summary {
  if (values.length === 0) throw new NoSamplesError(what);
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    median: median(sorted),
    p95: nearestRank(sorted, 0.95),
    mean: sum / sorted.length,
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
  };
}

/** Rounds to a few significant decimals for the JSON (keeps files readable and diffs small). */
export function round(value: number, decimals = 3): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
