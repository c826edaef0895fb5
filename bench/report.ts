// Owns bench/REPORT.md: the summary table (each figure beside its baseline, the ratio, the target
// and the verdict), one SVG figure per scenario in bench/figures/, how it was measured, and the
// analysis of missed targets kept by hand in bench/ANALYSIS.md, and each scenario's judged figure
// over the commits measured (bench/results/history.jsonl) as a table and one SVG per scenario.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scenarioSeries, type HistoryEntry } from './result-history.js';
import { meets, type BenchResult, type Figure, type ScenarioResult } from './result.js';
import { formatValue, historyChart, scenarioChart, type HistorySeries } from './svg.js';

/** Rows of the history table at most (the charts show every run). */
const HISTORY_TABLE_ROWS = 20;

function side(f: Figure | null, unit: string): string {
  if (f === null) return '—';
  return `${formatValue(f.median, unit)} (p95 ${formatValue(f.p95, unit)}, n = ${f.n})`;
}

function verdict(r: ScenarioResult): string {
  if (r.status === 'error') return '⚠️ error';
  return r.pass ? '✅ pass' : '❌ miss';
}

function judged(r: ScenarioResult): string {
  if (r.figure === null) return '—';
  if (r.target.kind === 'max') {
    return r.extrapolation !== undefined
      ? `${formatValue(r.figure, r.unit)} (estimated at ${r.extrapolation.x.toLocaleString('en-US')})`
      : formatValue(r.figure, r.unit);
  }
  if (r.target.kind === 'diff-max') return `${r.figure >= 0 ? '+' : ''}${formatValue(r.figure, r.unit)}`;
  return `${r.figure.toFixed(2)}×`;
}

function summaryTable(result: BenchResult): string[] {
  const lines = [
    '| scenario | operator: median (p95, n) | baseline: median (p95, n) | ratio | judged | target | result |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of result.scenarios) {
    lines.push(
      `| [${r.title}](#${r.id}) | ${side(r.measured, r.unit)} | ${side(r.baseline, r.unit)} | ` +
        `${r.ratio !== null ? `${r.ratio.toFixed(2)}×` : '—'} | ${judged(r)} | ${r.target.text} | ${verdict(r)} |`,
    );
  }
  return lines;
}

function isRatio(r: Pick<ScenarioResult, 'target'>): boolean {
  return r.target.kind === 'ratio-max' || r.target.kind === 'ratio-min';
}

/**
 * The scenario's judged figure per run of the history, for its chart. Each point is judged against
 * today's target (older runs may have been judged against a looser one), so the chart shows how far
 * every commit is from what is asked now.
 */
export function historySeries(r: ScenarioResult, history: HistoryEntry[]): HistorySeries {
  return {
    title: r.title,
    unit: isRatio(r) ? '×' : r.unit,
    target: { value: r.target.value, text: r.target.text },
    points: scenarioSeries(history, r.id).map((p) => ({
      commit: p.commit,
      mode: p.mode,
      date: p.date,
      figure: p.figure,
      pass: meets(r.target, p.figure),
    })),
  };
}

function historyCell(entry: HistoryEntry, r: ScenarioResult): string {
  const s = entry.scenarios[r.id];
  if (s === undefined || s.figure === null) return '—';
  const text = isRatio(r) ? `${s.figure.toFixed(2)}×` : formatValue(s.figure, r.unit);
  return meets(r.target, s.figure) ? text : `**${text}**`;
}

/** The last runs, newest first: each scenario's judged figure (a missed target in bold). */
function historyTable(result: BenchResult, history: HistoryEntry[]): string[] {
  if (history.length === 0) return ['No runs recorded in bench/results/history.jsonl yet.'];
  const rows = [...history]
    .sort((a, b) => Date.parse(b.date) - Date.parse(a.date))
    .slice(0, HISTORY_TABLE_ROWS);
  const lines = [
    `| commit | mode | date | load | ${result.scenarios.map((r) => r.id).join(' | ')} |`,
    `|---|---|---|---|${result.scenarios.map(() => '---|').join('')}`,
  ];
  for (const e of rows) {
    const load = e.loadAverageAtStart?.[0];
    lines.push(
      `| ${e.commit}${e.source !== undefined ? ' ¹' : ''} | ${e.mode} | ${e.date.slice(0, 16).replace('T', ' ')} | ` +
        `${load !== undefined ? load.toFixed(1) : '—'} | ${result.scenarios.map((r) => historyCell(e, r)).join(' | ')} |`,
    );
  }
  const sources = [...new Set(rows.flatMap((e) => (e.source !== undefined ? [e.source] : [])))];
  if (sources.length > 0) lines.push('', `¹ Seeded from ${sources.join('; ')}.`);
  return lines;
}

function scenarioSection(r: ScenarioResult): string[] {
  const lines = [`<a id="${r.id}"></a>`, `### ${r.title}`, ''];
  lines.push(`![${r.title}](figures/${r.id}.svg)`, '');
  lines.push(`![${r.title} over commits](figures/history-${r.id}.svg)`, '');
  if (r.status === 'error') lines.push(`**The scenario could not run:** ${r.error ?? ''}`, '');
  if (r.measured !== null) lines.push(`- **Operator:** ${r.measured.description}.`);
  if (r.baseline !== null) lines.push(`- **Baseline:** ${r.baseline.description}.`);
  const params = Object.entries(r.parameters).map(([k, v]) => `${k} = ${String(v)}`);
  if (params.length > 0) lines.push(`- **Parameters:** ${params.join(', ')}.`);
  const warm = [r.measured?.warmup, r.baseline?.warmup].filter((w) => w !== undefined && w > 0);
  if (warm.length > 0) lines.push(`- **Warm-up runs discarded:** ${warm.join(' / ')} (operator / baseline).`);
  lines.push(`- **Target:** ${r.target.text}; judged figure ${judged(r)} → ${verdict(r)}.`);
  const diag = Object.entries(r.diagnostics);
  if (diag.length > 0) {
    lines.push(`- **Side measurements:** ${diag.map(([k, v]) => `${k} = ${String(v)}`).join('; ')}.`);
  }
  for (const note of r.notes) lines.push(`- ${note}`);
  lines.push('');
  return lines;
}

