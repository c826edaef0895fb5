// Owns the REST API's listening socket: HTTP or HTTPS (PEM files read at listen time), how long a
// client may take to send its request (headers, then the whole request), and a close that drains
// requests in flight.
import { readFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { DEFAULT_RECEIVE_TIMEOUTS, receiveTimeoutOptions } from '../../common/http/server-timeouts.js';

export interface ListenerConfig {
  /** Time for a request's headers to arrive (ms); default 10 s. */
  headersTimeoutMs?: number;
  /** Time for a whole request, headers and body, to arrive (ms); default 30 s. */
  receiveTimeoutMs?: number;
  /** `clientCaFile`: client certificates signed by it are verified and offered to authentication. */
  tls?: { certFile: string; keyFile: string; clientCaFile?: string };
}

export interface Listener {
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting, ends idle connections, waits for requests in flight at most `graceMs`. */
  close(graceMs: number): Promise<void>;
}

export function createListener(
  config: ListenerConfig,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Listener {
  let server: http.Server | https.Server | undefined;
  const timeouts = receiveTimeoutOptions({
    headersTimeoutMs: config.headersTimeoutMs ?? DEFAULT_RECEIVE_TIMEOUTS.headersTimeoutMs,
    receiveTimeoutMs: config.receiveTimeoutMs ?? DEFAULT_RECEIVE_TIMEOUTS.receiveTimeoutMs,
  });
  return {
    async listen(port, host) {
      if (config.tls !== undefined) {
        const { certFile, keyFile, clientCaFile } = config.tls;
        const [cert, key, ca] = await Promise.all([
          readFile(certFile),
          readFile(keyFile),
          clientCaFile !== undefined ? readFile(clientCaFile) : undefined,
        ]);
        // A certificate is asked for but not required: callers with a bearer token need none.
        const clientAuth = ca !== undefined ? { ca, requestCert: true, rejectUnauthorized: false } : {};
        server = https.createServer({ ...timeouts, cert, key, ...clientAuth }, handler);
      } else {
        server = http.createServer(timeouts, handler);
      }
      const s = server;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => {
          s.off('error', reject);
          resolve();
        });
      });
      return (s.address() as AddressInfo).port;
    },
    async close(graceMs) {
      const s = server;
      if (s === undefined) return;
      server = undefined;
      const timer = setTimeout(() => s.closeAllConnections(), graceMs);
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeIdleConnections();
      });
      clearTimeout(timer);
    },
  };
}
