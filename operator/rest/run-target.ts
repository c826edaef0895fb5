// Owns which workflow run a `/status` or `/cancel` call is about: the ids in the request, else the
// run recorded in the intent's status, else (cancel, as in EMCO) the intent's configured workflow
// id; and the rule that only the operator's own Temporal server is used.
import type { TemporalActionIntent } from '../../common/model/types.js';
import type { WorkflowRef } from '../temporal/temporal-gateway.js';
import { HttpError } from './reply.js';
import { trimTrailing } from '../../common/text.js';

export interface RunTarget extends WorkflowRef {
  runId: string;
  /** Where the workflow id came from. */
  source: 'request' | 'recorded' | 'spec' | 'none';
}

/**
 * `workflowID` given: it and `runID` (empty = latest run). Otherwise the recorded run (its run id
 * unless `runID` is given), then `specId`.
 */
export function resolveRunTarget(
  intent: TemporalActionIntent | undefined,
  workflowID: string,
  runID: string,
  /** The intent's workflowStartOptions.ID (cancel falls back to it, as EMCO does); '' = none. */
  specId: string,
): RunTarget {
  if (workflowID !== '') return { workflowId: workflowID, runId: runID, source: 'request' };
  const last = intent?.status?.lastRun;
  if (last?.workflowId !== undefined && last.workflowId !== '') {
    return {
      workflowId: last.workflowId,
      runId: runID !== '' ? runID : (last.runId ?? ''),
      source: 'recorded',
    };
  }
  if (specId !== '') {
    return { workflowId: specId, runId: runID, source: 'spec' };
  }
  return { workflowId: '', runId: runID, source: 'none' };
}

function normalizeServer(address: string): string {
  let a = address.trim().replace(/^["']/, '').replace(/["']$/, '').toLowerCase();
  a = trimTrailing(a.replace(/^[a-z][a-z0-9+.-]*:\/\//, ''), '/');
  if (a === '') return a;
  const bracketed = /^\[[^\]]+\]$/.test(a);
  const hasPort = bracketed ? false : /:\d+$/.test(a) && (a.match(/:/g) ?? []).length === 1;
  return hasPort || /^\[[^\]]+\]:\d+$/.test(a) ? a : `${a}:7233`;
}

/** Whether two `host[:port]` spellings name the same endpoint (port 7233 by default, quotes ignored). */
export function sameTemporalServer(a: string, b: string): boolean {
  return normalizeServer(a) === normalizeServer(b);
}

/**
 * EMCO callers name a Temporal server per request; this operator talks only to the one it is
 * configured with (no arbitrary outbound connections). Empty = that one. Another one → 400.
 */
export function checkTemporalServer(given: string, configured: string | undefined): void {
  if (given.trim() === '' || configured === undefined || configured === '') return;
  if (sameTemporalServer(given, configured)) return;
  throw new HttpError(
    400,
    `temporalServer ${JSON.stringify(given)} is not the Temporal server this operator uses (${configured}); ` +
      'leave temporalServer empty or give that address',
  );
}
