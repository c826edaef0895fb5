// Owns one fuzz run against running programs: requests generated lazily in seeded batches
// (fast-check), sent over raw connections with bounded concurrency (stalled connections in a lane
// of their own), each answer judged, the programs checked alive after every batch, and their memory
// after a full GC compared before and after (with the fuzz's resources removed again).
import fc from 'fast-check';
import { kubectl } from '../../testenv/env.js';
import type { MemorySample } from './memory-probe.js';
import { OPERATOR_REQUEST_TIMEOUT_MS, type FuzzProgram, type FuzzPrograms } from './programs.js';
import { sendRaw, type Delivery, type RawAnswer } from './raw-http.js';
import { encodeRequest, requestFor, stalledFor, type FuzzRequest, type Target } from './requests.js';
import { clientRoutes, operatorRoutes, type FuzzRoute } from './routes.js';
import { judge } from './verdict.js';

export interface FuzzOptions {
  seed: number;
  /** Requests of the measured run (the warm-up comes on top). */
  count: number;
  /** Requests before the memory baseline: JIT, pools and caches fill up first. */
  warmup: number;
  /** Requests in flight at once (the stalled lane has its own bound). */
  concurrency: number;
  /** One request in this many is a stalled one (0: none). */
  stallEvery: number;
  log?: (message: string) => void;
}

export interface Failure {
  index: number;
  target: Target;
  route: string;
  method: string;
  path: string;
  mutation: string;
  delivery: string;
  problems: string[];
  status?: number;
}

export interface MemoryCheck {
  program: string;
  before: MemorySample;
  after: MemorySample;
  /** heapUsed growth in bytes, and the bound it had to stay within. */
  heapGrowth: number;
  heapBound: number;
  rssGrowth: number;
  rssBound: number;
  ok: boolean;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  warmup: number;
  durationMs: number;
  byTarget: Record<string, number>;
  byRoute: Record<string, number>;
  /** Requests that reached their route unbent (method and path as registered). */
  onRouteByRoute: Record<string, number>;
  statuses: Record<string, Record<string, number>>;
  outcomes: Record<string, number>;
  mutations: Record<string, number>;
  latencyMs: { p50: number; p99: number; max: number; samples: number };
  stalled: { count: number; maxAnswerMs: number };
  failures: Failure[];
  failureCount: number;
  crashes: string[];
  memory: MemoryCheck[];
  unfuzzedRoutes: string[];
}

const BATCH = 200;
const MIB = 1024 * 1024;
/** Deadline of an ordinary request: the operator's request timeout plus slack for a busy machine. */
export const ORDINARY_DEADLINE_MS = OPERATOR_REQUEST_TIMEOUT_MS + 10_000;
/**
 * Deadline of a stalled request (headers or body never finish): the servers' receive timeouts
 * (operator: 10 s here, or its 15 s request timeout where the receive timeout is not configurable;
 * workflow client: 30 s for the whole request), plus
 * Node's interval for checking them (`connectionsCheckingInterval`, 30 s unless a server sets it),
 * plus slack for a busy machine.
 */
export const STALL_DEADLINE_MS = 70_000;
/** Stalled connections open at once. */
const STALL_LANE = 24;

/**
 * Memory bounds after the run, against the baseline (both after a full GC): the V8 heap may grow
 * by 10 % + 16 MiB (caches that are full by design: TokenReview/SAR caches, lifecycle outcomes,
 * metric label sets); RSS by 25 % + 64 MiB (the allocator keeps freed pages, so RSS is a coarse
 * leak detector only).
 */
export function memoryBounds(before: MemorySample): { heap: number; rss: number } {
  return { heap: before.heapUsed * 0.1 + 16 * MIB, rss: before.rss * 0.25 + 64 * MIB };
}

