// Owns how runs are named: run ids from triggers, deterministic workflow ids, and the request
// annotations through which lifecycle events and manual re-runs ask the controller for a run.
import { createHash } from 'node:crypto';

export interface RunRequest {
  /** Run id; for lifecycle events the event id. */
  id: string;
  hookType: string;
  eventId: string;
  appContextId?: string;
  emcoUrl?: string;
  /** RFC 3339 time of the request. */
  requestedAt: string;
}

export function parseRunRequest(text: string | undefined): RunRequest | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    const v = JSON.parse(text) as Partial<RunRequest>;
    if (
      typeof v.id !== 'string' ||
      typeof v.hookType !== 'string' ||
      typeof v.eventId !== 'string' ||
      typeof v.requestedAt !== 'string'
    )
      return undefined;
    return {
      id: v.id,
      hookType: v.hookType,
      eventId: v.eventId,
      requestedAt: v.requestedAt,
      ...(typeof v.appContextId === 'string' ? { appContextId: v.appContextId } : {}),
      ...(typeof v.emcoUrl === 'string' ? { emcoUrl: v.emcoUrl } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Run id of a manual re-run: stable for one annotation value. */
export function manualRunId(requestedAt: string): string {
  return `manual-${createHash('sha256').update(requestedAt).digest('hex').slice(0, 12)}`;
}

/**
 * The workflow id of a run when the intent sets none: derived from the intent and the run id only,
 * so a retried or resumed start can never create a second execution.
 */
export function deterministicWorkflowId(namespace: string, name: string, runId: string): string {
  return `tac-${namespace}-${name}-${runId}`;
}
