// Owns reading the first JSON value of a request body the way Go's json.Decoder reads it: a
// byte-level scanner with Go's syntax error texts, Go's string unquoting (invalid UTF-8 and lone
// surrogates become U+FFFD), numbers kept as their literal text, object members kept in order with
// duplicates, and everything after the first complete value ignored.
import { EmcoDecodeError } from './decode-error.js';

/** One parsed JSON value. Numbers keep their literal text so int64 values stay exact. */
export type JsonNode =
  | { readonly t: 'null'; readonly at: number }
  | { readonly t: 'bool'; readonly v: boolean; readonly at: number }
  | { readonly t: 'num'; readonly text: string; readonly at: number }
  | { readonly t: 'str'; readonly v: string; readonly at: number }
  | { readonly t: 'arr'; readonly items: JsonNode[]; readonly at: number }
  | { readonly t: 'obj'; readonly entries: Array<readonly [string, JsonNode]>; readonly at: number };

/** Go's scanner limit (encoding/json maxNestingDepth). */
const MAX_NESTING_DEPTH = 10000;

const utf8Encoder = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const SIMPLE_ESCAPES: Readonly<Record<number, number>> = {
  0x22: 0x22,
  0x5c: 0x5c,
  0x2f: 0x2f,
  0x62: 8,
  0x66: 12,
  0x6e: 10,
  0x72: 13,
  0x74: 9,
};

