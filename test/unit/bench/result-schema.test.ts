// The benchmark's result files: bench/results/latest.json and freshly evaluated results validate
// against bench/result.schema.json, and the verdict rules (ratio of medians, absolute targets,
// extrapolation) give the documented answers. No timing is measured here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import {
  SCHEMA_VERSION,
  evaluate,
  failedScenario,
  type BenchResult,
  type ScenarioResult,
  type ScenarioSamples,
} from '../../../bench/result.js';
import { nearestRank, summarize } from '../../../bench/stats.js';
import { scenarioChart } from '../../../bench/svg.js';

const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bench');
const schema = JSON.parse(readFileSync(path.join(BENCH_DIR, 'result.schema.json'), 'utf8')) as Record<
  string,
  unknown
>;
const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);

function check(value: unknown): string {
  return validate(value) ? '' : JSON.stringify(validate.errors, null, 2);
}

const ratioSamples: ScenarioSamples = {
  id: 'hook-overhead',
  title: 'Hook overhead',
  unit: 'ms',
  better: 'lower',
  target: { kind: 'ratio-max', value: 1.5, text: 'median ≤ 1.5× baseline' },
  parameters: { intents: 1 },
  measured: { values: [30, 10, 20], warmup: 2, description: 'through the operator' },
  baseline: { values: [10, 12, 8], warmup: 2, description: 'directly' },
};

function result(scenarios: ScenarioResult[]): BenchResult {
  return {
    schemaVersion: SCHEMA_VERSION,
    mode: 'quick',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:03:00.000Z',
    durationSeconds: 180,
    machine: {
      cpus: 2,
      cpuModel: 'test',
      memoryMb: 4096,
      platform: 'linux x64',
      kernel: '6.1',
      node: 'v20.19.0',
      loadAverageAtStart: [0.5, 0.4, 0.3],
      note: '2 cores shared by the load generator and the system',
    },
    environment: { kubernetes: 'v1.36.3' },
    scenarios,
  };
}

describe('benchmark results', () => {
  it('bench/results/latest.json matches the schema and names every scenario once', () => {
    const latest = JSON.parse(
      readFileSync(path.join(BENCH_DIR, 'results', 'latest.json'), 'utf8'),
    ) as BenchResult;
    expect(check(latest)).to.equal('');
    // Scenarios that joined later (the soak, /invoke throughput, …) may be absent from older results.
    const ids = latest.scenarios.map((s) => s.id);
    expect(new Set(ids).size, 'each scenario once').to.equal(ids.length);
    expect(ids).to.include.members([
      'hook-overhead',
      'event-fan-out',
      'reconcile-throughput',
      'rest-get-intent',
      'rest-list-dig',
      'memory-1k',
      'memory-10k',
      'startup',
    ]);
    for (const s of latest.scenarios) {
      if (s.status === 'error') continue;
      expect(s.figure, s.id).to.be.a('number');
      if (s.target.kind !== 'max') expect(s.baseline, `${s.id} has a baseline`).to.not.equal(null);
    }
  });

  it('an evaluated scenario, an extrapolated one and a failed one match the schema', () => {
    const extrapolated = evaluate({
      id: 'memory-10k',
      title: 'Memory with 10,000 intents',
      unit: 'MB',
      better: 'lower',
      target: { kind: 'max', value: 300, text: '≤ 300 MB' },
      parameters: { intents: 3000 },
      measured: { values: [150, 151], warmup: 0, description: 'RSS' },
      extrapolateTo: {
        x: 10_000,
        points: [
          { x: 1000, values: [120] },
          { x: 3000, values: [150, 151] },
        ],
      },
    });
    const failed = failedScenario(ratioSamples, new Error('the workflow client did not start'));
    expect(check(result([evaluate(ratioSamples), extrapolated, failed]))).to.equal('');
  });

  it('rejects a judged ratio scenario without its baseline, and an unknown field', () => {
    const r = evaluate(ratioSamples);
    expect(check(result([{ ...r, baseline: null, ratio: null }]))).to.not.equal('');
    expect(check({ ...result([r]), extra: 1 })).to.not.equal('');
  });
});

