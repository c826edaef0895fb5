// Owns binding a parsed JSON value to one of EMCO's Go struct descriptions the way Go's
// encoding/json Unmarshal does: case-insensitive field match (exact match first), unknown keys
// dropped, last duplicate wins (structs and pointers merge, maps keep earlier keys), null leaves
// scalars and structs untouched, strict integer parsing, and Go's `cannot unmarshal` messages.
import { EmcoDecodeError } from './decode-error.js';
import { GoDurationError, parseGoDuration } from '../domain/go-duration.js';
import { goTypeString, type GoField, type GoStruct, type GoType } from './go-types.js';
import type { JsonNode } from './json-scanner.js';
import type { JsonValue } from './types.js';

export interface GoDecodeOptions {
  /** Also accept a Go duration string ("30s", "1m30s") for time.Duration fields. */
  allowDurationStrings?: boolean;
}

/** Where Go's decoder is: the innermost struct type and the field path (map keys are not part). */
interface Context {
  readonly structName: string | null;
  readonly path: readonly string[];
  readonly options: GoDecodeOptions;
}

/**
 * Go's key folding for matching against (ASCII) struct field names: ASCII letters upper-cased,
 * U+017F LATIN SMALL LETTER LONG S as 'S', U+212A KELVIN SIGN as 'K' (the only non-ASCII runes
 * whose simple case folding reaches ASCII). Other runes stay as they are and can never match.
 */
export function foldKey(key: string): string {
  let out = '';
  for (const ch of key) {
    if (ch >= 'a' && ch <= 'z') out += ch.toUpperCase();
    else if (ch === '\u017f') out += 'S';
    else if (ch === '\u212a') out += 'K';
    else out += ch;
  }
  return out;
}

const foldedFieldIndex = new WeakMap<GoStruct, Map<string, GoField>>();

function findField(def: GoStruct, key: string): GoField | undefined {
  const exact = def.fields.find((f) => f.name === key);
  if (exact !== undefined) return exact;
  let index = foldedFieldIndex.get(def);
  if (index === undefined) {
    index = new Map(def.fields.map((f) => [foldKey(f.name), f]));
    foldedFieldIndex.set(def, index);
  }
  return index.get(foldKey(key));
}

/** Defines an own enumerable property (safe for keys such as `__proto__`). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function typeError(value: string, type: GoType | string, ctx: Context, at: number): EmcoDecodeError {
  const typeName = typeof type === 'string' ? type : goTypeString(type);
  const where =
    ctx.structName !== null || ctx.path.length > 0
      ? `Go struct field ${ctx.structName ?? ''}.${ctx.path.join('.')}`
      : 'Go value';
  return new EmcoDecodeError('type', `json: cannot unmarshal ${value} into ${where} of type ${typeName}`, at);
}

/** The Go zero value of a type, as this codec holds it in JS. */
export function goZero(type: GoType): unknown {
  switch (type.kind) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'int':
      return type.repr === 'bigint' ? 0n : 0;
    case 'duration':
      return 0n;
    case 'float64':
      return 0;
    case 'struct':
      return zeroStruct(type.def);
    case 'ptr':
    case 'map':
    case 'slice':
    case 'any':
      return null;
    case 'timeout':
      return undefined;
  }
}

export function zeroStruct(def: GoStruct): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of def.fields) {
    if (!f.optional) setOwn(out, f.name, goZero(f.type));
  }
  return out;
}

/** strconv.ParseInt(text, 10, 64) plus the range of the target type; undefined when it fails. */
function parseGoInt(text: string, min: bigint, max: bigint): bigint | undefined {
  if (!/^-?[0-9]+$/.test(text)) return undefined;
  const n = BigInt(text);
  if (n < -(1n << 63n) || n > (1n << 63n) - 1n) return undefined;
  return n >= min && n <= max ? n : undefined;
}

/** Go's convertNumber for interface{} targets: float64, an error when it overflows. */
function goFloat(text: string, ctx: Context, at: number): number {
  const n = Number(text);
  if (!Number.isFinite(n)) throw typeError(`number ${text}`, 'float64', ctx, at);
  return n;
}

/** A JSON value decoded into Go's interface{} (objects as maps; last duplicate wins). */
function toInterface(node: JsonNode, ctx: Context): JsonValue {
  switch (node.t) {
    case 'null':
      return null;
    case 'bool':
      return node.v;
    case 'str':
      return node.v;
    case 'num':
      return goFloat(node.text, ctx, node.at);
    case 'arr':
      return node.items.map((item) => toInterface(item, ctx));
    case 'obj': {
      const out: Record<string, JsonValue> = {};
      for (const [k, v] of node.entries) setOwn(out, k, toInterface(v, ctx));
      return out;
    }
  }
}