/** The body as bytes; a JS string is UTF-8 encoded (a lone surrogate becomes U+FFFD). */
export function toBytes(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? utf8Encoder.encode(body) : body;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Go's `quoteChar`: the offending byte as Go prints it in syntax errors (`'x'`, `'\x01'`, `'ï'`). */
export function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  if (c === 0x5c) return `'\\\\'`;
  const named: Record<number, string> = {
    7: '\\a',
    8: '\\b',
    9: '\\t',
    10: '\\n',
    11: '\\v',
    12: '\\f',
    13: '\\r',
  };
  const name = named[c];
  if (name !== undefined) return `'${name}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  // Go converts the byte to the rune of the same number (Latin-1) before quoting it.
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `'\\u${c.toString(16).padStart(4, '0')}'`;
  return `'${String.fromCharCode(c)}'`;
}

function syntaxError(c: number, context: string, at: number): EmcoDecodeError {
  return new EmcoDecodeError('syntax', `invalid character ${quoteChar(c)} ${context}`, at);
}

function unexpectedEof(at: number): EmcoDecodeError {
  return new EmcoDecodeError('syntax', 'unexpected EOF', at);
}

/**
 * Go's utf8.DecodeRune on b[i..end): the code point and its byte length; an invalid or truncated
 * sequence decodes as U+FFFD of length 1 (so each bad byte becomes one U+FFFD).
 */
function decodeRune(b: Uint8Array, i: number, end: number): [number, number] {
  const b0 = b[i] ?? 0;
  if (b0 < 0x80) return [b0, 1];
  const cont = (k: number, lo = 0x80, hi = 0xbf): number => {
    const x = i + k < end ? (b[i + k] ?? -1) : -1;
    return x >= lo && x <= hi ? x & 0x3f : -1;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    return c1 < 0 ? [0xfffd, 1] : [((b0 & 0x1f) << 6) | c1, 2];
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    const c1 = cont(1, lo, hi);
    if (c1 < 0) return [0xfffd, 1];
    const c2 = cont(2);
    return c2 < 0 ? [0xfffd, 1] : [((b0 & 0x0f) << 12) | (c1 << 6) | c2, 3];
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    const c1 = cont(1, lo, hi);
    if (c1 < 0) return [0xfffd, 1];
    const c2 = cont(2);
    if (c2 < 0) return [0xfffd, 1];
    const c3 = cont(3);
    return c3 < 0 ? [0xfffd, 1] : [((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4];
  }
  return [0xfffd, 1];
}

function readU4(b: Uint8Array, i: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) v = v * 16 + hexValue(b[i + k] ?? 0);
  return v;
}

/** Go's `unquote` of the string body b[start..end) (between the quotes; already syntax-checked). */
function unquote(b: Uint8Array, start: number, end: number, hasEscape: boolean): string {
  if (!hasEscape) {
    try {
      return strictUtf8.decode(b.subarray(start, end));
    } catch {
      // Invalid UTF-8: fall through to the byte-wise decoding that replaces each bad byte.
    }
  }
  const out: string[] = [];
  const cps: number[] = [];
  const flush = (): void => {
    out.push(String.fromCodePoint(...cps));
    cps.length = 0;
  };
  let i = start;
  while (i < end) {
    if (cps.length >= 4096) flush();
    const c = b[i] ?? 0;
    if (c !== 0x5c) {
      const [cp, size] = decodeRune(b, i, end);
      cps.push(cp);
      i += size;
      continue;
    }
    const e = b[i + 1] ?? 0;
    const s = SIMPLE_ESCAPES[e];
    if (s !== undefined) {
      cps.push(s);
      i += 2;
      continue;
    }
    // \uXXXX (the scanner admitted only these escapes)
    let r = readU4(b, i + 2);
    i += 6;
    if (r >= 0xd800 && r <= 0xdfff) {
      const next = i + 5 < end && b[i] === 0x5c && b[i + 1] === 0x75 ? readU4(b, i + 2) : -1;
      if (r <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        r = 0x10000 + ((r - 0xd800) << 10) + (next - 0xdc00);
        i += 6;
      } else {
        r = 0xfffd;
      }
    }
    cps.push(r);
  }
  flush();
  return out.join('');
}

type Frame =
  | { readonly t: 'arr'; readonly items: JsonNode[]; readonly at: number }
  | {
      readonly t: 'obj';
      readonly entries: Array<readonly [string, JsonNode]>;
      key: string;
      readonly at: number;
    };

/**
 * Reads the first JSON value of `body`. Throws EmcoDecodeError: kind `eof` with message `EOF` when
 * the body holds only whitespace, kind `syntax` with Go's message otherwise.
 */
export function readFirstValue(body: Uint8Array): JsonNode {
  const b = body;
  const len = b.length;
  let pos = 0;

  const skipSpace = (): void => {
    while (pos < len && isSpace(b[pos] ?? 0)) pos++;
  };
  const peek = (): number => {
    if (pos >= len) throw unexpectedEof(pos);
    return b[pos] ?? 0;
  };

  const readString = (): string => {
    const start = pos + 1;
    let i = start;
    let hasEscape = false;
    for (;;) {
      if (i >= len) throw unexpectedEof(i);
      const c = b[i] ?? 0;
      if (c === 0x22) break;
      if (c === 0x5c) {
        hasEscape = true;
        i++;
        if (i >= len) throw unexpectedEof(i);
        const e = b[i] ?? 0;
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= len) throw unexpectedEof(i);
            if (hexValue(b[i] ?? 0) < 0)
              throw syntaxError(b[i] ?? 0, 'in \\u hexadecimal character escape', i);
          }
          i++;
          continue;
        }
        if (SIMPLE_ESCAPES[e] !== undefined) {
          i++;
          continue;
        }
        throw syntaxError(e, 'in string escape code', i);
      }
      if (c < 0x20) throw syntaxError(c, 'in string literal', i);
      i++;
    }
    pos = i + 1;
    return unquote(b, start, i, hasEscape);
  };

  const readKey = (): string => {
    const key = readString();
    skipSpace();
    const c = peek();
    if (c !== 0x3a) throw syntaxError(c, 'after object key', pos);
    pos++;
    return key;
  };

  const readNumber = (): string => {
    const start = pos;
    if (b[pos] === 0x2d) {
      pos++;
      const c = peek();
      if (!isDigit(c)) throw syntaxError(c, 'in numeric literal', pos);
    }
    if (b[pos] === 0x30) pos++;
    else while (pos < len && isDigit(b[pos] ?? 0)) pos++;
    if (pos < len && b[pos] === 0x2e) {
      pos++;
      const c = peek();
      if (!isDigit(c)) throw syntaxError(c, 'after decimal point in numeric literal', pos);
      while (pos < len && isDigit(b[pos] ?? 0)) pos++;
    }
    if (pos < len && (b[pos] === 0x65 || b[pos] === 0x45)) {
      pos++;
      let c = peek();
      if (c === 0x2b || c === 0x2d) {
        pos++;
        c = peek();
      }
      if (!isDigit(c)) throw syntaxError(c, 'in exponent of numeric literal', pos);
      while (pos < len && isDigit(b[pos] ?? 0)) pos++;
    }
    let text = '';
    for (let k = start; k < pos; k++) text += String.fromCharCode(b[k] ?? 0);
    return text;
  };

  const readLiteral = (word: 'true' | 'false' | 'null'): void => {
    pos++;
    for (let k = 1; k < word.length; k++) {
      const c = peek();
      const want = word.charCodeAt(k);
      if (c !== want) throw syntaxError(c, `in literal ${word} (expecting '${word[k] ?? ''}')`, pos);
      pos++;
    }
  };

  skipSpace();
  if (pos >= len) throw new EmcoDecodeError('eof', 'EOF', pos);

  const stack: Frame[] = [];
  for (;;) {
    // Begin a value at pos.
    skipSpace();
    const at = pos;
    const c = peek();
    let value: JsonNode;
    if (c === 0x7b || c === 0x5b) {
      if (stack.length + 1 > MAX_NESTING_DEPTH) throw syntaxError(c, 'exceeded max depth', pos);
      pos++;
      skipSpace();
      const d = peek();
      if (c === 0x7b) {
        if (d === 0x7d) {
          pos++;
          value = { t: 'obj', entries: [], at };
        } else if (d === 0x22) {
          stack.push({ t: 'obj', entries: [], key: readKey(), at });
          continue;
        } else {
          throw syntaxError(d, 'looking for beginning of object key string', pos);
        }
      } else if (d === 0x5d) {
        pos++;
        value = { t: 'arr', items: [], at };
      } else {
        stack.push({ t: 'arr', items: [], at });
        continue;
      }
    } else if (c === 0x22) {
      value = { t: 'str', v: readString(), at };
    } else if (c === 0x2d || isDigit(c)) {
      value = { t: 'num', text: readNumber(), at };
    } else if (c === 0x74) {
      readLiteral('true');
      value = { t: 'bool', v: true, at };
    } else if (c === 0x66) {
      readLiteral('false');
      value = { t: 'bool', v: false, at };
    } else if (c === 0x6e) {
      readLiteral('null');
      value = { t: 'null', at };
    } else {
      throw syntaxError(c, 'looking for beginning of value', pos);
    }

    // Complete the value: attach it to its container and read what follows.
    let next = false;
    while (!next) {
      const top = stack[stack.length - 1];
      if (top === undefined) return value; // the first value is complete; trailing bytes are ignored
      skipSpace();
      const d = peek();
      if (top.t === 'arr') {
        top.items.push(value);
        if (d === 0x2c) {
          pos++;
          next = true;
        } else if (d === 0x5d) {
          pos++;
          stack.pop();
          value = { t: 'arr', items: top.items, at: top.at };
        } else {
          throw syntaxError(d, 'after array element', pos);
        }
      } else {
        top.entries.push([top.key, value]);
        if (d === 0x2c) {
          pos++;
          skipSpace();
          const k = peek();
          if (k !== 0x22) throw syntaxError(k, 'looking for beginning of object key string', pos);
          top.key = readKey();
          next = true;
        } else if (d === 0x7d) {
          pos++;
          stack.pop();
          value = { t: 'obj', entries: top.entries, at: top.at };
        } else {
          throw syntaxError(d, 'after object key:value pair', pos);
        }
      }
    }
  }
}
