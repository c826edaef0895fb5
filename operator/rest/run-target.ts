// Owns which workflow run a `/status` or `/cancel` call is about: by default only runs recorded in
// the intent's status (the ids in the request must name one of them; none given = the last run);
// with arbitrary workflow ids allowed, any ids and (cancel, as in EMCO) the intent's configured
// workflow id. Also owns the rule that only the operator's own Temporal server is used.
import type { Run, TemporalActionIntent } from '../../common/model/types.js';
import type { WorkflowRef } from '../temporal/temporal-gateway.js';
import { HttpError } from './reply.js';
import { trimTrailing } from '../../common/text.js';

export interface RunTarget extends WorkflowRef {
  runId: string;
  /** Where the workflow id came from: `request` and `spec` are not runs recorded for the intent. */
  source: 'request' | 'recorded' | 'spec' | 'none';
}

export interface RunTargetOptions {
  /** Accept ids that are not recorded for the intent (EMCO's behaviour); the caller authorizes them. */
  arbitrary: boolean;
  /** The intent's workflowStartOptions.ID (cancel falls back to it with `arbitrary`); '' = none. */
  specId: string;
}

/** The intent's recorded runs, newest first. */
function recordedRuns(intent: TemporalActionIntent | undefined): Run[] {
  const s = intent?.status;
  return [...(s?.lastRun !== undefined ? [s.lastRun] : []), ...(s?.history ?? [])].filter(
    (r) => r.workflowId !== undefined && r.workflowId !== '',
  );
}

function notRecorded(intent: TemporalActionIntent | undefined, workflowID: string, runID: string): HttpError {
  const what = workflowID !== '' ? `workflow ${JSON.stringify(workflowID)}` : 'the workflow';
  const run = runID !== '' ? ` run ${JSON.stringify(runID)}` : '';
  const name = intent?.metadata?.name ?? '(unknown)';
  return new HttpError(
    404,
    `${what}${run} is not a run recorded for intent ${name}: this API acts only on the runs of the intent it names`,
  );
}

/**
 * The run a call is about. Ids given must match a recorded run (a missing `runID` takes that run's
 * id); no ids = the last recorded run. With `arbitrary`, unmatched ids are used as given and, with
 * no ids and no run, `specId`. Throws HttpError 404 for ids that are not recorded otherwise.
 */
export function resolveRunTarget(
  intent: TemporalActionIntent | undefined,
  workflowID: string,
  runID: string,
  options: RunTargetOptions,
): RunTarget {
  const runs = recordedRuns(intent);
  const wantedWorkflow = workflowID !== '' ? workflowID : runs[0]?.workflowId;
  const match = runs.find((r) => r.workflowId === wantedWorkflow && (runID === '' || r.runId === runID));
  if (match?.workflowId !== undefined) {
    return {
      workflowId: match.workflowId,
      runId: runID !== '' ? runID : (match.runId ?? ''),
      source: 'recorded',
    };
  }
  if (workflowID === '' && runID === '' && runs.length === 0) {
    if (options.arbitrary && options.specId !== '') {
      return { workflowId: options.specId, runId: '', source: 'spec' };
    }
    return { workflowId: '', runId: '', source: 'none' };
  }
  if (!options.arbitrary) throw notRecorded(intent, workflowID, runID);
  if (workflowID !== '') return { workflowId: workflowID, runId: runID, source: 'request' };
  const base = wantedWorkflow ?? options.specId;
  return { workflowId: base, runId: runID, source: base === '' ? 'none' : 'request' };
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

/** How a `temporalServer` other than the operator's is answered: as EMCO answers one it cannot reach. */
export type TemporalServerRoute = 'cancel' | 'status';

/**
 * EMCO callers name a Temporal server per request; this operator never dials another one (no
 * caller-chosen connections). Empty = its own. Another one gets EMCO's answer for a server it
 * cannot reach (500, `CancelWorkflowIntent: Failed to connect…` / `failed to connect…`). Call it
 * after the intent lookup, as EMCO dials only then.
 */
export function checkTemporalServer(
  given: string,
  configured: string | undefined,
  route: TemporalServerRoute,
): void {
  if (given.trim() === '' || configured === undefined || configured === '') return;
  if (sameTemporalServer(given, configured)) return;
  const prefix = route === 'cancel' ? 'CancelWorkflowIntent: Failed' : 'failed';
  throw new HttpError(
    500,
    `${prefix} to connect to Temporal server (${given}). Error: this operator connects only to ` +
      'its configured Temporal server; leave temporalServer empty or give that address',
  );
}
