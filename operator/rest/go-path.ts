// Owns how a request target becomes a routable path the way EMCO's Go stack does it: Go's URL
// path unescaping, gorilla/mux's cleanPath (a 301 to the cleaned path for `//`, `/./`, `/../`),
// and Go's re-escaping of the cleaned path for the redirect's Location.

/** The request target could not be parsed (Go's server answers 400 for these). */
export class BadRequestTargetError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BadRequestTargetError';
  }
}

export interface RequestTarget {
  /** The decoded path (Go's `URL.Path`): `%2F` has become `/`, `+` stays `+`. */
  path: string;
  /** The raw query string without `?` (Go's `URL.RawQuery`); '' when absent. */
  rawQuery: string;
  /** Whether the target had a `?` (Go keeps `ForceQuery` for an empty query). */
  hasQuery: boolean;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Go's `url.PathUnescape`: `%XX` becomes the byte XX, `+` is kept, a malformed escape throws
 * BadRequestTargetError. The bytes are read as UTF-8 (invalid sequences become U+FFFD).
 */
export function unescapePath(raw: string): string {
  if (!raw.includes('%')) return raw;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw.charCodeAt(i);
    if (ch === 0x25) {
      const hi = hexValue(raw.charCodeAt(i + 1));
      const lo = hexValue(raw.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) {
        throw new BadRequestTargetError(`invalid URL escape "${raw.slice(i, i + 3)}"`);
      }
      bytes.push(hi * 16 + lo);
      i += 2;
    } else {
      // Node's parser admits only ASCII in the request line, so every other char is one byte.
      bytes.push(ch & 0xff);
    }
  }
  return utf8.decode(Uint8Array.from(bytes));
}

/** Splits a request target (origin form, or absolute form) into decoded path and raw query. */
export function parseRequestTarget(url: string): RequestTarget {
  let target = url;
  if (!target.startsWith('/')) {
    // Absolute form (`http://host/path?q`): keep what follows the authority.
    const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(target);
    if (m === null) throw new BadRequestTargetError(`invalid request URI ${JSON.stringify(url)}`);
    target = target.slice(m[0].length);
    if (target === '' || target.startsWith('?')) target = '/' + target;
  }
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const q = target.indexOf('?');
  const rawPath = q >= 0 ? target.slice(0, q) : target;
  const rawQuery = q >= 0 ? target.slice(q + 1) : '';
  return { path: unescapePath(rawPath), rawQuery, hasQuery: q >= 0 };
}

/** Go's `path.Clean` for a rooted path. */
function goClean(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      out.pop();
      continue;
    }
    out.push(seg);
  }
  return '/' + out.join('/');
}

/** gorilla/mux's `cleanPath`: Go's `path.Clean`, keeping a trailing slash. */
export function cleanPath(p: string): string {
  if (p === '') return '/';
  const rooted = p.startsWith('/') ? p : '/' + p;
  let np = goClean(rooted);
  if (rooted.endsWith('/') && np !== '/') np += '/';
  return np;
}

function shouldEscapeInPath(code: number): boolean {
  if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39)) {
    return false;
  }
  switch (code) {
    case 0x2d: // -
    case 0x5f: // _
    case 0x2e: // .
    case 0x7e: // ~
    case 0x24: // $
    case 0x26: // &
    case 0x2b: // +
    case 0x2c: // ,
    case 0x2f: // /
    case 0x3a: // :
    case 0x3b: // ;
    case 0x3d: // =
    case 0x40: // @
      return false;
    default:
      return true;
  }
}

/** Go's `url.PathEscape`-style escaping of a whole path (`/` kept), as `URL.String()` writes it. */
export function escapePath(p: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(p)) {
    out += shouldEscapeInPath(b)
      ? '%' + b.toString(16).toUpperCase().padStart(2, '0')
      : String.fromCharCode(b);
  }
  return out;
}

/**
 * The Location gorilla/mux sends when the cleaned path differs from the request's: the cleaned
 * path re-escaped, plus the original query. Undefined when the path is already clean.
 */
export function cleanRedirectLocation(target: RequestTarget): string | undefined {
  const cleaned = cleanPath(target.path);
  if (cleaned === target.path) return undefined;
  return escapePath(cleaned) + (target.hasQuery ? '?' + target.rawQuery : '');
}
