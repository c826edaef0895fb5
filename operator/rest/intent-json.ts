// Owns the canonical EMCO JSON of stored intents for the read routes, computed once per object
// version: informer objects are immutable snapshots (an update brings a new object), so a WeakMap
// keyed by the object is a cache that can never serve a stale body and frees itself.
import type { TemporalActionIntent } from '../../common/model/types.js';

const cache = new WeakMap<TemporalActionIntent, string>();

/**
 * The canonical echo of a stored intent without the trailing newline (list items), memoized.
 * `convert` turns the resource into its EMCO intent and throws when it cannot.
 */
export function canonicalJson(
  obj: TemporalActionIntent,
  encode: (obj: TemporalActionIntent) => string,
): string {
  let text = cache.get(obj);
  if (text === undefined) {
    text = encode(obj);
    cache.set(obj, text);
  }
  return text;
}

/** EMCO's list body from item texts: `null` for none (Go's nil slice), else a JSON array; trailing newline. */
export function listBody(items: readonly string[]): string {
  return items.length === 0 ? 'null\n' : `[${items.join(',')}]\n`;
}

/** One intent's body with the newline json.Encoder adds. */
export function itemBody(text: string): string {
  return `${text}\n`;
}
