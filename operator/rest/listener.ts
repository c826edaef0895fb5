// Owns the REST API's listening socket: HTTP or HTTPS (PEM files read at listen time), the
// server's own request and header timeouts, and a close that drains requests in flight.
import { readFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface ListenerConfig {
  requestTimeoutMs: number;
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
        server = https.createServer({ cert, key, ...clientAuth }, handler);
      } else {
        server = http.createServer(handler);
      }
      server.requestTimeout = config.requestTimeoutMs;
      server.headersTimeout = Math.min(config.requestTimeoutMs, 60_000);
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
