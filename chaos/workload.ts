// Owns the events the chaos suite fires: each event gets a DIG of its own with two intents (a
// blocking one that succeeds or fails on purpose, then a non-blocking one), and is fired through
// an operator's REST lifecycle endpoint with a fixed event id, retried with the same id (on the
// other replica when one is down) until some replica answers — as an orchestrator would.
import type { CustomObjectsApi } from '@kubernetes/client-node';
import {
  API_VERSION,
  GROUP,
  KIND,
  PLURAL,
  VERSION,
  type TemporalActionIntent,
} from '../common/model/types.js';
import { pool } from '../bench/kube.js';
import { CHAOS_NAMESPACE } from './stack.js';

export const CHAOS_PROJECT = 'chaos';
export const CHAOS_APP = 'app';
export const CHAOS_APP_VERSION = 'v1';
export const HOOK = 'pre-install';
/** Label naming the fault whose events an intent belongs to. */
export const FAULT_LABEL = 'chaos.tac.emco.io/fault';

export class WorkloadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkloadError';
  }
}

/** The workflow an intent runs: a durable sleep (a window for faults), an activity, a failure, nothing. */
export type Workload = 'sleep' | 'helloWorld' | 'fail' | 'noop';

export interface PlannedIntent {
  name: string;
  blocking: boolean;
  workflow: Workload;
}

export type EventKind = 'succeeds' | 'fails';

export interface PlannedEvent {
  eventId: string;
  dig: string;
  kind: EventKind;
  intents: PlannedIntent[];
}

/** What an event's answer says about one intent. */
export interface AnsweredIntent {
  resourceName: string;
  phase: string;
  workflowId?: string;
  runId?: string;
  message?: string;
}

export interface EventAnswer {
  /** 200 or 424; the answer's `succeeded`. */
  httpStatus: number;
  succeeded: boolean;
  intents: AnsweredIntent[];
  /** Date.now() of the answer. */
  at: number;
  /** POSTs (and polls) it took. */
  attempts: number;
}

export interface FiredEvent {
  plan: PlannedEvent;
  firedAt: number;
  answer?: EventAnswer;
  /** Why no answer came (last error), when none did. */
  error?: string;
}

export interface PlanOptions {
  fault: string;
  count: number;
  /** Workflow of the blocking intent of a succeeding event. */
  blockingWorkflow: Workload;
  /** Sleep duration of the `sleep` workflow. */
  sleep: string;
  /** Every `failEvery`-th event fails on purpose (0: none). */
  failEvery: number;
  /** First index (probes continue the numbering of a fault's events). */
  from?: number;
}

export function planEvents(o: PlanOptions): PlannedEvent[] {
  const out: PlannedEvent[] = [];
  const from = o.from ?? 0;
  for (let i = from; i < from + o.count; i++) {
    const dig = `${o.fault}-${String(i).padStart(3, '0')}`;
    const kind: EventKind = o.failEvery > 0 && i % o.failEvery === o.failEvery - 1 ? 'fails' : 'succeeds';
    out.push({
      eventId: `${dig}-ev`,
      dig,
      kind,
      intents: [
        { name: `${dig}-0`, blocking: true, workflow: kind === 'fails' ? 'fail' : o.blockingWorkflow },
        { name: `${dig}-1`, blocking: false, workflow: 'noop' },
      ],
    });
  }
  return out;
}

export function intentObject(
  event: PlannedEvent,
  intent: PlannedIntent,
  fault: string,
  clientPort: number,
  sleep: string,
): TemporalActionIntent {
  const activityParams: Record<string, Record<string, string>> = intent.workflow === 'sleep'
    ? { sleep: { duration: sleep } }
    : intent.workflow === 'fail'
      ? { fail: { message: `${event.eventId} fails on purpose` } }
      : {};
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name: intent.name, namespace: CHAOS_NAMESPACE, labels: { [FAULT_LABEL]: fault } },
    spec: {
      project: CHAOS_PROJECT,
      compositeApp: CHAOS_APP,
      compositeAppVersion: CHAOS_APP_VERSION,
      deploymentIntentGroup: event.dig,
      hookType: HOOK,
      hookBlocking: intent.blocking,
      hookBlockingTimeout: '120s',
      workflowClient: { clientEndpointName: '127.0.0.1', clientEndpointPort: clientPort },
      temporal: {
        workflowClientName: 'default',
        workflowStartOptions: { taskQueue: intent.workflow },
        workflowParams: { activityParams },
      },
    },
  };
}

