// Owns EMCO's `/cancel` and `/status` routes on one TAC intent. Both act only on runs recorded in
// the intent's status (the last one when the caller gives no ids) unless arbitrary workflow ids are
// allowed; status also answers from that record and adds Temporal's describe / history / query
// output and a bounded wait for the result when asked.
import { EmcoDecodeError } from '../../common/emco/decode-error.js';
import { decodeCancelRequest, decodeStatusQuery } from '../../common/emco/decode.js';
import { parseStatusQueryString, StatusQueryError } from '../../common/emco/status-query.js';
import { TimeoutValueError, timeoutToNanos } from '../../common/domain/durations.js';
import type { CancelRequest, StatusQuery } from '../../common/emco/types.js';
import type { TemporalActionIntent } from '../../common/model/types.js';
import { failureMessage, type WorkflowRef } from '../temporal/temporal-gateway.js';
import { digOf, findIntent } from './intent-lookup.js';
import { protoToGoJson } from './proto-json.js';
import { HttpError, jsonValue, noContent, type Reply } from './reply.js';
import type { RequestContext, RestServices, RouteDef } from './route-types.js';
import { checkTemporalServer, resolveRunTarget, type RunTarget } from './run-target.js';
import { asTacIntent, TAC_INTENT } from './intent-routes.js';

export const TAC_CANCEL = `${TAC_INTENT}/cancel`;
export const TAC_STATUS = `${TAC_INTENT}/status`;

export const RUN_TEXT = {
  /** EMCO's text (it answers 500; a missing intent is 404 here). */
  cancelNotFound: 'Workflow Intent Hook not found',
  statusNotFound: 'Workflow Hook not found',
} as const;

/** Go decoder errors of cancel/status: `400 EOF` for no body, `422 <Go's message>` otherwise. */
function decodeError(err: unknown): unknown {
  if (err instanceof EmcoDecodeError) {
    return new HttpError(err.kind === 'eof' ? 400 : 422, err.message, { cause: err });
  }
  return err;
}

function temporalError(err: unknown, prefix = ''): HttpError {
  const text =
    err instanceof Error && err.cause !== undefined
      ? `${err.message}: ${failureMessage(err.cause)}`
      : failureMessage(err);
  return new HttpError(500, `${prefix}${text}`, { cause: err });
}

/** The status parameters: the JSON body (EMCO TAC) or, with no body, the query string (workflowmgr). */
async function readStatusQuery(ctx: RequestContext): Promise<StatusQuery> {
  const body = await ctx.body();
  try {
    if (body.toString('utf8').trim() === '' && ctx.rawQuery !== '') {
      return parseStatusQueryString(new URLSearchParams(ctx.rawQuery));
    }
    return decodeStatusQuery(body);
  } catch (err) {
    if (err instanceof StatusQueryError) throw new HttpError(400, err.message, { cause: err });
    throw decodeError(err);
  }
}

function waitBoundMs(s: RestServices, query: StatusQuery): number {
  const given = query.waitForResultTimeout;
  if (given === undefined) return s.limits.statusWaitDefaultSeconds * 1000;
  let nanos: bigint;
  try {
    nanos = timeoutToNanos(given);
  } catch (err) {
    if (err instanceof TimeoutValueError)
      throw new HttpError(400, `waitForResultTimeout: ${err.message}`, { cause: err });
    throw err;
  }
  const ms = Number(nanos / 1_000_000n);
  if (ms > s.limits.statusWaitMaxSeconds * 1000) {
    throw new HttpError(
      400,
      `waitForResultTimeout must be at most ${s.limits.statusWaitMaxSeconds} seconds (got ${JSON.stringify(given)})`,
    );
  }
  return ms;
}

/**
 * The run a call is about (see resolveRunTarget). Ids that are not the intent's recorded runs need
 * arbitrary workflow ids allowed and the caller's `verb` on the intent's `workflows` subresource.
 */
async function targetOf(
  s: RestServices,
  ctx: RequestContext,
  intent: TemporalActionIntent | undefined,
  ids: { workflowID: string; runID: string; specId: string },
  verb: 'get' | 'update',
): Promise<RunTarget> {
  const target = resolveRunTarget(intent, ids.workflowID, ids.runID, {
    arbitrary: s.arbitraryWorkflowIds,
    specId: ids.specId,
  });
  if (target.source === 'request' || target.source === 'spec') {
    const name = intent?.metadata?.name;
    await ctx.authorize({
      verb,
      subresource: 'workflows',
      namespace: s.namespace,
      ...(name !== undefined ? { name } : {}),
    });
  }
  return target;
}