/**
 * Writes bench/figures/<id>.svg and history-<id>.svg for every scenario and bench/REPORT.md.
 * `history` holds every run recorded, this one included.
 */
export async function renderReport(
  result: BenchResult,
  benchDir: string,
  history: HistoryEntry[] = [],
): Promise<void> {
  const figures = path.join(benchDir, 'figures');
  await mkdir(figures, { recursive: true });
  for (const r of result.scenarios) {
    await writeFile(path.join(figures, `${r.id}.svg`), scenarioChart(r));
    await writeFile(path.join(figures, `history-${r.id}.svg`), historyChart(historySeries(r, history)));
  }
  const analysisPath = path.join(benchDir, 'ANALYSIS.md');
  const analysis = existsSync(analysisPath) ? (await readFile(analysisPath, 'utf8')).trim() : '';
  const m = result.machine;
  const passed = result.scenarios.filter((r) => r.pass).length;
  const lines = [
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench` from bench/results/latest.json; edit bench/ANALYSIS.md or bench/report.ts instead. -->',
    '',
    `Run: **${result.mode}** (\`npm run bench${result.mode === 'quick' ? ' -- --quick' : ''}\`), started ${result.startedAt}, ` +
      `${result.durationSeconds} s. ${passed} of ${result.scenarios.length} targets met.`,
    '',
    `**Machine:** ${m.cpus} cores (${m.cpuModel}), ${m.memoryMb} MB RAM, ${m.platform}, kernel ${m.kernel}, Node ${m.node}; ` +
      `load average at start ${m.loadAverageAtStart.join(' / ')}. ${m.note} Every figure is therefore a ` +
      'figure under contention; the baselines run on the same machine in the same run, which is what makes the ratios meaningful.',
    '',
    `**Software:** ${Object.entries(result.environment)
      .filter(([k]) => k !== 'logDir')
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ')}.`,
    '',
    '## Summary',
    '',
    ...summaryTable(result),
    '',
    'Ratios are operator median / baseline median: lower is better for times, higher for requests/s.',
    '',
    '## Over commits',
    '',
    'Every run appends its figures to bench/results/history.jsonl; each scenario below has a chart of its judged ' +
      'figure over the runs recorded (full runs filled, quick runs hollow). The latest runs, newest first ' +
      "(a figure that misses today's target in bold; load = load average at the start):",
    '',
    ...historyTable(result, history),
    '',
    '## How it was measured',
    '',
    '- A fresh local environment per run (kube-apiserver + etcd, Temporal dev server) unless `--reuse-env` is given; ' +
      'the operator, the workflow client, the worker and the REST baseline server run as separate Node processes; ' +
      'the benchmark process drives the load and measures.',
    '- Warm-up runs are taken first and discarded. Figures are the median and the 95th percentile (nearest rank) of ' +
      'the samples kept; n is their number. With few samples p95 is close to the maximum.',
    '- Lifecycle scenarios alternate one baseline sample and one operator sample, so changes in the machine load ' +
      'during the run affect both sides alike.',
    '- Memory is VmRSS from /proc/<pid>/status of the operator process once it is idle (under 3% of a core for a ' +
      "second) and settled: read every second until V8's memory reducer has shrunk the heap after the last burst of " +
      'work and the readings are stable (at most 60 s; 40 s in --quick). The first idle reading and the peak (VmHWM) are side measurements.',
    '- The programs run as the container images run them: `npm run build` at the start of the run, then the ' +
      '`CMD` of each stage of build/Dockerfile (see Software above); `--tsx` runs them from the sources instead.',
    "- Side measurements: operator CPU time from /proc/<pid>/stat, and the API server's own " +
      "`apiserver_request_total` counters for `temporalactionintents` (every client, the benchmark's creates included).",
    '- The test suite makes no timing assertions; a unit test checks result files against bench/result.schema.json.',
    '',
    '## Scenarios',
    '',
    ...result.scenarios.flatMap(scenarioSection),
  ];
  if (analysis !== '') lines.push('## Where the time and memory go', '', analysis, '');
  lines.push(
    '## Running it',
    '',
    '```',
    'npm run bench                  # full sizes (10,000 intents for memory, a 30-minute soak), about 40 minutes on 2 cores',
    'npm run bench -- --quick       # the same scenarios smaller, some 5 minutes plus a 3-minute soak',
    'npm run bench -- --reuse-env   # use the environment of `npm run env:up` instead of a fresh one',
    'npm run bench -- --profile     # also write CPU profiles of the operator (path printed)',
    'npm run bench -- --report-only # re-render this page from bench/results/latest.json (appends nothing)',
    'npm run bench -- --soak-only   # the soak alone, written to bench/results/soak-*.json',
    'npm run bench -- --quick --only=hook-overhead,invoke-throughput  # some scenarios alone, to only-*.json',
    '```',
    '',
  );
  await writeFile(path.join(benchDir, 'REPORT.md'), lines.join('\n'));
}
