// Owns the small JSON-over-HTTP client the activities use (undici underneath): one call per
// request with a deadline and a cancellation signal, answering status and text, never throwing
// on HTTP error statuses (callers classify them).
import { request } from 'undici';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  /** Sent as JSON with `Content-Type: application/json` when present. */
  json?: unknown;
  /** Aborts the request (an activity's cancellation signal). */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  text: string;
}

export interface HttpClient {
  /** Resolves for any HTTP status; rejects with HttpTransportError when no answer arrived. */
  send(req: HttpRequest): Promise<HttpResponse>;
}

/** No HTTP answer: refused, reset, timed out, aborted or a bad URL. */
export class HttpTransportError extends Error {
  override readonly name = 'HttpTransportError';

  constructor(
    message: string,
    readonly aborted: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface HttpClientOptions {
  /** Deadline for the answer's headers and then for its body, in milliseconds. */
  timeoutMs: number;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  return {
    async send(req) {
      try {
        const response = await request(req.url, {
          method: req.method,
          headers: req.json === undefined ? {} : { 'content-type': 'application/json' },
          body: req.json === undefined ? null : JSON.stringify(req.json),
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
          signal: req.signal ?? null,
        });
        return { status: response.statusCode, text: await response.body.text() };
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        const aborted = req.signal?.aborted === true;
        throw new HttpTransportError(`${req.method} ${req.url} failed: ${reason}`, aborted, { cause: err });
      }
    },
  };
}
