// Owns the chaos result: the JSON written to bench/results/chaos-*.json, the verdict of a whole
// run, and the table (fault × events, lost, duplicated, wrong outcomes, recovery time) as plain
// text for the console and as Markdown for the results and docs/reliability.md.
import { clean, type Finding } from './verdict.js';

export const CHAOS_SCHEMA_VERSION = 1;

export interface FaultRow {
  id: string;
  family: number;
  title: string;
  events: number;
  failedEvents: number;
  lost: number;
  duplicated: number;
  wrong: number;
  unanswered: number;
  injections: number;
  /** Injections whose trigger was seen (the others hit at the trigger's deadline). */
  triggered: number;
  /** Longest recovery over the injections, ms; null when one did not recover within the limit. */
  recoveryMaxMs: number | null;
  recoveryMs: Array<number | null>;
  durationMs: number;
  findings: Finding[];
  error?: string;
}

export interface ChaosResult {
  schemaVersion: typeof CHAOS_SCHEMA_VERSION;
  mode: 'quick' | 'full';
  startedAt: string;
  finishedAt: string;
  commit: string;
  machine: string;
  sizes: { events: number; injections: number; concurrency: number; sleep: string };
  rows: FaultRow[];
  passed: boolean;
}

/** A row passes when nothing was lost, duplicated, wrong or unanswered, and the fault ran. */
export function rowPassed(r: FaultRow): boolean {
  return clean(r) && r.error === undefined && r.events > 0;
}

export function passed(rows: FaultRow[]): boolean {
  return rows.length > 0 && rows.every(rowPassed);
}

function seconds(ms: number | null): string {
  return ms === null ? 'none' : `${(ms / 1000).toFixed(1)} s`;
}

const HEADERS = [
  'fault',
  'events',
  'lost',
  'duplicated',
  'wrong',
  'unanswered',
  'failed by fault',
  'recovery (max)',
  'verdict',
];

function cells(r: FaultRow): string[] {
  return [
    r.id,
    String(r.events),
    String(r.lost),
    String(r.duplicated),
    String(r.wrong),
    String(r.unanswered),
    String(r.failedEvents),
    seconds(r.recoveryMaxMs),
    rowPassed(r) ? 'pass' : 'FAIL',
  ];
}

/** Column-aligned text table for the console. */
export function textTable(rows: FaultRow[]): string {
  const body = rows.map(cells);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...body.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]): string => c.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ');
  return [line(HEADERS), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

export function markdownTable(rows: FaultRow[]): string {
  const head = [
    'fault',
    'what breaks',
    'events',
    'lost',
    'duplicated',
    'wrong outcomes',
    'unanswered',
    'events failed by the fault',
    'recovery (max)',
    'verdict',
  ];
  const out = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const c = cells(r);
    out.push(
      `| ${[c[0], r.title, c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]].map((v) => (v ?? '').replace(/\|/g, '\\|')).join(' | ')} |`,
    );
  }
  return out.join('\n');
}

/** Markdown of a whole run: the table, then every finding, then the errors. */
export function markdownReport(result: ChaosResult): string {
  const lines = [
    `Chaos run (${result.mode}) of ${result.startedAt} on commit ${result.commit}: ${result.passed ? 'every fault passed' : 'FAILED'}.`,
    '',
    `${result.sizes.events} events per fault (half with two intents running, every fourth failing on purpose), ` +
      `${result.sizes.injections} injection(s) per fault, ${result.sizes.concurrency} events in flight, blocking runs of ${result.sizes.sleep}; ${result.machine}.`,
    '',
    markdownTable(result.rows),
  ];
  const findings = result.rows.flatMap((r) => r.findings.map((f) => ({ row: r.id, ...f })));
  if (findings.length > 0) {
    lines.push('', 'Findings:', '');
    for (const f of findings.slice(0, 200)) {
      lines.push(
        `- ${f.row}: ${f.what} — event ${f.eventId}${f.intent !== undefined ? `, intent ${f.intent}` : ''}: ${f.detail}`,
      );
    }
  }
  const errors = result.rows.filter((r) => r.error !== undefined);
  if (errors.length > 0) {
    lines.push('', 'Errors:', '');
    for (const r of errors) lines.push(`- ${r.id}: ${r.error ?? ''}`);
  }
  return lines.join('\n') + '\n';
}
