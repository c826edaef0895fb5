// Owns the mapping from the SDK Workers' states to the worker program's liveness and readiness,
// as answered on /healthz and /readyz. Pure: the caller passes the states it observed.
import type { State } from '@temporalio/worker';

/** States of the SDK Workers by task queue; undefined while the worker is still being built. */
export type WorkerStates = Readonly<Record<string, State>> | undefined;

export interface HealthVerdict {
  readonly ok: boolean;
  /** One line for the probe's body and logs: why the verdict is what it is. */
  readonly reason: string;
}

function queuesIn(states: Readonly<Record<string, State>>, wanted: (s: State) => boolean): string[] {
  return Object.entries(states)
    .filter(([, state]) => wanted(state))
    .map(([queue, state]) => `${queue}=${state}`);
}

/**
 * Ready when every task queue's Worker is RUNNING (polling). Not ready while the worker is being
 * built (bundling workflows, connecting), is INITIALIZED, STOPPING, DRAINING, DRAINED, STOPPED or
 * FAILED, or polls no queue at all.
 */
export function readiness(states: WorkerStates): HealthVerdict {
  if (states === undefined) return { ok: false, reason: 'starting: the worker is not built yet' };
  if (Object.keys(states).length === 0) return { ok: false, reason: 'no task queue' };
  const notRunning = queuesIn(states, (s) => s !== 'RUNNING');
  if (notRunning.length > 0) return { ok: false, reason: `not polling: ${notRunning.join(', ')}` };
  return { ok: true, reason: 'polling' };
}

/**
 * Alive unless a Worker FAILED. Starting, running, draining after SIGTERM and a stopped worker
 * (the process is about to exit) all count as alive: restarting would not help any of them.
 */
export function liveness(states: WorkerStates): HealthVerdict {
  if (states === undefined) return { ok: true, reason: 'starting' };
  const failed = queuesIn(states, (s) => s === 'FAILED');
  if (failed.length > 0) return { ok: false, reason: `failed: ${failed.join(', ')}` };
  return { ok: true, reason: 'alive' };
}
