// Owns the bytes the intent read routes answer: one stored intent's canonical EMCO JSON, encoded
// once per object version, and a DIG's list body, built once per version of the DIG's membership.
// Informer objects are immutable snapshots (an update brings a new object), so a WeakMap keyed by
// the object can never serve a stale body and frees itself with the object.
import type { TemporalActionIntent } from '../../common/model/types.js';

const itemCache = new WeakMap<TemporalActionIntent, Buffer>();

const NEWLINE = 0x0a;
const NULL_LIST = Buffer.from('null\n');
const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']\n');

/**
 * One intent's body: its canonical echo with the newline json.Encoder adds, memoized per object.
 * `encode` returns the canonical JSON text ending with "\n" and throws when the resource cannot be
 * shown as an EMCO intent (nothing is memoized then).
 */
export function itemBody(obj: TemporalActionIntent, encode: (obj: TemporalActionIntent) => string): Buffer {
  let body = itemCache.get(obj);
  if (body === undefined) {
    body = Buffer.from(encode(obj), 'utf8');
    itemCache.set(obj, body);
  }
  return body;
}

/** EMCO's list body from item bodies (each ending with "\n"): `null` for none (Go's nil slice), else a JSON array; trailing newline. */
export function listBody(items: readonly Buffer[]): Buffer {
  if (items.length === 0) return NULL_LIST;
  const parts: Buffer[] = [OPEN];
  items.forEach((item, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(item[item.length - 1] === NEWLINE ? item.subarray(0, item.length - 1) : item);
  });
  parts.push(CLOSE);
  return Buffer.concat(parts);
}

/**
 * List bodies per DIG, each kept with the version of the DIG it was built from (the store's
 * `listVersion`, which changes whenever a member is added, changed or deleted) and rebuilt only
 * when that version moves. At most `maxEntries` DIGs are kept; the least recently used goes first.
 */
export class ListBodyCache {
  private readonly entries = new Map<string, { version: number; body: Buffer }>();

  constructor(private readonly maxEntries = 256) {}

  body(key: string, version: number, build: () => Buffer): Buffer {
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.version === version) {
      // Map order is insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.body;
    }
    const body = build();
    this.entries.delete(key);
    this.entries.set(key, { version, body });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    return body;
  }

  get size(): number {
    return this.entries.size;
  }
}
