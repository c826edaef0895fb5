// Owns the shape of a benchmark result file (bench/results/*.json, described by
// bench/result.schema.json) and the one rule that turns figures into a verdict: the ratio of the
// medians (or the absolute median) against the scenario's target.
import { round, summarize, type Summary } from './stats.js';

export const SCHEMA_VERSION = 1;

export type Better = 'lower' | 'higher';

/**
 * `ratio-max`: measured median / baseline median must be at most `value`; `ratio-min`: at least
 * `value` (throughput); `max`: the measured median itself must be at most `value` (in `unit`);
 * `diff-max`: measured median − baseline median must be at most `value` (in `unit`).
 */
export type TargetKind = 'ratio-max' | 'ratio-min' | 'max' | 'diff-max';

export interface Target {
  kind: TargetKind;
  value: number;
  /** How the report states it, e.g. "median ≤ 1.5× baseline". */
  text: string;
}

/** One side of a comparison: the samples kept (after warm-up) and their summary. */
export interface Figure extends Summary {
  /** The samples, in the order they were taken, in the scenario's unit. */
  values: number[];
  /** Warm-up runs taken before the samples and discarded. */
  warmup: number;
  /** What was run, in a sentence. */
  description: string;
}

/** A value estimated from two measured points (quick runs stop short of the nominal size). */
export interface Extrapolation {
  method: 'linear';
  /** The sizes measured (x) and the medians there (y), in the scenario's unit. */
  points: Array<{ x: number; y: number }>;
  /** The size the target is stated for, and the estimate there. */
  x: number;
  value: number;
}

export type Status = 'pass' | 'fail' | 'error';

export interface ScenarioResult {
  id: string;
  title: string;
  unit: string;
  better: Better;
  parameters: Record<string, number | string | boolean>;
  measured: Figure | null;
  baseline: Figure | null;
  /** measured median / baseline median; null without a baseline. */
  ratio: number | null;
  target: Target;
  /** The number judged against the target: the ratio, the median, or an extrapolated median. */
  figure: number | null;
  extrapolation?: Extrapolation;
  status: Status;
  pass: boolean;
  /** Side measurements that explain the figure (operator CPU, API calls, …). */
  diagnostics: Record<string, number | string>;
  notes: string[];
  error?: string;
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryMb: number;
  platform: string;
  kernel: string;
  node: string;
  loadAverageAtStart: number[];
  note: string;
}

export interface BenchResult {
  schemaVersion: typeof SCHEMA_VERSION;
  mode: 'quick' | 'full';
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  environment: Record<string, string>;
  scenarios: ScenarioResult[];
}

/** What a scenario hands back: raw samples; `evaluate` adds summaries and the verdict. */
export interface ScenarioSamples {
  id: string;
  title: string;
  unit: string;
  better: Better;
  target: Target;
  parameters: Record<string, number | string | boolean>;
  measured: { values: number[]; warmup: number; description: string };
  baseline?: { values: number[]; warmup: number; description: string };
  extrapolateTo?: { x: number; points: Array<{ x: number; values: number[] }> };
  diagnostics?: Record<string, number | string>;
  notes?: string[];
}

function figureOf(side: { values: number[]; warmup: number; description: string }, what: string): Figure {
  const s = summarize(side.values, what);
  return {
    n: s.n,
    median: round(s.median),
    p95: round(s.p95),
    mean: round(s.mean),
    min: round(s.min),
    max: round(s.max),
    values: side.values.map((v) => round(v)),
    warmup: side.warmup,
    description: side.description,
  };
}

/** Whether `figure` meets `target` (at least for `ratio-min`, at most for every other kind). */
export function meets(target: Pick<Target, 'kind' | 'value'>, figure: number): boolean {
  return target.kind === 'ratio-min' ? figure >= target.value : figure <= target.value;
}

/** Summaries, ratio and verdict of one scenario's samples. */
export function evaluate(s: ScenarioSamples): ScenarioResult {
  const measured = figureOf(s.measured, `${s.id} (measured)`);
  const baseline = s.baseline !== undefined ? figureOf(s.baseline, `${s.id} (baseline)`) : null;
  const ratio = baseline !== null && baseline.median !== 0 ? round(measured.median / baseline.median) : null;
  let figure: number | null =
    s.target.kind === 'max'
      ? measured.median
      : s.target.kind === 'diff-max'
        ? baseline !== null
          ? round(measured.median - baseline.median)
          : null
        : ratio;
  let extrapolation: Extrapolation | undefined;
  if (s.extrapolateTo !== undefined) {
    const points = s.extrapolateTo.points.map((p) => ({
      x: p.x,
      y: round(summarize(p.values, `${s.id} at ${p.x}`).median),
    }));
    const [a, b] = [points[0], points[points.length - 1]];
    if (a === undefined || b === undefined || a.x === b.x) {
      throw new RangeError(`${s.id}: extrapolation needs two points at different sizes`);
    }
    // A falling line is noise, not a trend: the estimate never goes below the larger measured point.
    const slope = Math.max(0, (b.y - a.y) / (b.x - a.x));
    const value = round(b.y + slope * (s.extrapolateTo.x - b.x));
    extrapolation = { method: 'linear', points, x: s.extrapolateTo.x, value };
    figure = value;
  }
  const pass = figure !== null && meets(s.target, figure);
  return {
    id: s.id,
    title: s.title,
    unit: s.unit,
    better: s.better,
    parameters: s.parameters,
    measured,
    baseline,
    ratio,
    target: s.target,
    figure,
    ...(extrapolation !== undefined ? { extrapolation } : {}),
    status: pass ? 'pass' : 'fail',
    pass,
    diagnostics: s.diagnostics ?? {},
    notes: s.notes ?? [],
  };
}

/** The entry of a scenario that could not run: no figures, the error text. */
export function failedScenario(
  meta: Pick<ScenarioSamples, 'id' | 'title' | 'unit' | 'better' | 'target' | 'parameters'>,
  err: unknown,
): ScenarioResult {
  return {
    ...meta,
    measured: null,
    baseline: null,
    ratio: null,
    figure: null,
    status: 'error',
    pass: false,
    diagnostics: {},
    notes: [],
    error: err instanceof Error ? err.message : String(err),
  };
}
