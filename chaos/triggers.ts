// Owns the moments a fault waits for, each seen from the outside while events are in flight: a
// run requested but not yet recorded, a workflow started on Temporal but not yet in status, a
// workflow closed on Temporal while status still says Running, a run in progress.
import type { CustomObjectsApi } from '@kubernetes/client-node';
import type { Client } from '@temporalio/client';
import { observeIntents } from './census.js';
import type { RecordedRun } from './verdict.js';
import type { PlannedEvent } from './workload.js';
import { CHAOS_NAMESPACE } from './stack.js';

/** What a trigger may look at. */
export interface TriggerView {
  api: CustomObjectsApi;
  temporal: Client;
  fault: string;
  /** Events fired and not answered yet. */
  inFlight(): PlannedEvent[];
  /** False once no more events will be fired: waiting longer is pointless. */
  active(): boolean;
}

/** Resolves true when the moment came, false at the deadline. Polls every `intervalMs`. */
export type Trigger = (view: TriggerView, deadline: number) => Promise<boolean>;

/** The workflow id the operator gives a run when the intent fixes none (docs/operator.md). */
export function runWorkflowId(intent: string, runId: string): string {
  return `tac-${CHAOS_NAMESPACE}-${intent}-${runId}`;
}

interface Candidate {
  event: PlannedEvent;
  intent: string;
  requestId?: string;
  run?: RecordedRun;
}

async function candidates(view: TriggerView): Promise<Candidate[]> {
  const events = view.inFlight();
  if (events.length === 0) return [];
  const intents = await observeIntents(view.api, view.fault);
  return events.flatMap((event) =>
    event.intents.map((i) => {
      const seen = intents.get(i.name);
      const run = seen?.runs.find((r) => r.id === event.eventId);
      return {
        event,
        intent: i.name,
        ...(seen?.requestId !== undefined ? { requestId: seen.requestId } : {}),
        ...(run !== undefined ? { run } : {}),
      };
    }),
  );
}

async function temporalStatus(temporal: Client, workflowId: string): Promise<string | undefined> {
  try {
    return (await temporal.workflow.getHandle(workflowId).describe()).status.name;
  } catch {
    return undefined;
  }
}

function poll(check: (view: TriggerView) => Promise<boolean>, intervalMs = 100): Trigger {
  return async (view, deadline) => {
    while (Date.now() < deadline && (view.active() || view.inFlight().length > 0)) {
      try {
        if (await check(view)) return true;
      } catch {
        // A server the fault will hit may be slow; keep looking until the deadline.
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
    return false;
  };
}

/** A run requested by an in-flight event (annotation written) and not yet recorded in status. */
export const requestedNotRecorded: Trigger = poll(async (view) =>
  (await candidates(view)).some((c) => c.requestId === c.event.eventId && c.run === undefined),
);

/** A workflow already started on Temporal for a run that status does not show Running yet. */
export const startedNotRecorded: Trigger = poll(async (view) => {
  for (const c of await candidates(view)) {
    if (c.requestId !== c.event.eventId || (c.run !== undefined && c.run.phase !== 'Pending')) continue;
    if ((await temporalStatus(view.temporal, runWorkflowId(c.intent, c.event.eventId))) !== undefined)
      return true;
  }
  return false;
}, 50);

/** A workflow closed on Temporal while status still records its run as Running. */
export const closedNotRecorded: Trigger = poll(async (view) => {
  for (const c of await candidates(view)) {
    if (c.run?.phase !== 'Running') continue;
    const s = await temporalStatus(view.temporal, runWorkflowId(c.intent, c.event.eventId));
    if (s !== undefined && s !== 'RUNNING') return true;
  }
  return false;
}, 50);

/** A blocking run in progress (status Running). */
export const runInProgress: Trigger = poll(async (view) =>
  (await candidates(view)).some((c) => c.run?.phase === 'Running'),
);

/** Any event in flight. */
export const eventInFlight: Trigger = poll((view) => Promise.resolve(view.inFlight().length > 0), 50);
