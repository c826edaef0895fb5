// Owns bench/results/history.jsonl: one line per benchmark run (the commit measured, the mode, the
// date, the load at the start, and per scenario the figure judged, the ratio and the medians of
// both sides), appended by every run, so the report can draw each scenario over commits and a
// regression shows at a glance. Lines are plain JSON; a line that does not parse is an error with
// its line number, never skipped.
import { existsSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import type { BenchResult, Status, TargetKind } from './result.js';

export const HISTORY_FILE_NAME = 'history.jsonl';

export interface HistoryScenario {
  /** measured median / baseline median; null without a baseline. */
  ratio: number | null;
  /** The number judged against the target (the ratio, the median, or an estimate). */
  figure: number | null;
  unit: string;
  /** Medians of the measured and the baseline side, in `unit`. */
  measured: number | null;
  baseline: number | null;
  target: { kind: TargetKind; value: number };
  status: Status;
}

export interface HistoryEntry {
  /** The commit measured (`git describe --always --dirty`). */
  commit: string;
  mode: 'quick' | 'full';
  /** When the run started (ISO 8601). */
  date: string;
  loadAverageAtStart?: number[];
  /** Where the figures come from, when not from a run of this code (a seeded line). */
  source?: string;
  scenarios: Record<string, HistoryScenario>;
}

export class HistoryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HistoryError';
  }
}

/** The history line of one run. */
export function historyEntry(result: BenchResult, source?: string): HistoryEntry {
  const scenarios: Record<string, HistoryScenario> = {};
  for (const r of result.scenarios) {
    scenarios[r.id] = {
      ratio: r.ratio,
      figure: r.figure,
      unit: r.unit,
      measured: r.measured?.median ?? null,
      baseline: r.baseline?.median ?? null,
      target: { kind: r.target.kind, value: r.target.value },
      status: r.status,
    };
  }
  return {
    commit: result.environment.commit ?? 'unknown',
    mode: result.mode,
    date: result.startedAt,
    loadAverageAtStart: result.machine.loadAverageAtStart,
    ...(source !== undefined ? { source } : {}),
    scenarios,
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const numberOrNull = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isFinite(v));

function checkEntry(value: unknown): string | undefined {
  if (!isRecord(value)) return 'not an object';
  if (typeof value.commit !== 'string' || value.commit === '') return 'commit missing';
  if (value.mode !== 'quick' && value.mode !== 'full') return 'mode is neither quick nor full';
  if (typeof value.date !== 'string' || Number.isNaN(Date.parse(value.date))) return 'date is not a date';
  if (!isRecord(value.scenarios)) return 'scenarios missing';
  for (const [id, s] of Object.entries(value.scenarios)) {
    if (!isRecord(s)) return `scenario ${id} is not an object`;
    if (!numberOrNull(s.ratio) || !numberOrNull(s.figure)) return `scenario ${id}: ratio/figure not numbers`;
    if (typeof s.unit !== 'string') return `scenario ${id}: unit missing`;
    if (!isRecord(s.target) || typeof s.target.value !== 'number') return `scenario ${id}: target missing`;
  }
  return undefined;
}

/** Parses history.jsonl text (empty lines allowed). Throws HistoryError naming the bad line. */
export function parseHistory(text: string): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new HistoryError(`history line ${i + 1} is not JSON`, { cause: err });
    }
    const problem = checkEntry(value);
    if (problem !== undefined) throw new HistoryError(`history line ${i + 1}: ${problem}`);
    out.push(value as HistoryEntry);
  });
  return out;
}

/** The history in file order; an absent file is an empty history. */
export async function readHistory(file: string): Promise<HistoryEntry[]> {
  if (!existsSync(file)) return [];
  return parseHistory(await readFile(file, 'utf8'));
}

/** Appends one run's line. */
export async function appendHistory(file: string, entry: HistoryEntry): Promise<void> {
  const problem = checkEntry(entry);
  if (problem !== undefined) throw new HistoryError(`refusing to append a bad history line: ${problem}`);
  await appendFile(file, JSON.stringify(entry) + '\n');
}

/** One point of a scenario over time: the run's label and the figure judged there. */
export interface HistoryPoint {
  commit: string;
  mode: 'quick' | 'full';
  date: string;
  figure: number;
  ratio: number | null;
  status: Status;
}

/** A scenario's points in date order (runs where it has no figure are left out). */
export function scenarioSeries(history: HistoryEntry[], id: string): HistoryPoint[] {
  return history
    .flatMap((e) => {
      const s = e.scenarios[id];
      if (s === undefined || s.figure === null) return [];
      return [
        { commit: e.commit, mode: e.mode, date: e.date, figure: s.figure, ratio: s.ratio, status: s.status },
      ];
    })
    .sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
}
