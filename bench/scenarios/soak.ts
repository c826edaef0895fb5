// Owns the soak scenario: lifecycle events without pause plus intent create/update/delete churn
// for a long time (30 min in full mode), sampling the operator's resident memory, V8 heap and open
// handles; reports their slopes and the event latency at the start and at the end. The verdict is
// the p99 per time window at the end against the start (median over the windows of each side).
import { randomUUID } from 'node:crypto';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION } from '../../common/model/types.js';
import { readMemory } from '../children.js';
import type { BenchContext, ScenarioMeta } from '../context.js';
import { BENCH_APP, BENCH_APP_VERSION, BENCH_PROJECT, intentSet } from '../intents.js';
import { createIntent, intentsApi, pool, watchUntilReconciled } from '../kube.js';
import type { ScenarioSamples } from '../result.js';
import { OPERATOR_NAMESPACE } from '../stack.js';
import { nearestRank, round } from '../stats.js';

export const SOAK_META: ScenarioMeta = {
  id: 'soak',
  title: 'Soak: continuous events with intent create/update/delete churn',
  unit: 'ms',
  better: 'lower',
  target: {
    kind: 'ratio-max',
    value: 1.2,
    text: 'event latency p99 at the end ≤ 1.2× the start (median of per-window p99s)',
  },
  parameters: {},
};

export class SoakError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SoakError';
  }
}

/** One reading of the operator process. */
export interface ProcessSample {
  /** ms since the soak started. */
  t: number;
  rssMb: number;
  heapUsedMb: number;
  handles: number;
}

/** One answered event: when it started (ms since the soak started) and how long it took. */
export interface EventSample {
  t: number;
  ms: number;
}

