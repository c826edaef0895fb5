// Owns EMCO's TAC intent routes (POST/GET list on the collection; GET/PUT/DELETE on one intent):
// Go-style decoding and validation, EMCO's status codes and texts, writes through the store to the
// API server, reads from its cache.
import { EmcoDecodeError } from '../../common/emco/decode-error.js';
import { decodeTacIntent } from '../../common/emco/decode.js';
import { encodeTacIntent } from '../../common/emco/encode.js';
import { ListBodyCache, itemBody, listBody } from './intent-json.js';
import type { DigRef, TacIntent } from '../../common/emco/types.js';
import { invalidInputBody, validateTacIntent } from '../../common/emco/validate.js';
import {
  ResourceConversionError,
  resourceToTacIntent,
  tacIntentToResource,
} from '../../common/model/convert.js';
import { objectKey } from '../../common/domain/keys.js';
import { errorFields } from '../../common/log.js';
import {
  ANNOTATION_DESCRIPTION,
  ANNOTATION_NAME,
  ANNOTATION_USER_DATA1,
  ANNOTATION_USER_DATA2,
} from '../../common/domain/annotations.js';
import type { TemporalActionIntent } from '../../common/model/types.js';
import type { StoreError } from '../ports.js';
import { digOf, digPathKey, findIntent, intentsOf, storeErrorReply } from './intent-lookup.js';
import { HttpError, jsonText, noContent, textError, type Reply } from './reply.js';
import type { RequestContext, RestServices, RouteDef } from './route-types.js';
import { readWorkers } from './emco-worker-store.js';

export const TAC_BASE =
  '/v2/projects/:project/composite-apps/:compositeApp/:compositeAppVersion' +
  '/deployment-intent-groups/:deploymentIntentGroup/temporal-action-controller';
export const TAC_INTENT = `${TAC_BASE}/:tacIntent`;

export const TEXT = {
  emptyBody: 'empty post body',
  undecodable: 'error decoding json body',
  exists: 'workflow hook intent already exists',
  notFound: 'Workflow Hook not found',
  deleteNotFound: 'The requested resource not found',
  hasChildren: 'Cannot delete parent without deleting child references first',
} as const;

/**
 * Decodes and validates a POST/PUT body as EMCO's handlers do: 400 `empty post body` for no body,
 * 422 `error decoding json body` for anything undecodable, 400 `Invalid Input:…` for rule breaks.
 * Shared by the intent and worker routes.
 */
export async function readEmcoBody<T>(
  ctx: RequestContext,
  decode: (body: Uint8Array) => T,
  validate: (value: T) => string[],
): Promise<T> {
  let value: T;
  try {
    value = decode(await ctx.body());
  } catch (err) {
    if (err instanceof EmcoDecodeError) {
      throw new HttpError(
        err.kind === 'eof' ? 400 : 422,
        err.kind === 'eof' ? TEXT.emptyBody : TEXT.undecodable,
        {
          cause: err,
        },
      );
    }
    throw err;
  }
  const problems = validate(value);
  if (problems.length > 0) throw new HttpError(400, invalidInputBody(problems).replace(/\n$/, ''));
  return value;
}

/** Decodes and validates a TAC intent body (see readEmcoBody). */
export function readTacIntent(ctx: RequestContext): Promise<TacIntent> {
  return readEmcoBody(ctx, decodeTacIntent, validateTacIntent);
}

/**
 * The resource to write for `intent` over `existing`: the new spec and EMCO metadata, keeping the
 * existing resource's identity, labels, annotations it does not own, finalizers and resourceVersion.
 */
export function replacementOf(
  existing: TemporalActionIntent,
  fresh: TemporalActionIntent,
): TemporalActionIntent {
  const kept = Object.entries(existing.metadata?.annotations ?? {}).filter(
    ([k]) => !EMCO_METADATA_ANNOTATIONS.has(k),
  );
  return {
    ...existing,
    spec: fresh.spec,
    metadata: {
      ...existing.metadata,
      labels: { ...(existing.metadata?.labels ?? {}), ...(fresh.metadata?.labels ?? {}) },
      annotations: { ...Object.fromEntries(kept), ...(fresh.metadata?.annotations ?? {}) },
    },
  };
}

/** Annotations that carry EMCO metadata: a PUT replaces them all (an empty field has none). */
const EMCO_METADATA_ANNOTATIONS = new Set([
  ANNOTATION_NAME,
  ANNOTATION_DESCRIPTION,
  ANNOTATION_USER_DATA1,
  ANNOTATION_USER_DATA2,
]);

/** The EMCO intent a resource holds; 500 naming the resource when it cannot be one. */
export function asTacIntent(obj: TemporalActionIntent): TacIntent {
  try {
    return resourceToTacIntent(obj).intent;
  } catch (err) {
    if (err instanceof ResourceConversionError) {
      throw new HttpError(500, `intent ${objectKey(obj)} cannot be shown as an EMCO intent: ${err.message}`, {
        cause: err,
      });
    }
    throw err;
  }
}

/** A stored intent's canonical JSON with its newline (memoized per object by itemBody). */
function canonicalText(obj: TemporalActionIntent): string {
  return encodeTacIntent(asTacIntent(obj));
}

function echo(intent: TacIntent): Reply {
  return jsonText(201, encodeTacIntent(intent));
}