function decodeStructInto(
  node: JsonNode & { t: 'obj' },
  def: GoStruct,
  target: Record<string, unknown>,
  ctx: Context,
): void {
  for (const [key, valueNode] of node.entries) {
    const field = findField(def, key);
    if (field === undefined) continue; // unknown keys are dropped
    const inner: Context = { structName: def.name, path: [...ctx.path, field.name], options: ctx.options };
    const present = Object.prototype.hasOwnProperty.call(target, field.name);
    // An optional (non-EMCO) field stays absent unless a non-null value sets it.
    const current = present ? target[field.name] : field.optional ? undefined : goZero(field.type);
    const next = decodeValue(valueNode, field.type, current, inner);
    if (next === undefined) continue;
    setOwn(target, field.name, next);
  }
}

/**
 * Decodes `node` into a Go value of `type` whose current value is `current` (Go decodes into the
 * existing value: structs and pointed-to structs merge, maps keep their other keys, a JSON null
 * leaves non-nullable values unchanged). Returns the new value. Throws the first type error.
 */
export function decodeValue(node: JsonNode, type: GoType, current: unknown, ctx: Context): unknown {
  if (node.t === 'null') {
    return type.kind === 'ptr' || type.kind === 'map' || type.kind === 'slice' || type.kind === 'any'
      ? null
      : current;
  }
  switch (type.kind) {
    case 'any':
      return toInterface(node, ctx);
    case 'struct':
    case 'ptr': {
      if (node.t !== 'obj') {
        const value =
          node.t === 'arr' ? 'array' : node.t === 'str' ? 'string' : node.t === 'num' ? 'number' : 'bool';
        throw typeError(value, type.def.typeName, ctx, node.at);
      }
      const target =
        current !== null && typeof current === 'object'
          ? (current as Record<string, unknown>)
          : zeroStruct(type.def);
      decodeStructInto(node, type.def, target, ctx);
      return target;
    }
    case 'map': {
      if (node.t !== 'obj') throw typeError(kindWord(node), type, ctx, node.at);
      const target =
        current !== null && typeof current === 'object' ? (current as Record<string, unknown>) : {};
      for (const [key, valueNode] of node.entries) {
        setOwn(target, key, decodeValue(valueNode, type.elem, goZero(type.elem), ctx));
      }
      return target;
    }
    case 'slice': {
      if (node.t !== 'arr') throw typeError(kindWord(node), type, ctx, node.at);
      const base = Array.isArray(current) ? (current as unknown[]) : [];
      return node.items.map((item, i) =>
        decodeValue(item, type.elem, i < base.length ? base[i] : goZero(type.elem), ctx),
      );
    }
    case 'string':
      if (node.t !== 'str') throw typeError(kindWord(node), type, ctx, node.at);
      return node.v;
    case 'bool':
      if (node.t !== 'bool') throw typeError(kindWord(node), type, ctx, node.at);
      return node.v;
    case 'float64': {
      if (node.t !== 'num') throw typeError(kindWord(node), type, ctx, node.at);
      const n = Number(node.text);
      if (!Number.isFinite(n)) throw typeError(`number ${node.text}`, type, ctx, node.at);
      return n;
    }
    case 'int': {
      if (node.t !== 'num') throw typeError(kindWord(node), type, ctx, node.at);
      const n = parseGoInt(node.text, type.min, type.max);
      if (n === undefined) throw typeError(`number ${node.text}`, type, ctx, node.at);
      return type.repr === 'bigint' ? n : Number(n);
    }
    case 'duration': {
      if (node.t === 'str' && ctx.options.allowDurationStrings === true) {
        try {
          return parseGoDuration(node.v);
        } catch (err) {
          if (!(err instanceof GoDurationError)) throw err;
          const e = typeError(`string ${JSON.stringify(node.v)}`, type, ctx, node.at);
          throw new EmcoDecodeError('type', `${e.message}: ${err.message}`, node.at, { cause: err });
        }
      }
      if (node.t !== 'num') throw typeError(kindWord(node), type, ctx, node.at);
      const n = parseGoInt(node.text, -(1n << 63n), (1n << 63n) - 1n);
      if (n === undefined) throw typeError(`number ${node.text}`, type, ctx, node.at);
      return n;
    }
    case 'timeout': {
      if (node.t === 'str') return node.v;
      if (node.t !== 'num') throw typeError(kindWord(node), type, ctx, node.at);
      const n = parseGoInt(node.text, BigInt(Number.MIN_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER));
      if (n === undefined) throw typeError(`number ${node.text}`, type, ctx, node.at);
      return Number(n);
    }
  }
}

function kindWord(node: JsonNode): string {
  switch (node.t) {
    case 'obj':
      return 'object';
    case 'arr':
      return 'array';
    case 'str':
      return 'string';
    case 'num':
      return 'number';
    case 'bool':
      return 'bool';
    case 'null':
      return 'null';
  }
}

/** Unmarshals a whole document into a fresh zero value of `def` (Go's `Decode(&v)`). */
export function decodeDocument(
  node: JsonNode,
  def: GoStruct,
  options: GoDecodeOptions = {},
): Record<string, unknown> {
  const ctx: Context = { structName: null, path: [], options };
  return decodeValue(node, { kind: 'struct', def }, zeroStruct(def), ctx) as Record<string, unknown>;
}