/** Least-squares slope of `v` over `t` (ms), per hour; 0 with fewer than two distinct times. */
export function slopePerHour(points: ReadonlyArray<{ t: number; v: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const mv = points.reduce((a, p) => a + p.v, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.v - mv);
    den += (p.t - mt) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 3_600_000;
}

/** The value of an unlabelled sample of `name` in Prometheus text exposition; undefined when absent. */
export function promValue(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name} `)) continue;
    const value = Number(
      line
        .slice(name.length + 1)
        .trim()
        .split(' ')[0],
    );
    if (Number.isFinite(value)) return value;
  }
  return undefined;
}

/**
 * The p99 of each of `count` equal windows between `from` and `to` (ms since start); windows with
 * fewer than 10 events are left out (a p99 of a handful is noise).
 */
export function windowP99s(
  events: readonly EventSample[],
  from: number,
  to: number,
  count: number,
): number[] {
  const width = (to - from) / count;
  const out: number[] = [];
  for (let w = 0; w < count; w++) {
    const lo = from + w * width;
    const hi = lo + width;
    const inside = events
      .filter((e) => e.t >= lo && e.t < hi)
      .map((e) => e.ms)
      .sort((a, b) => a - b);
    if (inside.length >= 10) out.push(nearestRank(inside, 0.99));
  }
  return out;
}

function quantile(events: readonly EventSample[], from: number, to: number, q: number): number | undefined {
  const v = events
    .filter((e) => e.t >= from && e.t < to)
    .map((e) => e.ms)
    .sort((a, b) => a - b);
  return v.length === 0 ? undefined : nearestRank(v, q);
}

async function sampleProcess(ctx: BenchContext, t: number): Promise<ProcessSample> {
  const pid = ctx.stack.operator().pid;
  const { rssMb } = await readMemory(pid);
  const res = await fetch(`${ctx.stack.restUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  const heap = promValue(text, 'nodejs_heap_size_used_bytes');
  const handles = promValue(text, 'nodejs_active_handles_total');
  if (heap === undefined || handles === undefined) {
    throw new SoakError(
      'the operator /metrics lacks nodejs_heap_size_used_bytes or nodejs_active_handles_total',
    );
  }
  return { t, rssMb, heapUsedMb: heap / 2 ** 20, handles };
}

function lifecycleUrl(restUrl: string, dig: string): string {
  return (
    `${restUrl}/tac/v1/projects/${BENCH_PROJECT}/composite-apps/${BENCH_APP}/${BENCH_APP_VERSION}` +
    `/deployment-intent-groups/${dig}/lifecycle-events`
  );
}

/** Keeps a bounded population of intents changing: one create, one update, one delete per tick. */
async function churnTick(
  api: CustomObjectsApi,
  ctx: BenchContext,
  serial: number,
  live: string[],
): Promise<void> {
  const [obj] = intentSet(
    { namespace: OPERATOR_NAMESPACE, dig: 'soak-churn', count: 1, clientPort: ctx.stack.clientPort },
    serial,
  );
  if (obj === undefined) return;
  await createIntent(api, obj);
  live.push(obj.metadata.name ?? '');
  const base = { group: GROUP, version: VERSION, plural: PLURAL, namespace: OPERATOR_NAMESPACE };
  const target = live[Math.floor(live.length / 2)];
  if (target !== undefined) {
    await api.patchNamespacedCustomObject({
      ...base,
      name: target,
      body: [{ op: 'replace', path: '/spec/hookBlockingTimeout', value: `${60 + (serial % 60)}s` }],
    });
  }
  if (live.length > ctx.sizes.soak.churnIntents) {
    const oldest = live.shift();
    if (oldest !== undefined) await api.deleteNamespacedCustomObject({ ...base, name: oldest });
  }
}

export async function soak(ctx: BenchContext): Promise<ScenarioSamples> {
  const { durationMs, digs, sampleEveryMs, windows } = ctx.sizes.soak;
  const api = intentsApi(ctx.stack.kc);
  // Event DIGs of one blocking noop intent each, fired in turn with a fresh event id every time.
  const names = Array.from({ length: digs }, (_, i) => `soak-${String(i).padStart(2, '0')}`);
  for (const dig of names) {
    const watch = watchUntilReconciled(ctx.stack.kc, OPERATOR_NAMESPACE, dig, 1, 120_000);
    const objs = intentSet({
      namespace: OPERATOR_NAMESPACE,
      dig,
      count: 1,
      clientPort: ctx.stack.clientPort,
    });
    await pool(objs, 1, async (o) => {
      await createIntent(api, o);
    });
    await watch.done;
  }

  const t0 = performance.now();
  const now = (): number => performance.now() - t0;
  const end = durationMs;
  const events: EventSample[] = [];
  const processSamples: ProcessSample[] = [];
  const errors: string[] = [];
  const churn = { ticks: 0, errors: 0 };

  // Each loop fires its own half of the DIGs: two events on one intent at once would make one
  // of them fail by design ("another lifecycle event requested a run of this intent first").
  const fireLoop = async (lane: number): Promise<void> => {
    const mine = names.filter((_, i) => i % 2 === lane);
    for (let i = 0; now() < end && i < 10_000_000; i++) {
      const dig = mine[i % mine.length] ?? '';
      const started = now();
      try {
        const res = await fetch(lifecycleUrl(ctx.stack.restUrl, dig), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ hookType: 'pre-install', eventId: randomUUID() }),
          signal: AbortSignal.timeout(120_000),
        });
        const body = (await res.json()) as { succeeded?: boolean; state?: string };
        if (res.status !== 200 || body.succeeded !== true)
          errors.push(`${dig}: ${res.status} ${body.state ?? ''}`);
        else events.push({ t: started, ms: now() - started });
      } catch (err) {
        errors.push(`${dig}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };
  const churnLoop = async (): Promise<void> => {
    const live: string[] = [];
    for (let serial = 0; now() < end && serial < 1_000_000; serial++) {
      try {
        await churnTick(api, ctx, serial, live);
        churn.ticks += 1;
      } catch {
        churn.errors += 1;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  const sampleLoop = async (): Promise<void> => {
    while (now() < end) {
      try {
        processSamples.push(await sampleProcess(ctx, now()));
      } catch (err) {
        errors.push(`sample: ${err instanceof Error ? err.message : String(err)}`);
      }
      await new Promise((r) => setTimeout(r, sampleEveryMs));
    }
  };
  await Promise.all([fireLoop(0), fireLoop(1), churnLoop(), sampleLoop()]);

  // Start: after a warm-up tenth, the next fifth; end: the last fifth.
  const startFrom = end * 0.1;
  const startTo = end * 0.3;
  const endFrom = end * 0.8;
  const measured = windowP99s(events, endFrom, end, windows);
  const baseline = windowP99s(events, startFrom, startTo, windows);
  if (measured.length === 0 || baseline.length === 0) {
    throw new SoakError(
      `too few events per window (${events.length} answered, ${errors.length} errors${errors[0] !== undefined ? `, first: ${errors[0]}` : ''})`,
    );
  }
  const steady = processSamples.filter((s) => s.t >= startFrom);
  const first = steady[0];
  const last = steady[steady.length - 1];
  if (first === undefined || last === undefined) {
    throw new SoakError(
      `no reading of the operator process after the warm-up (${errors.find((e) => e.startsWith('sample')) ?? 'no error'})`,
    );
  }
  const q = (from: number, to: number, p: number): number => round(quantile(events, from, to, p) ?? 0, 1);
  return {
    ...SOAK_META,
    parameters: {
      minutes: round(durationMs / 60_000, 1),
      eventDigs: digs,
      eventsInFlight: 2,
      churnIntents: ctx.sizes.soak.churnIntents,
      windowsPerSide: windows,
    },
    measured: {
      values: measured,
      warmup: 0,
      description: `p99 event latency of each of ${windows} windows in the last fifth of the run`,
    },
    baseline: {
      values: baseline,
      warmup: 0,
      description: `p99 event latency of each of ${windows} windows in the second and third tenths of the run (after a warm-up tenth)`,
    },
    diagnostics: {
      events: events.length,
      eventErrors: errors.length,
      churnTicks: churn.ticks,
      churnErrors: churn.errors,
      latencyP50StartMs: q(startFrom, startTo, 0.5),
      latencyP99StartMs: q(startFrom, startTo, 0.99),
      latencyP50EndMs: q(endFrom, end, 0.5),
      latencyP99EndMs: q(endFrom, end, 0.99),
      rssStartMb: round(first.rssMb, 1),
      rssEndMb: round(last.rssMb, 1),
      rssSlopeMbPerHour: round(slopePerHour(steady.map((s) => ({ t: s.t, v: s.rssMb }))), 1),
      heapUsedStartMb: round(first.heapUsedMb, 1),
      heapUsedEndMb: round(last.heapUsedMb, 1),
      heapSlopeMbPerHour: round(slopePerHour(steady.map((s) => ({ t: s.t, v: s.heapUsedMb }))), 1),
      handlesStart: first.handles,
      handlesEnd: last.handles,
      handlesMax: Math.max(...steady.map((s) => s.handles)),
    },
    notes: [
      'Two event loops fire pre-install events without pause over DIGs of one blocking noop intent (a fresh event id each time); ' +
        'a churn loop creates, updates and deletes one intent each second, keeping a bounded population.',
      'Memory and handle slopes are least-squares fits over the samples after the warm-up tenth; the operator process is read ' +
        'from /proc (RSS) and its /metrics (V8 heap used, active handles).',
      ...(errors.length > 0 ? [`First errors: ${errors.slice(0, 3).join('; ')}`] : []),
    ],
  };
}
