// The benchmark's history file: one line per run, appended and read back, a bad line reported by
// its number, each scenario's series in date order, the committed history readable, and the chart
// drawn from it. No timing is measured here.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { historySeries } from '../../../bench/report.js';
import {
  HISTORY_FILE_NAME,
  HistoryError,
  appendHistory,
  historyEntry,
  parseHistory,
  readHistory,
  scenarioSeries,
  type HistoryEntry,
} from '../../../bench/result-history.js';
import { SCHEMA_VERSION, evaluate, failedScenario, type BenchResult } from '../../../bench/result.js';
import { historyChart } from '../../../bench/svg.js';

const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bench');

const hook = evaluate({
  id: 'hook-overhead',
  title: 'Hook overhead',
  unit: 'ms',
  better: 'lower',
  target: { kind: 'ratio-max', value: 1.2, text: 'median ≤ 1.2× baseline' },
  parameters: {},
  measured: { values: [44, 40, 48], warmup: 1, description: 'operator' },
  baseline: { values: [40, 40, 40], warmup: 1, description: 'direct' },
});

function run(commit: string, startedAt: string, mode: 'quick' | 'full' = 'quick'): BenchResult {
  return {
    schemaVersion: SCHEMA_VERSION,
    mode,
    startedAt,
    finishedAt: startedAt,
    durationSeconds: 1,
    machine: {
      cpus: 2,
      cpuModel: 'test',
      memoryMb: 1,
      platform: 'linux x64',
      kernel: '6',
      node: 'v20',
      loadAverageAtStart: [1.5, 1, 1],
      note: 'test',
    },
    environment: { commit },
    scenarios: [
      hook,
      failedScenario(
        {
          id: 'startup',
          title: 'Start-up',
          unit: 'ms',
          better: 'lower',
          target: { kind: 'max', value: 3000, text: '≤ 3 s' },
          parameters: {},
        },
        new Error('no operator'),
      ),
    ],
  };
}

describe('benchmark history', () => {
  it("records a run's commit, mode, date, load and per scenario the ratio, figure and medians", () => {
    const entry = historyEntry(run('abc1234', '2026-11-28T10:00:00.000Z', 'full'));
    expect(entry).to.deep.include({
      commit: 'abc1234',
      mode: 'full',
      date: '2026-11-28T10:00:00.000Z',
      loadAverageAtStart: [1.5, 1, 1],
    });
    expect(entry.scenarios['hook-overhead']).to.deep.equal({
      ratio: 1.1,
      figure: 1.1,
      unit: 'ms',
      measured: 44,
      baseline: 40,
      target: { kind: 'ratio-max', value: 1.2 },
      status: 'pass',
    });
    expect(entry.scenarios.startup).to.deep.include({ figure: null, status: 'error' });
    expect(historyEntry(run('x', '2026-11-28T10:00:00.000Z'), 'seeded').source).to.equal('seeded');
  });

  it('appends one line per run and reads them back; an absent file is an empty history', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-history-'));
    try {
      const file = path.join(dir, HISTORY_FILE_NAME);
      expect(await readHistory(file)).to.deep.equal([]);
      await appendHistory(file, historyEntry(run('a', '2026-11-28T10:00:00.000Z')));
      await appendHistory(file, historyEntry(run('b', '2026-11-28T11:00:00.000Z')));
      expect((await readFile(file, 'utf8')).trim().split('\n')).to.have.length(2);
      expect((await readHistory(file)).map((e) => e.commit)).to.deep.equal(['a', 'b']);
      const bad = { ...historyEntry(run('c', 'not a date')) };
      let refused: unknown;
      await appendHistory(file, bad).catch((err: unknown) => (refused = err));
      expect(refused).to.be.instanceOf(HistoryError);
      expect((await readHistory(file)).length).to.equal(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the line that does not parse or lacks a field, and skips blank lines', () => {
    const good = JSON.stringify(historyEntry(run('a', '2026-11-28T10:00:00.000Z')));
    expect(parseHistory(`${good}\n\n${good}\n`)).to.have.length(2);
    expect(() => parseHistory(`${good}\n{oops`)).to.throw(HistoryError, 'history line 2 is not JSON');
    expect(() => parseHistory(`${good}\n{"commit":"x","mode":"slow"}`)).to.throw(
      HistoryError,
      'history line 2: mode is neither quick nor full',
    );
  });

  it("orders a scenario's points by date and leaves out runs without its figure", () => {
    const history: HistoryEntry[] = [
      historyEntry(run('late', '2026-11-28T12:00:00.000Z')),
      historyEntry(run('early', '2026-11-27T12:00:00.000Z', 'full')),
    ];
    expect(scenarioSeries(history, 'hook-overhead').map((p) => [p.commit, p.mode, p.figure])).to.deep.equal([
      ['early', 'full', 1.1],
      ['late', 'quick', 1.1],
    ]);
    expect(scenarioSeries(history, 'startup')).to.deep.equal([]);
  });

  it("judges every point of a chart against today's target and draws one dot per run", () => {
    const history = parseHistory(
      [
        JSON.stringify({
          ...historyEntry(run('old', '2026-11-26T12:00:00.000Z', 'full')),
          scenarios: {
            'hook-overhead': {
              ratio: 1.4,
              figure: 1.4,
              unit: 'ms',
              measured: null,
              baseline: null,
              target: { kind: 'ratio-max', value: 1.5 },
              status: 'pass',
            },
          },
        }),
        JSON.stringify(historyEntry(run('new', '2026-11-28T12:00:00.000Z'))),
      ].join('\n'),
    );
    const series = historySeries(hook, history);
    expect(series.unit).to.equal('×');
    expect(series.points.map((p) => [p.commit, p.pass])).to.deep.equal([
      ['old', false],
      ['new', true],
    ]);
    const svg = historyChart(series);
    expect(svg.match(/<circle /g)).to.have.length(2);
    expect(svg).to.include('stroke-dasharray="6 4"');
    expect(svg).to.include('latest 1.10× (new, quick)');
    expect(historyChart({ ...series, points: [] })).to.include('no runs recorded yet');
  });

  it('the committed bench/results/history.jsonl parses, every line with a commit', () => {
    const history = parseHistory(readFileSync(path.join(BENCH_DIR, 'results', HISTORY_FILE_NAME), 'utf8'));
    expect(history.length).to.be.greaterThan(0);
    for (const e of history) expect(e.commit).to.not.equal('unknown');
  });
});