function fuzzArbitrary(
  operator: FuzzRoute[],
  client: FuzzRoute[],
  stallEvery: number,
): fc.Arbitrary<FuzzRequest> {
  const ordinary = fc.oneof(
    { weight: 6, arbitrary: requestFor('operator', operator) },
    { weight: 1, arbitrary: requestFor('operator-auth', operator) },
    { weight: 3, arbitrary: requestFor('client', client) },
  );
  if (stallEvery <= 0) return ordinary;
  return fc.oneof(
    { weight: stallEvery - 1, arbitrary: ordinary },
    { weight: 1, arbitrary: fc.oneof(stalledFor('operator', operator), stalledFor('client', client)) },
  );
}

/** 32-bit seed of batch `i` of a run seeded `seed`. */
function batchSeed(seed: number, i: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(i + 1, 0xc2b2ae35)) | 0;
}

function describeDelivery(d: Delivery): string {
  if (d.kind === 'whole') return 'whole';
  if (d.kind === 'slow') return `slow(${d.chunks}x${d.pauseMs}ms)`;
  return `${d.kind}(${d.keep})`;
}

function programOf(programs: FuzzPrograms, target: Target): FuzzProgram {
  if (target === 'operator') return programs.operator;
  if (target === 'operator-auth') return programs.operatorAuth;
  return programs.client;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Sends one request and judges its answer. */
async function fire(
  programs: FuzzPrograms,
  req: FuzzRequest,
): Promise<{ answer: RawAnswer; problems: string[]; stalled: boolean }> {
  const program = programOf(programs, req.target);
  const url = new URL(program.url);
  const wire = encodeRequest(req, url.host, {
    ...(req.target === 'client' ? { token: programs.clientToken } : {}),
    unprivileged: programs.unprivilegedToken,
  });
  let delivery = req.delivery;
  if (delivery.kind === 'stall' && delivery.keep < 0) {
    const bodyLength = wire.bytes.length - wire.headEnd;
    delivery = {
      kind: 'stall',
      keep:
        req.framing === 'long-length' || bodyLength === 0
          ? wire.bytes.length
          : wire.headEnd + Math.floor(bodyLength / 2),
    };
  }
  // Chunked framing with no chunk at all never ends either: the server waits as for a stalled body.
  const unterminated = req.framing === 'bad-chunked' && wire.bytes.length === wire.headEnd;
  const deadline = delivery.kind === 'stall' || unterminated ? STALL_DEADLINE_MS : ORDINARY_DEADLINE_MS;
  const answer = await sendRaw(url.hostname, Number(url.port), wire.bytes, delivery, req.method, deadline);
  return { answer, problems: judge(req, answer, deadline), stalled: deadline === STALL_DEADLINE_MS };
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/** Deletes every intent the fuzz created and waits until the API server has none left. */
export async function removeFuzzResources(programs: FuzzPrograms): Promise<void> {
  const resource = 'temporalactionintents.tac.emco.io';
  await kubectl(programs.env, ['delete', resource, '--all', '-n', programs.namespace, '--wait=false']);
  const deadline = Date.now() + 300_000;
  let left = '';
  while (Date.now() < deadline) {
    left = (await kubectl(programs.env, ['get', resource, '-n', programs.namespace, '-o', 'name'])).trim();
    if (left === '') return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`fuzz intents still present 300 s after their deletion:\n${left.slice(0, 2000)}`);
}

async function settle(programs: FuzzPrograms): Promise<void> {
  await removeFuzzResources(programs);
  // Idle keep-alive and stalled sockets close on their own timers; the informer sees the deletes.
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const res = await fetch(
      `${programs.operator.url}/v2/projects/fuzzp/composite-apps/app/v1/deployment-intent-groups/dig1/temporal-action-controller`,
    );
    if ((await res.text()).trim() === 'null') break;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function measure(programs: FuzzPrograms): Promise<Record<string, MemorySample>> {
  const out: Record<string, MemorySample> = {};
  for (const p of programs.all()) out[p.name] = await p.memory();
  return out;
}

function crashes(programs: FuzzPrograms): string[] {
  return programs
    .all()
    .map((p) => ({ p, exit: p.exit() }))
    .filter((x) => x.exit !== undefined)
    .map((x) => `${x.p.name} ended (${x.exit ?? ''}); log tail:\n${x.p.logTail(40)}`);
}

/** Runs `count` generated requests (after `warmup` more) and reports what happened. */
export async function runFuzz(programs: FuzzPrograms, options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => undefined);
  const operator = operatorRoutes();
  const client = clientRoutes();
  const arbitrary = fuzzArbitrary(operator, client, options.stallEvery);
  const report: FuzzReport = {
    seed: options.seed,
    requests: 0,
    warmup: options.warmup,
    durationMs: 0,
    byTarget: {},
    byRoute: {},
    onRouteByRoute: {},
    statuses: {},
    outcomes: {},
    mutations: {},
    latencyMs: { p50: 0, p99: 0, max: 0, samples: 0 },
    stalled: { count: 0, maxAnswerMs: 0 },
    failures: [],
    failureCount: 0,
    crashes: [],
    memory: [],
    unfuzzedRoutes: [],
  };
  const latencies: number[] = [];

  async function phase(seed: number, count: number, record: boolean, indexBase: number): Promise<void> {
    const stalls = new Set<Promise<void>>();
    let batch: FuzzRequest[] = [];
    let produced = 0;
    let dead = false;
    /** The next request: generated lazily, a seeded batch at a time (batch i has its own seed). */
    const take = (): { req: FuzzRequest; index: number } | undefined => {
      if (dead || produced >= count) return undefined;
      const inBatch = produced % BATCH;
      if (inBatch === 0) {
        batch = fc.sample(arbitrary, {
          seed: batchSeed(seed, produced / BATCH),
          numRuns: Math.min(BATCH, count - produced),
        });
      }
      const req = batch[inBatch];
      if (req === undefined) return undefined;
      const index = indexBase + produced++;
      if (produced % (BATCH * 5) === 0) {
        const gone = crashes(programs);
        if (gone.length > 0) {
          report.crashes.push(...gone);
          dead = true;
        }
        if (record && produced % (BATCH * 25) === 0) {
          log(`[fuzz] ${produced}/${count} requests, ${report.failureCount} failures`);
        }
      }
      return { req, index };
    };
    const handle = async (req: FuzzRequest, index: number): Promise<void> => {
      const { answer, problems, stalled } = await fire(programs, req);
      if (problems.length > 0) {
        report.failureCount++;
        if (report.failures.length < 50) {
          const failure = failureOf(req, index, answer, problems);
          report.failures.push(failure);
          log(`[fuzz] failure: ${JSON.stringify(failure)}`);
        }
      }
      if (!record) return;
      report.requests++;
      bump(report.byTarget, req.target);
      const label = `${req.route.program} ${req.route.label}`;
      bump(report.byRoute, label);
      if (req.onRoute) bump(report.onRouteByRoute, label);
      report.statuses[req.target] ??= {};
      const statuses = report.statuses[req.target] ?? {};
      bump(statuses, answer.status === undefined ? answer.outcome : String(answer.status));
      bump(report.outcomes, answer.outcome);
      for (const m of req.mutation.split('+')) bump(report.mutations, m);
      if (stalled) {
        report.stalled.count++;
        report.stalled.maxAnswerMs = Math.max(report.stalled.maxAnswerMs, Math.round(answer.latencyMs));
      } else if (req.delivery.kind === 'whole' && answer.outcome === 'answered') {
        latencies.push(answer.latencyMs);
      }
    };
    const workers = Array.from({ length: options.concurrency }, async () => {
      for (let next = take(); next !== undefined; next = take()) {
        const { req, index } = next;
        if (req.delivery.kind === 'stall') {
          while (stalls.size >= STALL_LANE) await Promise.race(stalls);
          const p: Promise<void> = handle(req, index).finally(() => stalls.delete(p));
          stalls.add(p);
          continue;
        }
        await handle(req, index);
      }
    });
    await Promise.all(workers);
    await Promise.all(stalls);
    const gone = crashes(programs);
    if (gone.length > 0 && !dead) report.crashes.push(...gone);
  }

  const started = Date.now();
  log(`[fuzz] warm-up: ${options.warmup} requests (seed ${options.seed ^ 0x5eed})`);
  await phase(options.seed ^ 0x5eed, options.warmup, false, -options.warmup);
  await settle(programs);
  const before = await measure(programs);
  log(`[fuzz] baseline memory after GC: ${JSON.stringify(before)}`);
  const mainStarted = Date.now();
  await phase(options.seed, options.count, true, 0);
  report.durationMs = Date.now() - mainStarted;
  if (report.crashes.length === 0) {
    let after: Record<string, MemorySample> = {};
    try {
      await settle(programs);
      after = await measure(programs);
    } catch (err) {
      report.crashes.push(
        `memory after the run not measured: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    for (const [name, b] of Object.entries(before)) {
      const a = after[name];
      if (a === undefined) continue;
      const bounds = memoryBounds(b);
      const heapGrowth = a.heapUsed - b.heapUsed;
      const rssGrowth = a.rss - b.rss;
      report.memory.push({
        program: name,
        before: b,
        after: a,
        heapGrowth,
        heapBound: Math.round(bounds.heap),
        rssGrowth,
        rssBound: Math.round(bounds.rss),
        ok: heapGrowth <= bounds.heap && rssGrowth <= bounds.rss,
      });
    }
  }
  latencies.sort((x, y) => x - y);
  report.latencyMs = {
    p50: Math.round(percentile(latencies, 50) * 10) / 10,
    p99: Math.round(percentile(latencies, 99) * 10) / 10,
    max: Math.round((latencies[latencies.length - 1] ?? 0) * 10) / 10,
    samples: latencies.length,
  };
  report.unfuzzedRoutes = [...operator, ...client]
    .map((r) => `${r.program} ${r.label}`)
    .filter((label) => (report.onRouteByRoute[label] ?? 0) === 0);
  log(`[fuzz] done in ${Date.now() - started} ms`);
  return report;
}

function failureOf(req: FuzzRequest, index: number, answer: RawAnswer, problems: string[]): Failure {
  return {
    index,
    target: req.target,
    route: req.route.label,
    method: req.method,
    path: req.path.length > 300 ? `${req.path.slice(0, 300)}… (${req.path.length} chars)` : req.path,
    mutation: req.mutation,
    delivery: describeDelivery(req.delivery),
    problems,
    ...(answer.status !== undefined ? { status: answer.status } : {}),
  };
}

/** Everything wrong with a report, one line each; empty when the run passed. */
export function reportProblems(report: FuzzReport): string[] {
  const out: string[] = [];
  for (const c of report.crashes) out.push(`crash: ${c}`);
  if (report.failureCount > 0) {
    out.push(`${report.failureCount} requests answered wrongly; first ones:`);
    for (const f of report.failures.slice(0, 10)) out.push(`  ${JSON.stringify(f)}`);
  }
  for (const m of report.memory) {
    if (!m.ok) {
      out.push(
        `${m.program}: memory not back to its baseline: heapUsed +${(m.heapGrowth / MIB).toFixed(1)} MiB ` +
          `(bound ${(m.heapBound / MIB).toFixed(1)}), rss +${(m.rssGrowth / MIB).toFixed(1)} MiB (bound ${(m.rssBound / MIB).toFixed(1)})`,
      );
    }
  }
  if (report.crashes.length === 0 && report.memory.length === 0) out.push('memory was not measured');
  if (report.unfuzzedRoutes.length > 0) out.push(`routes never reached: ${report.unfuzzedRoutes.join(', ')}`);
  return out;
}
