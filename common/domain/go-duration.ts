// Owns Go `time.Duration` text: parsing exactly as time.ParseDuration does (int64 nanoseconds as
// bigint, Go's error texts) and formatting as Duration.String() does.

const INT64_MAX = (1n << 63n) - 1n;
const TWO_63 = 1n << 63n;

const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n], // micro sign
  ['\u03bcs', 1_000n], // Greek small letter mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

/**
 * Unsigned duration strings as this project accepts them in resources and bodies (the CRD uses the
 * same pattern): `0`, or one or more `<number><unit>` with units ns, us, µs, μs, ms, s, m, h.
 * Written for both Go RE2 (Kubernetes) and JS (ajv, this module).
 */
export const DURATION_STRING_PATTERN =
  '^(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$';

const DURATION_STRING_RE = new RegExp(DURATION_STRING_PATTERN, 'u');

/** Thrown for text time.ParseDuration rejects; the message is Go's. */
export class GoDurationError extends Error {
  override readonly name = 'GoDurationError';
}

/** Go's `time.quote`: ASCII printable kept, other bytes as \xHH. */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0x80 || cp < 0x20) {
      for (const byte of new TextEncoder().encode(ch)) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return `${out}"`;
}

/**
 * Parses a Go duration string ("300ms", "-1.5h", "2h45m") into int64 nanoseconds, exactly as Go's
 * time.ParseDuration does (including its float rounding of fractions and its overflow checks).
 * Throws GoDurationError with Go's message.
 */
export function parseGoDuration(text: string): bigint {
  const invalid = (): GoDurationError => new GoDurationError(`time: invalid duration ${goQuote(text)}`);
  let s = text;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let d = 0n;
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) throw invalid();
    // leading integer
    let i = 0;
    let v = 0n;
    while (i < s.length && isDigit(s[i])) {
      if (v > TWO_63 / 10n) throw invalid();
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > TWO_63) throw invalid();
      i++;
    }
    const pre = i > 0;
    s = s.slice(i);
    // fraction
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      while (j < s.length && isDigit(s[j])) {
        if (!overflow) {
          if (f > (TWO_63 - 1n) / 10n) {
            overflow = true;
          } else {
            const y = f * 10n + BigInt(s.charCodeAt(j) - 48);
            if (y > TWO_63) overflow = true;
            else {
              f = y;
              scale *= 10;
            }
          }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) throw invalid();
    // unit
    let u = 0;
    while (u < s.length && !(s[u] === '.' || isDigit(s[u]))) u++;
    if (u === 0) throw new GoDurationError(`time: missing unit in duration ${goQuote(text)}`);
    const unitText = s.slice(0, u);
    s = s.slice(u);
    const unit = UNITS.get(unitText);
    if (unit === undefined) {
      throw new GoDurationError(`time: unknown unit ${goQuote(unitText)} in duration ${goQuote(text)}`);
    }
    if (v > TWO_63 / unit) throw invalid();
    v *= unit;
    if (f > 0n) {
      // Go computes the fraction in float64: uint64(float64(f) * (float64(unit) / scale)).
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > TWO_63) throw invalid();
    }
    d += v;
    if (d > TWO_63) throw invalid();
  }
  if (neg) return -d;
  if (d > INT64_MAX) throw invalid();
  return d;
}

/** True when `text` is an unsigned duration string of DURATION_STRING_PATTERN that fits int64. */
export function isDurationString(text: string): boolean {
  if (!DURATION_STRING_RE.test(text)) return false;
  try {
    parseGoDuration(text);
    return true;
  } catch (err) {
    if (err instanceof GoDurationError) return false;
    throw err;
  }
}

function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let out = '';
  let print = false;
  let x = v;
  for (let i = 0; i < prec; i++) {
    const digit = x % 10n;
    print = print || digit !== 0n;
    if (print) out = digit.toString() + out;
    x /= 10n;
  }
  if (print) out = `.${out}`;
  return [out, x];
}

/** Go's Duration.String() of int64 nanoseconds: "1h2m3.5s", "250ms", "1.5µs", "0s". */
export function formatGoDuration(ns: bigint): string {
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    let prec: number;
    let unit: string;
    if (u < 1_000n) {
      prec = 0;
      unit = 'ns';
    } else if (u < 1_000_000n) {
      prec = 3;
      unit = '\u00b5s';
    } else {
      prec = 6;
      unit = 'ms';
    }
    const [frac, rest] = fmtFrac(u, prec);
    out = `${rest.toString()}${frac}${unit}`;
  } else {
    const [frac, secondsTotal] = fmtFrac(u, 9);
    u = secondsTotal;
    out = `${(u % 60n).toString()}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${(u % 60n).toString()}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u.toString()}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}
