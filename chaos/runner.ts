// Owns one fault's run: its intents created and reconciled, its events fired a few at a time, the
// fault injected whenever its trigger is seen (several times, spread over the events), healed
// after its hold, the recovery measured by probe events, and the outcome counted once every
// requested run has settled.
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type TemporalActionIntentList } from '../common/model/types.js';
import { isAlive } from '../testenv/processes.js';
import { settle } from './census.js';
import type { Fault, FaultContext } from './faults.js';
import { CHAOS_NAMESPACE, type ChaosStack } from './stack.js';
import { tally, type Tally } from './verdict.js';
import {
  FAULT_LABEL,
  createIntents,
  fireUntilAnswered,
  planEvents,
  type FiredEvent,
  type PlannedEvent,
} from './workload.js';

export class FaultRunError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FaultRunError';
  }
}

export interface RunSizes {
  /** Events per fault (probes come on top). */
  events: number;
  /** Times the fault is injected, spread over the events. */
  injections: number;
  /** Events in flight at once. */
  concurrency: number;
  /** Duration of the blocking `sleep` workflow. */
  sleep: string;
}

export interface Injection {
  /** ms from the fault's start; whether its trigger was seen (else it was injected at the deadline). */
  at: number;
  triggered: boolean;
  /** Date.now() when the heal began. */
  healedAt: number;
  /** ms from the heal to the first probe event that succeeded (undefined: none within the limit). */
  recoveryMs?: number;
  error?: string;
}

export interface FaultRun {
  fault: Fault;
  tally: Tally;
  injections: Injection[];
  durationMs: number;
  error?: string;
}

const TRIGGER_WAIT_MS = 30_000;
const EVENT_DEADLINE_MS = 240_000;
const RECOVERY_LIMIT_MS = 180_000;
const SETTLE_MS = 120_000;
/** Probe DIGs per injection, and probe events at most per heal (≤ 7.5 runs per probe intent). */
const PROBE_DIGS_PER_INJECTION = 4;
const PROBES_PER_INJECTION = 30;
/** Events at least per injection. */
const EVENTS_PER_INJECTION = 4;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitReconciled(api: CustomObjectsApi, fault: string, count: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  let seen = 0;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const list = (await api.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        plural: PLURAL,
        namespace: CHAOS_NAMESPACE,
        labelSelector: `${FAULT_LABEL}=${fault}`,
      })) as TemporalActionIntentList;
      seen = list.items.filter((i) => i.status?.conditions?.some((c) => c.type === 'Ready')).length;
      if (seen >= count) return;
    } catch (err) {
      lastError = err;
    }
    await sleep(250);
  }
  throw new FaultRunError(`${fault}: only ${seen}/${count} intents reconciled after 120 s`, {
    cause: lastError,
  });
}

