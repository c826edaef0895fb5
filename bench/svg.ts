// Owns the report's figures: a small hand-written SVG chart per scenario with the baseline and the
// measured side as bars to the median, a whisker to p95, every sample as a dot, and the target as
// a dashed line. No browser or plotting library: the markup is built as text.

import type { Figure, ScenarioResult } from './result.js';

const WIDTH = 640;
const LEFT = 110;
const RIGHT = 45;
const ROW = 46;
const TOP = 52;
const AXIS = 34;
const COLORS = { baseline: '#8c96a8', measured: '#2f6fdb', pass: '#1a7f37', fail: '#c62828', target: '#444' };

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Axis ticks of 1, 2 or 5 × 10^k covering [0, max]. */
export function niceTicks(max: number, wanted = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / wanted;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if ((ticks[ticks.length - 1] ?? 0) < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

export function formatValue(value: number, unit: string): string {
  if (unit === 'ms' && Math.abs(value) >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (unit === 'ms' && Math.abs(value) >= 1000) return `${(value / 1000).toFixed(2)} s`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

/** An axis label: as few digits as the tick needs (`0`, `50 ms`, `1.5 s`). */
export function formatTick(value: number, unit: string): string {
  const trim = (v: number): string => String(Number(v.toPrecision(6)));
  if (value === 0) return '0';
  if (unit === 'ms' && value >= 1000) return `${trim(value / 1000)} s`;
  return `${trim(value)} ${unit}`;
}

/** Text drawn over the plot keeps a white outline, so grid and target lines never hide it. */
const HALO = 'stroke="#fff" stroke-width="3" paint-order="stroke"';

interface Row {
  label: string;
  figure: Figure;
  color: string;
}

/** The target as a value on the axis: absolute, the baseline median times the ratio, or plus the difference. */
function targetValue(r: ScenarioResult): number | undefined {
  if (r.target.kind === 'max') return r.target.value;
  if (r.target.kind === 'diff-max')
    return r.baseline === null ? undefined : r.baseline.median + r.target.value;
  if (r.baseline === null) return undefined;
  return r.baseline.median * r.target.value;
}

export function scenarioChart(r: ScenarioResult): string {
  const rows: Row[] = [];
  if (r.baseline !== null) rows.push({ label: 'baseline', figure: r.baseline, color: COLORS.baseline });
  const measuredLabel =
    r.extrapolation !== undefined
      ? `${Number(r.parameters.intents ?? 0).toLocaleString('en-US')} intents`
      : 'operator';
  if (r.measured !== null) rows.push({ label: measuredLabel, figure: r.measured, color: COLORS.measured });
  const target = targetValue(r);
  const extrapolated = r.extrapolation?.value;
  const max = Math.max(
    ...rows.flatMap((row) => [row.figure.max, row.figure.p95]),
    target ?? 0,
    extrapolated ?? 0,
    1e-9,
  );
  const ticks = niceTicks(max * 1.05);
  const axisMax = ticks[ticks.length - 1] ?? max;
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (v: number): number => LEFT + (v / axisMax) * plotWidth;
  const extraRows = extrapolated !== undefined ? 1 : 0;
  const height = TOP + (rows.length + extraRows) * ROW + AXIS + 26;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(r.title)}</text>`,
  );
  const plotBottom = TOP + (rows.length + extraRows) * ROW;
  for (const t of ticks) {
    const tx = x(t).toFixed(1);
    out.push(
      `<line x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${plotBottom}" stroke="#e3e3e3"/>`,
      `<text x="${tx}" y="${plotBottom + 16}" text-anchor="middle" fill="#555">${escapeXml(formatTick(t, r.unit))}</text>`,
    );
  }
  if (target !== undefined) {
    const tx = x(target).toFixed(1);
    out.push(
      `<line x1="${tx}" y1="${TOP - 8}" x2="${tx}" y2="${plotBottom}" stroke="${COLORS.target}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
      `<text x="${tx}" y="${TOP - 12}" text-anchor="middle" fill="${COLORS.target}" font-size="11" ${HALO}>target ${escapeXml(r.target.text)}</text>`,
    );
  }
  rows.forEach((row, i) => {
    const y = TOP + i * ROW;
    const f = row.figure;
    out.push(
      `<text x="${LEFT - 8}" y="${y + 20}" text-anchor="end">${row.label}</text>`,
      `<rect x="${LEFT}" y="${y + 6}" width="${(x(f.median) - LEFT).toFixed(1)}" height="22" fill="${row.color}" opacity="0.85"/>`,
      `<line x1="${x(f.median).toFixed(1)}" y1="${y + 17}" x2="${x(f.p95).toFixed(1)}" y2="${y + 17}" stroke="#222" stroke-width="1.5"/>`,
      `<line x1="${x(f.p95).toFixed(1)}" y1="${y + 11}" x2="${x(f.p95).toFixed(1)}" y2="${y + 23}" stroke="#222" stroke-width="1.5"/>`,
    );
    f.values.forEach((v, j) => {
      const jitter = ((j * 7) % 11) - 5;
      out.push(
        `<circle cx="${x(v).toFixed(1)}" cy="${(y + 17 + jitter * 0.9).toFixed(1)}" r="2.2" fill="#000" opacity="0.45"/>`,
      );
    });
    out.push(
      `<text x="${LEFT + 4}" y="${y + 42}" fill="#333" font-size="11" ${HALO}>median ${escapeXml(formatValue(f.median, r.unit))} · p95 ${escapeXml(formatValue(f.p95, r.unit))} · n = ${f.n}</text>`,
    );
  });
  if (extrapolated !== undefined && r.extrapolation !== undefined) {
    const y = TOP + rows.length * ROW;
    out.push(
      `<text x="${LEFT - 8}" y="${y + 20}" text-anchor="end">estimate</text>`,
      `<rect x="${LEFT}" y="${y + 6}" width="${(x(extrapolated) - LEFT).toFixed(1)}" height="22" fill="none" stroke="${COLORS.measured}" stroke-dasharray="4 3"/>`,
      `<text x="${LEFT + 4}" y="${y + 42}" fill="#333" font-size="11" ${HALO}>linear from ${r.extrapolation.points.map((p) => p.x).join(' and ')} intents to ${r.extrapolation.x}: ${escapeXml(formatValue(extrapolated, r.unit))}</text>`,
    );
  }
  const verdict =
    r.status === 'error'
      ? `error: ${r.error ?? ''}`
      : r.target.kind === 'diff-max' && r.figure !== null
        ? `difference of the medians ${r.figure >= 0 ? '+' : ''}${formatValue(r.figure, r.unit)} · ${r.pass ? 'meets' : 'misses'} the target`
        : `${r.ratio !== null ? `ratio ${r.ratio.toFixed(2)}× · ` : ''}${r.pass ? 'meets' : 'misses'} the target`;
  out.push(
    `<text x="10" y="${height - 8}" fill="${r.pass ? COLORS.pass : COLORS.fail}" font-weight="bold">${escapeXml(verdict)}</text>`,
    '</svg>',
  );
  return out.join('\n') + '\n';
}

/** What a history chart draws: a scenario's judged figure per run, and its target. */
export interface HistorySeries {
  title: string;
  /** "×" for ratio targets, else the scenario's unit. */
  unit: string;
  target: { value: number; text: string };
  points: Array<{ commit: string; mode: 'quick' | 'full'; date: string; figure: number; pass: boolean }>;
}

const HISTORY_HEIGHT = 230;
const HISTORY_TOP = 44;
const HISTORY_BOTTOM = 62;

/**
 * A scenario's judged figure over the runs in the history, oldest left: one dot per run (filled for
 * full runs, hollow for quick ones; green when it met the target, red when not), joined by a line,
 * with the target as a dashed line and each run's commit under its dot.
 */
export function historyChart(s: HistorySeries): string {
  const unitText = s.unit === '×' ? '×' : ` ${s.unit}`;
  const fmt = (v: number): string =>
    s.unit === '×' ? `${v.toFixed(2)}×` : formatValue(v, s.unit).replace(` ${s.unit}`, unitText);
  const max = Math.max(s.target.value, ...s.points.map((p) => p.figure), 1e-9);
  const ticks = niceTicks(max * 1.1);
  const axisMax = ticks[ticks.length - 1] ?? max;
  const plotHeight = HISTORY_HEIGHT - HISTORY_TOP - HISTORY_BOTTOM;
  const plotWidth = WIDTH - LEFT - RIGHT;
  const y = (v: number): number => HISTORY_TOP + plotHeight - (v / axisMax) * plotHeight;
  const n = s.points.length;
  const x = (i: number): number => LEFT + (n <= 1 ? plotWidth / 2 : (i / (n - 1)) * plotWidth);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HISTORY_HEIGHT}" viewBox="0 0 ${WIDTH} ${HISTORY_HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HISTORY_HEIGHT}" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(s.title)} — over commits</text>`,
  ];
  for (const t of ticks) {
    const ty = y(t).toFixed(1);
    out.push(
      `<line x1="${LEFT}" y1="${ty}" x2="${WIDTH - RIGHT}" y2="${ty}" stroke="#e3e3e3"/>`,
      `<text x="${LEFT - 8}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" fill="#555">${escapeXml(s.unit === '×' ? `${String(Number(t.toPrecision(6)))}×` : formatTick(t, s.unit))}</text>`,
    );
  }
  const ty = y(s.target.value).toFixed(1);
  out.push(
    `<line x1="${LEFT}" y1="${ty}" x2="${WIDTH - RIGHT}" y2="${ty}" stroke="${COLORS.target}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    `<text x="${WIDTH - RIGHT}" y="${(y(s.target.value) - 5).toFixed(1)}" text-anchor="end" fill="${COLORS.target}" font-size="11" ${HALO}>target ${escapeXml(s.target.text)}</text>`,
  );
  if (n === 0) {
    out.push(
      `<text x="${LEFT + plotWidth / 2}" y="${HISTORY_TOP + plotHeight / 2}" text-anchor="middle" fill="#555">no runs recorded yet</text>`,
    );
  }
  if (n > 1) {
    const path = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.figure).toFixed(1)}`);
    out.push(`<path d="${path.join(' ')}" fill="none" stroke="${COLORS.measured}" stroke-width="1.5"/>`);
  }
  s.points.forEach((p, i) => {
    const color = p.pass ? COLORS.pass : COLORS.fail;
    const cx = x(i).toFixed(1);
    const cy = y(p.figure).toFixed(1);
    out.push(
      `<circle cx="${cx}" cy="${cy}" r="4" fill="${p.mode === 'full' ? color : '#fff'}" stroke="${color}" stroke-width="2"><title>${escapeXml(`${p.commit} (${p.mode}, ${p.date}): ${fmt(p.figure)}`)}</title></circle>`,
      `<text x="${cx}" y="${HISTORY_TOP + plotHeight + 16}" text-anchor="end" fill="#333" font-size="10" transform="rotate(-30 ${cx} ${HISTORY_TOP + plotHeight + 16})">${escapeXml(p.commit.slice(0, 12))}</text>`,
    );
  });
  const last = s.points[n - 1];
  if (last !== undefined) {
    out.push(
      `<text x="10" y="${HISTORY_HEIGHT - 8}" fill="${last.pass ? COLORS.pass : COLORS.fail}" font-weight="bold">${escapeXml(`latest ${fmt(last.figure)} (${last.commit}, ${last.mode})`)}</text>`,
    );
  }
  out.push(
    `<text x="${WIDTH - RIGHT}" y="${HISTORY_HEIGHT - 8}" text-anchor="end" fill="#555" font-size="11">● full run  ○ quick run</text>`,
    '</svg>',
  );
  return out.join('\n') + '\n';
}
