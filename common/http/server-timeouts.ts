// Owns how long an HTTP server waits for a client to send its request: the headers, the whole
// request (headers and body), and idle keep-alive connections. Both servers (the operator's REST
// API and the workflow client) use it, so a client sending a byte at a time is cut off in seconds,
// not held for the time a route may take to answer.
import type { ServerOptions } from 'node:http';

export interface ReceiveTimeouts {
  /** Time for the request line and headers to arrive, in ms. */
  headersTimeoutMs: number;
  /** Time for the whole request (headers and body) to arrive, in ms; at least headersTimeoutMs. */
  receiveTimeoutMs: number;
  /** Idle time of a kept-alive connection between requests, in ms. */
  keepAliveTimeoutMs?: number;
}

/** Defaults: headers within 10 s, the whole request within 30 s, idle connections closed after 5 s. */
export const DEFAULT_RECEIVE_TIMEOUTS: Readonly<Required<ReceiveTimeouts>> = Object.freeze({
  headersTimeoutMs: 10_000,
  receiveTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
});

/**
 * Options for `http.createServer` / `https.createServer`. Node answers 408 and closes the
 * connection when the headers or the request are late; it checks every `connectionsCheckingInterval`,
 * here a tenth of the shorter timeout (at most 1 s), so the cut-off is close to the limit. Once the
 * request has arrived these timeouts no longer apply: how long a route may take to answer is the
 * route's own bound (status waits, lifecycle events).
 * @throws RangeError for a non-positive timeout.
 */
export function receiveTimeoutOptions(timeouts: ReceiveTimeouts): ServerOptions {
  const headers = timeouts.headersTimeoutMs;
  const whole = timeouts.receiveTimeoutMs;
  if (!(headers > 0 && whole > 0)) {
    throw new RangeError(`receive timeouts must be positive, got headers ${headers} ms, request ${whole} ms`);
  }
  const headersTimeout = Math.min(headers, whole);
  return {
    headersTimeout,
    requestTimeout: whole,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs ?? DEFAULT_RECEIVE_TIMEOUTS.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeout / 10))),
  };
}