describe('benchmark verdicts', () => {
  it('judges the ratio of the medians against a ratio target', () => {
    const r = evaluate(ratioSamples);
    expect(r.measured?.median).to.equal(20);
    expect(r.baseline?.median).to.equal(10);
    expect(r.ratio).to.equal(2);
    expect(r.figure).to.equal(2);
    expect(r.status).to.equal('fail');
    const ok = evaluate({ ...ratioSamples, measured: { ...ratioSamples.measured, values: [12, 14, 15] } });
    expect(ok.ratio).to.equal(1.4);
    expect(ok.pass).to.equal(true);
  });

  it('a throughput target passes at or above its ratio', () => {
    const r = evaluate({
      ...ratioSamples,
      id: 'rest-list-dig',
      unit: 'req/s',
      better: 'higher',
      target: { kind: 'ratio-min', value: 0.6, text: 'median ≥ 0.6× baseline' },
      measured: { values: [600, 610, 590], warmup: 1, description: 'operator' },
      baseline: { values: [1000, 1000, 1000], warmup: 1, description: 'bare server' },
    });
    expect(r.ratio).to.equal(0.6);
    expect(r.pass).to.equal(true);
  });

  it('judges the difference of the medians against a difference target', () => {
    const diff = {
      ...ratioSamples,
      id: 'grpc-hook',
      target: { kind: 'diff-max' as const, value: 5, text: 'median ≤ baseline + 5 ms' },
      measured: { values: [14, 15, 16], warmup: 1, description: 'gRPC' },
      baseline: { values: [10, 11, 12], warmup: 1, description: 'REST' },
    };
    const r = evaluate(diff);
    expect(r.figure).to.equal(4);
    expect(r.pass).to.equal(true);
    expect(check(result([r]))).to.equal('');
    const slow = evaluate({ ...diff, measured: { ...diff.measured, values: [17, 18, 19] } });
    expect(slow.figure).to.equal(7);
    expect(slow.pass).to.equal(false);
  });

  it('extrapolates linearly to the nominal size, never below the larger measured point', () => {
    const base = {
      id: 'memory-10k',
      title: 'Memory',
      unit: 'MB',
      better: 'lower' as const,
      target: { kind: 'max' as const, value: 300, text: '≤ 300 MB' },
      parameters: {},
      measured: { values: [150], warmup: 0, description: 'RSS' },
    };
    const rising = evaluate({
      ...base,
      extrapolateTo: {
        x: 10_000,
        points: [
          { x: 1000, values: [120] },
          { x: 3000, values: [150] },
        ],
      },
    });
    expect(rising.figure).to.equal(255);
    expect(rising.pass).to.equal(true);
    const falling = evaluate({
      ...base,
      extrapolateTo: {
        x: 10_000,
        points: [
          { x: 1000, values: [160] },
          { x: 3000, values: [150] },
        ],
      },
    });
    expect(falling.figure).to.equal(150);
  });

  it('summarizes with the median and the nearest-rank p95', () => {
    const s = summarize([5, 1, 4, 2, 3, 6, 7, 8, 9, 10]);
    expect(s).to.include({ n: 10, median: 5.5, p95: 10, min: 1, max: 10, mean: 5.5 });
    expect(nearestRank([1, 2, 3], 0.5)).to.equal(2);
    expect(() => summarize([])).to.throw(/no samples/);
  });

  it('draws a figure with both sides, the target and escaped text', () => {
    const svg = scenarioChart({ ...evaluate(ratioSamples), title: 'A & <B>' });
    expect(svg).to.match(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).to.include('A &amp; &lt;B&gt;');
    expect(svg).to.include('>baseline<').and.include('>operator<').and.include('target median');
    expect(svg.trim().endsWith('</svg>')).to.equal(true);
  });
});
