// Owns the lifecycle endpoint: an orchestrator, CI job or Helm hook fires a DIG's hook and gets the
// per-intent outcome (200, or 424 naming the failed blocking intent), or with async a 202 and a
// poll URL. Its paths live under /tac/v1, so no EMCO route (all under /v2) can shadow them.
import { randomUUID } from 'node:crypto';
import { errorFields } from '../../common/log.js';
import type { EventOutcome, LifecycleEvent } from '../ports.js';
import { StoreError } from '../ports.js';
import { parseAsyncFlag, parseLifecycleRequest, type LifecycleRequest } from './lifecycle-request.js';
import { HttpError, jsonValue, type Reply } from './reply.js';
import type { RequestContext, RestServices, RouteDef } from './route-types.js';

export const LIFECYCLE_EVENTS_PATTERN =
  '/tac/v1/projects/:project/composite-apps/:compositeApp/:compositeAppVersion' +
  '/deployment-intent-groups/:deploymentIntentGroup/lifecycle-events';
/** `:pollId` is the random id the fire answered with (statusUrl), not the caller's event id. */
export const LIFECYCLE_EVENT_PATTERN = '/tac/v1/lifecycle-events/:pollId';

/** Status of a failed event: the request was fine, a hook it depends on failed (RFC 4918). */
export const EVENT_FAILED_STATUS = 424;

export type EventState = 'Running' | 'Succeeded' | 'Failed' | 'Error';

export function eventUrl(pollId: string): string {
  return `/tac/v1/lifecycle-events/${encodeURIComponent(pollId)}`;
}

function failureText(outcome: EventOutcome): string {
  const failed =
    outcome.intents.find((i) => i.intent === outcome.failedIntent) ??
    outcome.intents.find((i) => i.phase !== 'Succeeded' && i.phase !== 'Skipped');
  const why =
    failed?.message !== undefined ? `: ${failed.message}` : failed !== undefined ? ` (${failed.phase})` : '';
  return `${outcome.hookType} hook failed at intent ${outcome.failedIntent ?? failed?.intent ?? '(unknown)'}${why}`;
}

function stateOf(outcome: EventOutcome): EventState {
  if (outcome.endTime === undefined) return 'Running';
  return outcome.succeeded ? 'Succeeded' : 'Failed';
}

/** The JSON of an outcome: the EventOutcome itself plus `state` (and `error` when it failed). */
export function outcomeBody(outcome: EventOutcome): Record<string, unknown> {
  const state = stateOf(outcome);
  return {
    state,
    ...structuredClone(outcome),
    ...(state === 'Failed' ? { error: failureText(outcome) } : {}),
  };
}

function errorReply(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof StoreError && err.kind === 'Unavailable') {
    return new HttpError(503, `the lifecycle event could not run: ${err.message}`, { cause: err });
  }
  return new HttpError(
    500,
    `the lifecycle event could not run: ${err instanceof Error ? err.message : String(err)}`,
    {
      cause: err,
    },
  );
}

/** The event a request fires: the DIG of the path, the body's settings, an id (random when none). */
function eventOf(
  ctx: RequestContext,
  request: LifecycleRequest,
  namespace: string,
): LifecycleEvent & { eventId: string; namespace: string } {
  return {
    dig: {
      project: ctx.params.project ?? '',
      compositeApp: ctx.params.compositeApp ?? '',
      compositeAppVersion: ctx.params.compositeAppVersion ?? '',
      deploymentIntentGroup: ctx.params.deploymentIntentGroup ?? '',
    },
    hookType: request.hookType,
    eventId: request.eventId ?? randomUUID(),
    namespace,
    ...(request.appContextId !== undefined ? { appContextId: request.appContextId } : {}),
    ...(request.emcoURL !== undefined ? { emcoUrl: request.emcoURL } : {}),
  };
}

async function fire(s: RestServices, ctx: RequestContext): Promise<Reply> {
  const asyncQuery = parseAsyncFlag(ctx.rawQuery);
  const request = parseLifecycleRequest(await ctx.body());
  const namespace = request.namespace ?? s.namespace;
  await ctx.authorize({ verb: 'update', subresource: 'status', namespace });
  const event = eventOf(ctx, request, namespace);
  const { eventId } = event;
  // The lifecycle service runs an event id once per namespace, DIG and hook: a repeated fire joins
  // the run in flight or answers its outcome.
  const running = s.lifecycle.fire(event);
  const location = eventUrl(s.lifecycle.pollId(event));
  ctx.logger.info('Lifecycle event accepted', {
    eventId,
    hookType: event.hookType,
    dig: event.dig,
    namespace,
    async: asyncQuery ?? request.async ?? false,
  });
  const accepted = (): Reply =>
    jsonValue(202, { state: 'Running', eventId, statusUrl: location }, { Location: location });
  running.catch((err: unknown) =>
    ctx.logger.error('Lifecycle event failed to run', { eventId, ...errorFields(err) }),
  );
  if (asyncQuery ?? request.async ?? false) return accepted();
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), s.limits.syncEventWaitMs);
  });
  let outcome: EventOutcome | undefined;
  try {
    outcome = await Promise.race([running, waited]);
  } catch (err) {
    throw errorReply(err);
  } finally {
    clearTimeout(timer);
  }
  if (outcome === undefined) {
    ctx.logger.info('Lifecycle event still running at the request timeout; answering 202', { eventId });
    return accepted();
  }
  if (ctx.signal.aborted) {
    ctx.logger.warn('Lifecycle event finished after its caller went away', { eventId });
  }
  return jsonValue(outcome.succeeded ? 200 : EVENT_FAILED_STATUS, outcomeBody(outcome), {
    'Content-Location': location,
  });
}

/** An event's outcome, for a caller allowed to read intent status in the event's namespace. */
async function poll(s: RestServices, ctx: RequestContext): Promise<Reply> {
  const pollId = ctx.params.pollId ?? '';
  const polled = s.lifecycle.poll(pollId);
  if (polled === undefined) {
    throw new HttpError(
      404,
      `lifecycle event not found: ${pollId} (outcomes are kept by the replica that ran the event)`,
    );
  }
  await ctx.authorize({
    verb: 'get',
    subresource: 'status',
    namespace: polled.namespace !== '' ? polled.namespace : s.namespace,
  });
  const { eventId } = polled;
  if (polled.failure !== undefined) return jsonValue(200, { state: 'Error', eventId, error: polled.failure });
  if (polled.outcome === undefined) return jsonValue(200, { state: 'Running', eventId });
  return jsonValue(200, outcomeBody(polled.outcome));
}

export function lifecycleRoutes(s: RestServices): RouteDef[] {
  return [
    {
      method: 'POST',
      pattern: LIFECYCLE_EVENTS_PATTERN,
      summary: 'Fire a lifecycle hook of a deployment intent group (runs its intents of that hook type)',
      access: 'handler',
      selfTimed: true,
      handler: (ctx) => fire(s, ctx),
    },
    {
      method: 'GET',
      pattern: LIFECYCLE_EVENT_PATTERN,
      summary: 'Outcome of a lifecycle event fired earlier (by the poll id of its statusUrl)',
      access: 'handler',
      handler: (ctx) => poll(s, ctx),
    },
  ];
}
