// Owns looking at the system from the outside after a fault: the intents (request annotation and
// recorded runs) through the API server, and every Temporal execution through its visibility
// (list) API, grouped by the run id the operator puts in each workflow's memo. Also waits until
// every requested run has settled, so a slow recovery is not mistaken for a loss.
import type { CustomObjectsApi } from '@kubernetes/client-node';
import type { Client } from '@temporalio/client';
import { GROUP, PLURAL, VERSION, type TemporalActionIntentList } from '../common/model/types.js';
import { CHAOS_NAMESPACE } from './stack.js';
import type { EventObservation, Execution, IntentObservation, RecordedRun } from './verdict.js';
import { FAULT_LABEL, type FiredEvent } from './workload.js';

/** The documented annotation through which a lifecycle event asks for a run (docs/operator.md). */
export const RUN_REQUEST_ANNOTATION = 'tac.emco.io/run-request';
/** The documented memo key carrying the run id on every workflow the operator starts. */
export const RUN_ID_MEMO_KEY = 'tacRunId';

export class CensusError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CensusError';
  }
}

const TERMINAL = new Set(['Succeeded', 'Failed', 'TimedOut', 'Cancelled', 'Terminated']);

function requestIdOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as { id?: unknown };
    return typeof v.id === 'string' ? v.id : undefined;
  } catch {
    return undefined;
  }
}

/** Each intent of a fault, by name: request annotation's run id and its recorded runs. */
export async function observeIntents(
  api: CustomObjectsApi,
  fault: string,
): Promise<Map<string, { requestId?: string; runs: RecordedRun[] }>> {
  const list = (await api.listNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: PLURAL,
    namespace: CHAOS_NAMESPACE,
    labelSelector: `${FAULT_LABEL}=${fault}`,
  })) as TemporalActionIntentList;
  const out = new Map<string, { requestId?: string; runs: RecordedRun[] }>();
  for (const item of list.items) {
    const status = item.status;
    const runs = [...(status?.lastRun !== undefined ? [status.lastRun] : []), ...(status?.history ?? [])];
    const requestId = requestIdOf(item.metadata?.annotations?.[RUN_REQUEST_ANNOTATION]);
    out.set(item.metadata?.name ?? '', {
      ...(requestId !== undefined ? { requestId } : {}),
      runs: runs.map((r) => ({
        id: r.id,
        phase: r.phase,
        ...(r.workflowId !== undefined ? { workflowId: r.workflowId } : {}),
        ...(r.runId !== undefined ? { runId: r.runId } : {}),
        ...(r.failureMessage !== undefined ? { failureMessage: r.failureMessage } : {}),
      })),
    });
  }
  return out;
}

/** Every execution in the namespace whose memo carries a run id, keyed by that run id. */
export async function observeExecutions(
  temporal: Client,
  workflowIdPrefix: string,
): Promise<Map<string, Execution[]>> {
  const out = new Map<string, Execution[]>();
  for await (const info of temporal.workflow.list()) {
    if (!info.workflowId.startsWith(workflowIdPrefix)) continue;
    const runId = info.memo?.[RUN_ID_MEMO_KEY];
    if (typeof runId !== 'string') continue;
    const key = `${info.workflowId}|${runId}`;
    const list = out.get(key) ?? [];
    list.push({ workflowId: info.workflowId, runId: info.runId, status: info.status.name });
    out.set(key, list);
  }
  return out;
}

/** The workflow id prefix of a fault's runs: the operator names them tac-<namespace>-<intent>-<run id>. */
export function workflowIdPrefix(fault: string): string {
  return `tac-${CHAOS_NAMESPACE}-${fault}-`;
}

/** Joins what was fired with what the API server and Temporal hold now. */
export function joinObservations(
  fired: FiredEvent[],
  intents: Map<string, { requestId?: string; runs: RecordedRun[] }>,
  executions: Map<string, Execution[]>,
): EventObservation[] {
  return fired.map((f) => {
    const intentObs = new Map<string, IntentObservation>();
    const execs = new Map<string, Execution[]>();
    for (const planned of f.plan.intents) {
      const seen = intents.get(planned.name);
      const run = seen?.runs.find((r) => r.id === f.plan.eventId);
      intentObs.set(planned.name, {
        name: planned.name,
        exists: seen !== undefined,
        ...(seen?.requestId !== undefined ? { requestId: seen.requestId } : {}),
        ...(run !== undefined ? { run } : {}),
      });
      const found: Execution[] = [];
      for (const [key, list] of executions) {
        const [workflowId = '', memoRunId = ''] = key.split('|');
        if (memoRunId === f.plan.eventId && workflowId.includes(`-${planned.name}-`)) found.push(...list);
      }
      execs.set(planned.name, found);
    }
    return { fired: f, intents: intentObs, executions: execs };
  });
}

/**
 * Polls until every run a fired event requested is terminal in status and no execution of the
 * fault is still running, or until `timeoutMs`; then returns the last observation either way
 * (what has not settled by then is what the verdict calls lost).
 */
export async function settle(
  api: CustomObjectsApi,
  temporal: Client,
  fault: string,
  fired: FiredEvent[],
  timeoutMs: number,
): Promise<EventObservation[]> {
  const deadline = Date.now() + timeoutMs;
  let last: EventObservation[] | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      const intents = await observeIntents(api, fault);
      const executions = await observeExecutions(temporal, workflowIdPrefix(fault));
      last = joinObservations(fired, intents, executions);
      const pending = last.some((o) =>
        [...o.intents.values()].some(
          (i) =>
            (i.requestId === o.fired.plan.eventId || i.run !== undefined) &&
            (i.run === undefined || !TERMINAL.has(i.run.phase)),
        ),
      );
      const running = [...executions.values()].some((l) => l.some((e) => e.status === 'RUNNING'));
      if (!pending && !running) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      if (last !== undefined) return last;
      throw new CensusError(`could not observe the intents and executions of ${fault}`, { cause: lastError });
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
