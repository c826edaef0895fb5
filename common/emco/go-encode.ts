// Owns writing JSON the way Go's encoding/json writes it: struct fields in declaration order with
// omitempty, map keys sorted by bytes, HTML-sensitive characters and U+2028/U+2029 escaped,
// int64 exact, float64 in Go's format.
import type { GoStruct, GoType } from './go-types.js';

const HEX = '0123456789abcdef';

/**
 * A Go JSON string literal with encoding/json's escaping (escapeHTML on): `"` and `\` escaped,
 * \n \r \t short forms, other control characters, `<`, `>`, `&`, U+2028 and U+2029 as \u00XX
 * (\b and \f too, as the Go releases of EMCO's era wrote them); a lone surrogate as \ufffd.
 */
export function encodeGoString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) {
      if (c === 0x22) esc = '\\"';
      else if (c === 0x5c) esc = '\\\\';
      else if (c === 0x0a) esc = '\\n';
      else if (c === 0x0d) esc = '\\r';
      else if (c === 0x09) esc = '\\t';
      else esc = `\\u00${HEX[c >> 4] ?? '0'}${HEX[c & 0xf] ?? '0'}`;
    } else if (c === 0x2028 || c === 0x2029) {
      esc = `\\u${c.toString(16)}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      esc = '\\ufffd';
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return `${out}${s.slice(start)}"`;
}

/** A float64 as Go's encoder prints it (`358.25`, `2`, `1e+21`, `1e-7`, `-0`). Throws on NaN/Inf. */
export function formatGoFloat(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`json: unsupported value: ${String(n)}`);
  if (Object.is(n, -0)) return '-0';
  // JS and Go switch to exponent form at the same thresholds (< 1e-6, >= 1e21) and both print the
  // shortest round-trip digits; Go writes the exponent without leading zeros, as JS does.
  return String(n);
}

/** Compares strings by their UTF-8 bytes (= code point order), as Go sorts map keys. */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

export function sortedKeys(obj: object): string[] {
  return Object.keys(obj).sort(compareGoStrings);
}

export interface EncodeGoJsonOptions {
  /** Sort object keys as Go sorts map keys (default true); false keeps insertion order (struct-like). */
  sortKeys?: boolean;
}

/**
 * Encodes an untyped value as Go's encoder would: objects as maps (keys sorted) unless told
 * otherwise, numbers as float64, bigints as exact integers, undefined object members left out.
 */
export function encodeGoJson(value: unknown, options: EncodeGoJsonOptions = {}): string {
  const sort = options.sortKeys !== false;
  const enc = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'string') return encodeGoString(v);
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return formatGoFloat(v);
    if (typeof v === 'bigint') return v.toString();
    if (Array.isArray(v)) return `[${v.map(enc).join(',')}]`;
    if (typeof v === 'object') {
      const obj = v as Record<string, unknown>;
      const keys = sort ? sortedKeys(obj) : Object.keys(obj);
      const parts: string[] = [];
      for (const k of keys) {
        if (obj[k] === undefined) continue;
        parts.push(`${encodeGoString(k)}:${enc(obj[k])}`);
      }
      return `{${parts.join(',')}}`;
    }
    throw new TypeError(`json: unsupported type: ${typeof v}`);
  };
  return enc(value);
}

function isEmpty(value: unknown, type: GoType): boolean {
  switch (type.kind) {
    case 'string':
      return value === '';
    case 'bool':
      return value === false;
    case 'int':
    case 'duration':
    case 'float64':
      return value === 0 || value === 0n;
    case 'map':
      return value === null || value === undefined || Object.keys(value).length === 0;
    case 'slice':
      return value === null || value === undefined || (value as unknown[]).length === 0;
    case 'ptr':
    case 'any':
      return value === null || value === undefined;
    case 'struct':
      return false;
    case 'timeout':
      return value === undefined;
  }
}

/** Encodes a JS value held in the shape of a Go type (see go-types.ts) exactly as Go marshals it. */
export function encodeTyped(value: unknown, type: GoType): string {
  switch (type.kind) {
    case 'string':
      return encodeGoString(typeof value === 'string' ? value : '');
    case 'bool':
      return value === true ? 'true' : 'false';
    case 'int':
    case 'duration':
      return typeof value === 'bigint' || typeof value === 'number' ? BigInt(value).toString() : '0';
    case 'float64':
      return formatGoFloat(typeof value === 'number' ? value : 0);
    case 'timeout':
      return typeof value === 'string' ? encodeGoString(value) : String(value);
    case 'any':
      return encodeGoJson(value);
    case 'struct':
      return encodeStruct(value, type.def);
    case 'ptr':
      return value === null || value === undefined ? 'null' : encodeStruct(value, type.def);
    case 'map': {
      if (value === null || value === undefined) return 'null';
      const obj = value as Record<string, unknown>;
      const parts = sortedKeys(obj).map((k) => `${encodeGoString(k)}:${encodeTyped(obj[k], type.elem)}`);
      return `{${parts.join(',')}}`;
    }
    case 'slice': {
      if (value === null || value === undefined) return 'null';
      return `[${(value as unknown[]).map((item) => encodeTyped(item, type.elem)).join(',')}]`;
    }
  }
}

function encodeStruct(value: unknown, def: GoStruct): string {
  const obj = (value ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  for (const field of def.fields) {
    const v = obj[field.name];
    if (field.optional === true && v === undefined) continue;
    if (field.omitEmpty === true && isEmpty(v, field.type)) continue;
    parts.push(`${encodeGoString(field.name)}:${encodeTyped(v, field.type)}`);
  }
  return `{${parts.join(',')}}`;
}
