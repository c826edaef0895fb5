// Owns which EMCO orchestrators the migration activities may call: a workflow's `emcoURL` comes
// from outside (the intent, the lifecycle event), so it must match a configured allow-list of base
// URLs before any request is made. Fails closed: an empty list allows nothing.
import { trimTrailing } from '../../common/text.js';

/** Longest URL considered; longer input is refused before it is parsed. */
const MAX_URL_LENGTH = 2048;

/** One allowed base: scheme, host and port must be equal; the path must start with its path. */
interface AllowedBase {
  protocol: string;
  host: string;
  port: string;
  /** Path without a trailing slash ('' for the root). */
  path: string;
  text: string;
}

/** A URL the policy cannot use (configuration or input); the message says which and why. */
export class EmcoUrlError extends Error {
  override readonly name = 'EmcoUrlError';
}

function parseHttpUrl(text: string): URL {
  if (text.length > MAX_URL_LENGTH) throw new EmcoUrlError(`URL longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch (err) {
    throw new EmcoUrlError(`not a URL: ${JSON.stringify(text)}`, { cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EmcoUrlError(`expected an http(s) URL, got ${JSON.stringify(text)}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new EmcoUrlError(`URL must not carry credentials: ${JSON.stringify(url.host)}`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new EmcoUrlError(`URL must not carry a query or fragment: ${JSON.stringify(text)}`);
  }
  return url;
}

function base(url: URL, text: string): AllowedBase {
  return {
    protocol: url.protocol,
    host: url.hostname.toLowerCase(),
    port: url.port,
    path: trimTrailing(url.pathname, '/'),
    text,
  };
}

export class EmcoUrlPolicy {
  private readonly bases: readonly AllowedBase[];

  /** `allowed`: base URLs (`http(s)://host[:port][/path]`). Throws EmcoUrlError for a bad entry. */
  constructor(allowed: readonly string[]) {
    this.bases = allowed.map((text) => base(parseHttpUrl(text), text));
  }

  /** The allowed base URLs as configured (for messages and logs). */
  get allowed(): string[] {
    return this.bases.map((b) => b.text);
  }

  /**
   * Throws EmcoUrlError unless `text` is an http(s) URL on an allowed scheme, host and port whose
   * path lies under the allowed path (on a segment boundary). Ports compare after defaults, so
   * `http://e` and `http://e:80` are the same.
   */
  check(text: string): void {
    const url = parseHttpUrl(text);
    const candidate = base(url, text);
    const ok = this.bases.some(
      (b) =>
        b.protocol === candidate.protocol &&
        b.host === candidate.host &&
        b.port === candidate.port &&
        (b.path === '' || candidate.path === b.path || candidate.path.startsWith(`${b.path}/`)),
    );
    if (!ok) {
      const list = this.bases.length === 0 ? 'it is empty' : `it allows ${this.allowed.join(', ')}`;
      throw new EmcoUrlError(
        `EMCO URL ${JSON.stringify(text)} is not in the worker's allow-list (TAC_WORKER_EMCO_ALLOWED_URLS; ${list})`,
      );
    }
  }
}