async function cancel(s: RestServices, ctx: RequestContext): Promise<Reply> {
  let request: CancelRequest;
  try {
    request = decodeCancelRequest(await ctx.body());
  } catch (err) {
    throw decodeError(err);
  }
  const spec = request.spec;
  const name = ctx.params.tacIntent ?? '';
  const obj = findIntent(s, digOf(ctx.params), name);
  if (obj === undefined) throw new HttpError(404, RUN_TEXT.cancelNotFound);
  checkTemporalServer(spec.temporalServer, s.temporalAddress, 'cancel');
  const specId = asTacIntent(obj).spec.temporal.workflowStartOptions.ID;
  const ids = { workflowID: spec.workflowID, runID: spec.runID, specId };
  const resolved = await targetOf(s, ctx, obj, ids, 'update');
  const target = { workflowId: resolved.workflowId, runId: resolved.runId };
  if (target.workflowId === '') {
    throw new HttpError(400, `intent ${name} has no recorded run to cancel`);
  }
  try {
    if (spec.terminate) await s.temporal.terminate(target, spec.reason, spec.details ?? []);
    else await s.temporal.cancel(target);
  } catch (err) {
    throw temporalError(err);
  }
  ctx.logger.info(spec.terminate ? 'Terminated workflow' : 'Requested workflow cancellation', {
    intent: name,
    workflowId: target.workflowId,
    runId: target.runId,
    source: resolved.source,
  });
  return noContent();
}

/** Adds Temporal's describe output and, when asked, a bounded wait for the result. */
async function describeAndWait(
  s: RestServices,
  query: StatusQuery,
  target: WorkflowRef & { runId: string },
  waitMs: number,
  out: Record<string, unknown>,
): Promise<void> {
  out.workflowExecutionDescription = {};
  try {
    if (query.runDescribeWfExec) {
      out.workflowExecutionDescription = protoToGoJson(await s.temporal.describeRaw(target)) ?? {};
    }
    if (!query.waitForResult) return;
    const waited = await s.temporal.waitForResult(target, waitMs);
    if (!waited.done) {
      out.waitTimedOut = true;
      return;
    }
    out.workflowStatus = waited.status;
    if (waited.status === 'COMPLETED') out.workflowResult = waited.result ?? null;
    if (waited.failureMessage !== undefined) out.workflowFailure = waited.failureMessage;
  } catch (err) {
    throw temporalError(err);
  }
}

/** Adds the history and the query result, when asked. */
async function historyAndQuery(
  s: RestServices,
  query: StatusQuery,
  target: WorkflowRef & { runId: string },
  out: Record<string, unknown>,
): Promise<void> {
  if (query.getWfHistory) {
    try {
      const events = (await s.temporal.history(target)).map((e) => protoToGoJson(e));
      if (events.length > 0) out.workflowHistory = events;
    } catch (err) {
      throw temporalError(err);
    }
  }
  if (query.queryType === '') return;
  let result: unknown;
  try {
    result = await s.temporal.query(target, query.queryType, query.queryParams ?? []);
  } catch (err) {
    throw temporalError(err, `query failed (${query.queryType}). Error: `);
  }
  if (result !== undefined && result !== null) out.workflowQueryResult = result;
}

async function status(s: RestServices, ctx: RequestContext): Promise<Reply> {
  const query = await readStatusQuery(ctx);
  const name = ctx.params.tacIntent ?? '';
  const obj = findIntent(s, digOf(ctx.params), name);
  if (obj === undefined && !(s.arbitraryWorkflowIds && query.workflowID !== '')) {
    throw new HttpError(404, RUN_TEXT.statusNotFound);
  }
  checkTemporalServer(query.temporalServer, s.temporalAddress, 'status');
  const ids = { workflowID: query.workflowID, runID: query.runID, specId: '' };
  const { workflowId, runId } = await targetOf(s, ctx, obj, ids, 'get');
  const target = { workflowId, runId };
  const wants =
    query.runDescribeWfExec || query.getWfHistory || query.queryType !== '' || query.waitForResult;
  if (wants && target.workflowId === '') {
    throw new HttpError(400, `intent ${name} has no recorded run to ask Temporal about`);
  }
  const waitMs = query.waitForResult ? waitBoundMs(s, query) : 0;
  ctx.extendDeadline(waitMs);
  const out: Record<string, unknown> = { workflowID: target.workflowId };
  if (target.runId !== '') out.runID = target.runId;
  await describeAndWait(s, query, target, waitMs, out);
  await historyAndQuery(s, query, target, out);
  out.tacStatus = obj?.status ?? null;
  const link = s.temporal.uiLink(target);
  if (link !== undefined && target.workflowId !== '') out.temporalUiUrl = link;
  return jsonValue(200, out);
}

export function runRoutes(s: RestServices): RouteDef[] {
  return [
    {
      method: 'POST',
      pattern: TAC_CANCEL,
      summary: "Cancel or terminate the intent's workflow run (the recorded run unless the body names one)",
      access: { verb: 'update', subresource: 'status' },
      handler: (ctx) => cancel(s, ctx),
    },
    {
      method: 'GET',
      pattern: TAC_STATUS,
      summary:
        "Status of the intent's run: the recorded status plus Temporal's describe/history/query/result",
      access: { verb: 'get', subresource: 'status' },
      handler: (ctx) => status(s, ctx),
    },
  ];
}
