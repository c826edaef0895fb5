// Owns equality of values as JSON sees them: two values are equal when JSON.stringify would write
// the same document up to the order of object keys. A property whose value is undefined (or a
// function or symbol) is absent; in an array such an element is null; a Date is its ISO text.
// It answers what comparing `JSON.parse(JSON.stringify(x))` copies answers, without writing or
// parsing any text: status comparisons run once per reconcile of every intent.

/** The value JSON.stringify writes for `value` where it stands in an object (undefined: left out). */
function asJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number') return Number.isFinite(value) ? value : null;
    if (typeof value === 'undefined' || typeof value === 'function' || typeof value === 'symbol')
      return undefined;
    return value;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  return typeof toJSON === 'function' ? asJson((toJSON as () => unknown).call(value)) : value;
}

function sameArray(a: readonly unknown[], b: readonly unknown[], depth: number): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    // An element JSON leaves out of an object is null in an array.
    if (!same(asJson(a[i]) ?? null, asJson(b[i]) ?? null, depth)) return false;
  }
  return true;
}

function sameObject(a: Record<string, unknown>, b: Record<string, unknown>, depth: number): boolean {
  let count = 0;
  for (const key of Object.keys(a)) {
    const av = asJson(a[key]);
    if (av === undefined) continue;
    count++;
    const bv = Object.prototype.hasOwnProperty.call(b, key) ? asJson(b[key]) : undefined;
    if (bv === undefined || !same(av, bv, depth)) return false;
  }
  for (const key of Object.keys(b)) if (asJson(b[key]) !== undefined) count--;
  return count === 0;
}

/** Deeper than this the values are compared as JSON text (a cycle makes JSON.stringify throw). */
const MAX_DEPTH = 64;

function same(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (depth >= MAX_DEPTH) return JSON.stringify(a) === JSON.stringify(b);
  const aArray = Array.isArray(a);
  if (aArray !== Array.isArray(b)) return false;
  return aArray
    ? sameArray(a as unknown[], b as unknown[], depth + 1)
    : sameObject(a as Record<string, unknown>, b as Record<string, unknown>, depth + 1);
}

/** Whether `a` and `b` are the same JSON document (key order aside). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return same(asJson(a) ?? null, asJson(b) ?? null, 0);
}