async function create(s: RestServices, ctx: RequestContext): Promise<Reply> {
  const dig = digOf(ctx.params);
  const intent = await readTacIntent(ctx);
  if (findIntent(s, dig, intent.metadata.name) !== undefined) return textError(409, TEXT.exists);
  await s.parentCheck.digExists(dig);
  try {
    await s.store.create(tacIntentToResource(dig, intent, s.namespace));
  } catch (err) {
    throw storeErrorReply(err, { alreadyExists: TEXT.exists });
  }
  ctx.logger.info('Created TAC intent', { dig, intent: intent.metadata.name });
  return echo(intent);
}

/** PUT: an upsert keyed by the body's name (the URL name is ignored, as in EMCO). */
async function upsert(s: RestServices, ctx: RequestContext): Promise<Reply> {
  const dig = digOf(ctx.params);
  const intent = await readTacIntent(ctx);
  await s.parentCheck.digExists(dig);
  await write(s, ctx, dig, intent);
  return echo(intent);
}

async function write(s: RestServices, ctx: RequestContext, dig: DigRef, intent: TacIntent): Promise<void> {
  const fresh = tacIntentToResource(dig, intent, s.namespace);
  let existing: TemporalActionIntent | undefined;
  // Create and replace race with other writers: retry on the answers a newer cache resolves.
  const retryable = (err: StoreError): boolean =>
    err.kind === 'Conflict' ||
    err.kind === 'AlreadyExists' ||
    (err.kind === 'NotFound' && existing !== undefined);
  const attempt = async (): Promise<void> => {
    existing = findIntent(s, dig, intent.metadata.name);
    if (existing === undefined) {
      await ctx.authorize({ verb: 'create', namespace: s.namespace });
      await s.store.create(fresh);
      ctx.logger.info('Created TAC intent', { dig, intent: intent.metadata.name });
    } else {
      await s.store.replace(replacementOf(existing, fresh));
      ctx.logger.info('Replaced TAC intent', { dig, intent: intent.metadata.name });
    }
  };
  try {
    await s.store.update(s.namespace, fresh.metadata.name ?? '', attempt, retryable);
  } catch (err) {
    throw storeErrorReply(err);
  }
}

function getOne(s: RestServices, ctx: RequestContext): Reply {
  const obj = findIntent(s, digOf(ctx.params), ctx.params.tacIntent ?? '');
  if (obj === undefined) return textError(404, TEXT.notFound);
  return jsonText(200, itemBody(obj, canonicalText));
}

function buildList(s: RestServices, ctx: RequestContext, dig: DigRef): Buffer {
  const items: Buffer[] = [];
  for (const obj of intentsOf(s, dig)) {
    try {
      items.push(itemBody(obj, canonicalText));
    } catch (err) {
      ctx.logger.warn('Left an intent out of the list: it cannot be shown as an EMCO intent', {
        resource: `${objectKey(obj)}`,
        ...errorFields(err),
      });
    }
  }
  return listBody(items);
}

/** The list body, cached per DIG until the store reports a change of the DIG's members. */
function list(s: RestServices, lists: ListBodyCache, ctx: RequestContext): Reply {
  const dig = digOf(ctx.params);
  const key = `${s.namespace}/${digPathKey(dig)}`;
  return jsonText(
    200,
    lists.body(key, s.store.listVersion(dig), () => buildList(s, ctx, dig)),
  );
}

async function remove(s: RestServices, ctx: RequestContext): Promise<Reply> {
  const dig = digOf(ctx.params);
  const name = ctx.params.tacIntent ?? '';
  const obj = findIntent(s, dig, name);
  if (obj === undefined) return textError(404, TEXT.deleteNotFound);
  if (readWorkers(obj).length > 0) return textError(409, TEXT.hasChildren);
  try {
    await s.store.delete(obj.metadata?.namespace ?? s.namespace, obj.metadata?.name ?? '');
  } catch (err) {
    throw storeErrorReply(err, { notFound: TEXT.deleteNotFound });
  }
  ctx.logger.info('Deleted TAC intent', { dig, intent: name });
  return noContent('application/json');
}

export function intentRoutes(s: RestServices): RouteDef[] {
  const lists = new ListBodyCache();
  return [
    {
      method: 'POST',
      pattern: TAC_BASE,
      summary: 'Create a TAC intent',
      access: { verb: 'create' },
      handler: (ctx) => create(s, ctx),
    },
    {
      method: 'GET',
      pattern: TAC_INTENT,
      summary: 'Get one TAC intent',
      access: { verb: 'get' },
      handler: (ctx) => getOne(s, ctx),
    },
    {
      method: 'GET',
      pattern: TAC_BASE,
      summary: 'List the TAC intents of a DIG',
      access: { verb: 'list' },
      handler: (ctx) => list(s, lists, ctx),
    },
    {
      method: 'DELETE',
      pattern: TAC_INTENT,
      summary: 'Delete a TAC intent',
      access: { verb: 'delete' },
      handler: (ctx) => remove(s, ctx),
    },
    {
      method: 'PUT',
      pattern: TAC_INTENT,
      summary: "Create or replace the TAC intent named in the body (the URL's name is ignored, as in EMCO)",
      access: { verb: 'update' },
      handler: (ctx) => upsert(s, ctx),
    },
  ];
}