export async function runFault(
  stack: ChaosStack,
  api: CustomObjectsApi,
  fault: Fault,
  sizes: RunSizes,
  log: (m: string) => void,
): Promise<FaultRun> {
  const started = Date.now();
  const ctx: FaultContext = { stack, api, fault: fault.id, log };
  const blockingWorkflow = fault.blockingWorkflow ?? 'sleep';
  const injectionCount = fault.fixedInjections ?? Math.max(sizes.injections, fault.minInjections ?? 0);
  // Enough events that every injection meets some in flight.
  const eventCount = Math.max(sizes.events, injectionCount * EVENTS_PER_INJECTION);
  const events = planEvents({
    fault: fault.id,
    count: eventCount,
    blockingWorkflow,
    sleep: sizes.sleep,
    failEvery: 4,
  });
  // Probes never fail on purpose: the first one that succeeds after a heal ends the recovery.
  const probes = planEvents({
    fault: fault.id,
    count: injectionCount * PROBE_DIGS_PER_INJECTION,
    blockingWorkflow: 'noop',
    sleep: sizes.sleep,
    failEvery: 0,
    from: eventCount,
  });
  await createIntents(api, [...events, ...probes], fault.id, stack.clientLink.port, sizes.sleep);
  await waitReconciled(api, fault.id, (events.length + probes.length) * 2);
  await fault.setup?.(ctx);

  const inFlight = new Set<PlannedEvent>();
  const fired: FiredEvent[] = [];
  const restUrls = (): string[] => stack.replicas.filter((r) => r.running()).map((r) => r.restUrl);
  const fire = async (event: PlannedEvent): Promise<FiredEvent> => {
    inFlight.add(event);
    try {
      const f = await fireUntilAnswered(restUrls, event, Date.now() + EVENT_DEADLINE_MS);
      fired.push(f);
      return f;
    } finally {
      inFlight.delete(event);
    }
  };

  let next = 0;
  let driverDone = false;
  const driver = async (): Promise<void> => {
    const lane = async (): Promise<void> => {
      while (next < events.length) {
        const event = events[next++];
        if (event === undefined) break;
        await fire(event);
      }
    };
    await Promise.all(
      Array.from({ length: sizes.concurrency }, async (_, i) => {
        await sleep(i * 400);
        await lane();
      }),
    );
    driverDone = true;
  };

  // Probe events re-run the probe DIGs in turn with fresh event ids (a new run each time, at most
  // PROBES_PER_INJECTION per heal, so no probe intent outgrows its status history).
  let probeSerial = 0;
  const measureRecovery = async (healedAt: number): Promise<number | undefined> => {
    const limit = healedAt + RECOVERY_LIMIT_MS;
    for (let attempt = 0; attempt < PROBES_PER_INJECTION && Date.now() < limit; attempt++) {
      const base = probes[probeSerial % probes.length];
      if (base === undefined) break;
      const f = await fire({ ...base, eventId: `${base.dig}-p${probeSerial}` });
      probeSerial += 1;
      if (f.answer?.succeeded === true) return f.answer.at - healedAt;
      await sleep(1000);
    }
    return undefined;
  };

  const injections: Injection[] = [];
  const injector = async (): Promise<void> => {
    for (let j = 0; j < injectionCount; j++) {
      // Spread the injections over the events.
      const due = Math.floor((j * events.length) / injectionCount);
      while (next < due + 1 && !driverDone) await sleep(50);
      const triggered = await fault.trigger(
        {
          api,
          temporal: stack.temporal,
          fault: fault.id,
          inFlight: () => [...inFlight],
          active: () => !driverDone,
        },
        Date.now() + TRIGGER_WAIT_MS,
      );
      const at = Date.now() - started;
      let heal: (() => Promise<void>) | undefined;
      let error: string | undefined;
      try {
        heal = await fault.inject(ctx, j);
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        log(`[chaos] ${fault.id}: injection ${j} failed: ${error}`);
      }
      if (fault.holdUntilDone === true) while (!driverDone) await sleep(100);
      else await sleep(fault.holdMs);
      // The fault ends when its heal begins; probes run while a killed program starts again.
      const healedAt = Date.now();
      const healing = (heal?.() ?? Promise.resolve()).catch((err: unknown) => {
        error = err instanceof Error ? err.message : String(err);
        log(`[chaos] ${fault.id}: heal ${j} failed: ${error}`);
      });
      const recoveryMs = await measureRecovery(healedAt);
      await healing;
      injections.push({
        at,
        triggered,
        healedAt,
        ...(recoveryMs !== undefined ? { recoveryMs } : {}),
        ...(error !== undefined ? { error } : {}),
      });
      log(
        `[chaos] ${fault.id}: injection ${j + 1}/${injectionCount} ${triggered ? 'on its trigger' : 'at the trigger deadline'}, ` +
          `recovered in ${recoveryMs !== undefined ? `${recoveryMs} ms` : '(no success within the limit)'}`,
      );
    }
  };

  let runError: string | undefined;
  try {
    await Promise.all([driver(), injector()]);
  } catch (err) {
    runError = err instanceof Error ? err.message : String(err);
  } finally {
    await fault.teardown?.(ctx);
    await stack.proxy.healAll();
    await ensureRunning(stack);
  }
  const observations = await settle(api, stack.temporal, fault.id, fired, SETTLE_MS);
  return {
    fault,
    tally: tally(observations),
    injections,
    durationMs: Date.now() - started,
    ...(runError !== undefined ? { error: runError } : {}),
  };
}

/** Every program and server back up before the next fault (a failed heal must not spill over). */
async function ensureRunning(stack: ChaosStack): Promise<void> {
  for (const server of [stack.servers.etcd, stack.servers.apiserver, stack.servers.temporal]) {
    const pid = server.pid();
    if (pid === undefined || !isAlive(pid)) await server.start();
  }
  for (const p of [stack.worker, stack.workflowClient]) {
    const pid = p.child()?.pid;
    if (pid === undefined || !isAlive(pid)) await p.start();
  }
  for (const r of stack.replicas) if (!r.running()) await r.start();
}