/** Creates every intent of `events` (blocking one first: the run order is creation order). */
export async function createIntents(
  api: CustomObjectsApi,
  events: PlannedEvent[],
  fault: string,
  clientPort: number,
  sleep: string,
): Promise<void> {
  await pool(events, 4, async (event) => {
    for (const intent of event.intents) {
      try {
        await api.createNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          plural: PLURAL,
          namespace: CHAOS_NAMESPACE,
          body: intentObject(event, intent, fault, clientPort, sleep),
        });
      } catch (err) {
        throw new WorkloadError(`cannot create intent ${intent.name}`, { cause: err });
      }
    }
  });
}

export function lifecycleUrl(restUrl: string, dig: string): string {
  return (
    `${restUrl}/tac/v1/projects/${CHAOS_PROJECT}/composite-apps/${CHAOS_APP}/${CHAOS_APP_VERSION}` +
    `/deployment-intent-groups/${dig}/lifecycle-events`
  );
}

interface OutcomeBody {
  state?: string;
  /** Poll URL of a 202 answer. */
  statusUrl?: string;
  succeeded?: boolean;
  intents?: Array<{
    resourceName?: string;
    phase?: string;
    workflowId?: string;
    runId?: string;
    message?: string;
  }>;
}

/** The answer of a finished event's body, or undefined while it runs (or when the body is not one). */
export function answerOf(
  httpStatus: number,
  body: OutcomeBody,
  at: number,
  attempts: number,
): EventAnswer | undefined {
  if (body.state !== 'Succeeded' && body.state !== 'Failed') return undefined;
  return {
    httpStatus,
    succeeded: body.succeeded === true,
    at,
    attempts,
    intents: (body.intents ?? []).map((i) => ({
      resourceName: i.resourceName ?? '',
      phase: i.phase ?? '',
      ...(i.workflowId !== undefined ? { workflowId: i.workflowId } : {}),
      ...(i.runId !== undefined ? { runId: i.runId } : {}),
      ...(i.message !== undefined ? { message: i.message } : {}),
    })),
  };
}

const sleepMs = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * POSTs the event (sync) until a replica answers with its outcome; a 202 (still running at the
 * replica's wait limit) is polled. Connection errors and 5xx move to the next replica after a
 * short pause. Gives up at `deadline` (Date.now() ms) with the last error.
 */
export async function fireUntilAnswered(
  restUrls: () => string[],
  event: PlannedEvent,
  deadline: number,
): Promise<FiredEvent> {
  const fired: FiredEvent = { plan: event, firedAt: Date.now() };
  let attempts = 0;
  let turn = 0;
  let lastError = 'no attempt';
  while (Date.now() < deadline) {
    const urls = restUrls();
    const url = urls[turn % Math.max(1, urls.length)];
    if (url === undefined) {
      await sleepMs(200);
      continue;
    }
    attempts += 1;
    try {
      const res = await fetch(lifecycleUrl(url, event.dig), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ hookType: HOOK, eventId: event.eventId }),
        signal: AbortSignal.timeout(Math.max(1000, Math.min(180_000, deadline - Date.now()))),
      });
      const body = (await res.json()) as OutcomeBody;
      const answer = answerOf(res.status, body, Date.now(), attempts);
      if (answer !== undefined) return { ...fired, answer };
      lastError = `answer ${res.status} ${JSON.stringify(body).slice(0, 300)}`;
      if (res.status === 202) {
        // Still running on that replica: poll it there.
        const polled = await pollOutcome(url, body.statusUrl ?? '', deadline, () => (attempts += 1));
        if (polled.answer !== undefined) return { ...fired, answer: { ...polled.answer, attempts } };
        lastError = polled.error;
      }
    } catch (err) {
      lastError =
        err instanceof Error
          ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}`
          : String(err);
    }
    turn += 1;
    await sleepMs(300);
  }
  return { ...fired, error: lastError };
}

async function pollOutcome(
  url: string,
  /** The `statusUrl` of the 202 answer (its poll id is random). */
  statusUrl: string,
  deadline: number,
  count: () => void,
): Promise<{ answer?: EventAnswer; error: string }> {
  while (Date.now() < deadline) {
    await sleepMs(500);
    count();
    try {
      const res = await fetch(`${url}${statusUrl}`, {
        signal: AbortSignal.timeout(5000),
      });
      const body = (await res.json()) as OutcomeBody;
      const answer = answerOf(res.status, body, Date.now(), 0);
      if (answer !== undefined)
        return { answer: { ...answer, httpStatus: body.succeeded === true ? 200 : 424 }, error: '' };
      if (res.status !== 200 || body.state === 'Error')
        return { error: `poll answered ${res.status} ${body.state ?? ''}` };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }
  return { error: 'still running at the deadline' };
}
