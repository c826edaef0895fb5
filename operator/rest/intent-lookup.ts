// Owns how the REST API finds TAC intents in the store: by DIG (the spec anchors, so kubectl-made
// intents count too) and EMCO name, in the REST namespace; and how store failures become EMCO-style
// HTTP answers.
import type { DigRef } from '../../common/emco/types.js';
import { isIntent, resourceNameFor } from '../../common/emco/names.js';
import type { TemporalActionIntent } from '../../common/model/types.js';
import { StoreError } from '../ports.js';
import { HttpError } from './reply.js';
import type { RestServices } from './route-types.js';

export function digOf(params: Record<string, string>): DigRef {
  return {
    project: params.project ?? '',
    compositeApp: params.compositeApp ?? '',
    compositeAppVersion: params.compositeAppVersion ?? '',
    deploymentIntentGroup: params.deploymentIntentGroup ?? '',
  };
}

/**
 * A DIG's identity as one string: its path segments joined by `/` (path variables never contain a
 * `/`, since an encoded slash separates segments here as in EMCO).
 */
export function digPathKey(dig: DigRef): string {
  return `${dig.project}/${dig.compositeApp}/${dig.compositeAppVersion}/${dig.deploymentIntentGroup}`;
}

/** The DIG's intents in the REST namespace, in the store's order (oldest first). */
export function intentsOf(s: RestServices, dig: DigRef): TemporalActionIntent[] {
  return s.store.listByDig(dig, s.namespace);
}

const derivedNames = new Map<string, string>();
const MAX_DERIVED_NAMES = 10_000;

/** resourceNameFor (a SHA-256 of the identity), memoized: GETs repeat the same few names. */
function derivedName(dig: DigRef, name: string): string {
  const key = `${digPathKey(dig)}/${name}`;
  let derived = derivedNames.get(key);
  if (derived === undefined) {
    derived = resourceNameFor({ ...dig, name });
    if (derivedNames.size >= MAX_DERIVED_NAMES) derivedNames.clear();
    derivedNames.set(key, derived);
  }
  return derived;
}

/**
 * The intent of `dig` whose EMCO name is `name`, if any. The two places it normally lives are
 * read directly (the derived resource name of REST-made intents, and the name itself for
 * kubectl-made ones); only a miss scans the DIG, for resources named otherwise.
 */
export function findIntent(s: RestServices, dig: DigRef, name: string): TemporalActionIntent | undefined {
  for (const candidate of [derivedName(dig, name), name]) {
    const obj = s.store.get(s.namespace, candidate);
    if (obj !== undefined && isIntent(obj, dig, name)) return obj;
  }
  return intentsOf(s, dig).find((obj) => isIntent(obj, dig, name));
}

/**
 * Translates a store failure: API-server validation → 400 with its message, Forbidden → 403,
 * Unavailable → 503; NotFound / AlreadyExists / Conflict use the route's EMCO texts when given.
 */
export function storeErrorReply(
  err: unknown,
  texts: { notFound?: string; alreadyExists?: string } = {},
): unknown {
  if (!(err instanceof StoreError)) return err;
  switch (err.kind) {
    case 'Invalid':
      return new HttpError(400, err.message, { cause: err });
    case 'Forbidden':
      return new HttpError(403, err.message, { cause: err });
    case 'Unavailable':
      return new HttpError(503, err.message, { cause: err });
    case 'NotFound':
      return new HttpError(404, texts.notFound ?? err.message, { cause: err });
    case 'AlreadyExists':
      return new HttpError(409, texts.alreadyExists ?? err.message, { cause: err });
    case 'Conflict':
      return new HttpError(409, err.message, { cause: err });
  }
}
