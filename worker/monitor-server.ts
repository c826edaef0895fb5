// Owns the worker's monitoring listener: GET /healthz (liveness), /readyz (readiness: every task
// queue polled) and /metrics (the Temporal SDK core's metrics followed by the program's own),
// nothing else; started first, so probes answer while workflows bundle, and stopped last.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../common/log.js';
import { errorFields, silentLogger } from '../common/log.js';
import type { HealthVerdict, WorkerStates } from './health.js';
import { liveness, readiness } from './health.js';
import type { WorkerMonitorMetrics } from './monitor-metrics.js';
import { createWorkerMonitorMetrics } from './monitor-metrics.js';
import type { SdkMetricsReader } from './sdk-metrics.js';

export interface MonitorServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** The SDK Workers' states, read at every probe and scrape; undefined while being built. */
  states: () => WorkerStates;
  /** The SDK core's metrics; undefined while the runtime is not installed yet. Absent: none. */
  sdkMetrics?: () => SdkMetricsReader | undefined;
  metrics?: WorkerMonitorMetrics;
  logger?: Logger;
  /** How long stop() waits for in-flight requests before cutting connections, in ms. */
  shutdownTimeoutMs?: number;
}

export interface MonitorServer {
  /** Listens; resolves once bound, rejects when the address cannot be bound. */
  start(): Promise<void>;
  /** Stops accepting, lets in-flight requests finish (bounded), then closes. Idempotent. */
  stop(): Promise<void>;
  /** `http://host:port` once started. */
  readonly url: string;
}

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  const body = `${text}\n`;
  res
    .writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      ...headers,
    })
    .end(body);
}

function sendVerdict(res: ServerResponse, verdict: HealthVerdict): void {
  sendText(res, verdict.ok ? 200 : 503, verdict.ok ? 'ok' : verdict.reason);
}

export function createMonitorServer(options: MonitorServerOptions): MonitorServer {
  const logger = (options.logger ?? silentLogger()).child({ component: 'monitor' });
  const metrics = options.metrics ?? createWorkerMonitorMetrics({ states: options.states });
  let lastSdkMetricsFailure: string | undefined;

  /** The core's text, or '' when it cannot be read (logged once per distinct failure). */
  async function sdkMetricsText(): Promise<string> {
    if (options.sdkMetrics === undefined) return '';
    const reader = options.sdkMetrics();
    if (reader === undefined) {
      metrics.sdkMetricsRead(false);
      return '';
    }
    try {
      const text = await reader.read();
      metrics.sdkMetricsRead(true);
      if (lastSdkMetricsFailure !== undefined) logger.info('Temporal SDK metrics readable again');
      lastSdkMetricsFailure = undefined;
      return text.endsWith('\n') || text === '' ? text : `${text}\n`;
    } catch (err) {
      metrics.sdkMetricsRead(false);
      const message = err instanceof Error ? err.message : String(err);
      if (message !== lastSdkMetricsFailure)
        logger.warn('Cannot read the Temporal SDK metrics', errorFields(err));
      lastSdkMetricsFailure = message;
      return '';
    }
  }

  async function serveMetrics(res: ServerResponse): Promise<void> {
    const sdk = await sdkMetricsText();
    const own = await metrics.registry.metrics();
    res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' });
    res.end(sdk + own);
  }

  const routes: Record<string, (res: ServerResponse) => Promise<void> | void> = {
    '/healthz': (res) => sendVerdict(res, liveness(options.states())),
    '/readyz': (res) => sendVerdict(res, readiness(options.states())),
    '/metrics': serveMetrics,
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const handler = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (handler === undefined) {
      sendText(res, 404, '404 page not found');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, '405 method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    Promise.resolve(handler(res)).catch((err: unknown) => {
      logger.error('Request failed', { path, ...errorFields(err) });
      if (res.headersSent) res.end();
      else sendText(res, 500, 'internal error');
    });
  };

  const server: Server = createServer(onRequest);
  let url = '';
  let stopped: Promise<void> | undefined;

  return {
    get url() {
      return url;
    },
    async start() {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) =>
          reject(
            new Error(`cannot listen on ${options.host}:${options.port}: ${err.message}`, { cause: err }),
          );
        server.once('error', onError);
        server.listen(options.port, options.host, () => {
          server.off('error', onError);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      url = `http://${host}:${address.port}`;
      logger.info('Listening', { url, endpoints: Object.keys(routes) });
    },
    stop() {
      stopped ??= (async () => {
        if (!server.listening) return;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), options.shutdownTimeoutMs ?? 5_000);
        });
        if ((await Promise.race([closed, timedOut])) === 'timeout') {
          logger.warn('Cutting monitoring connections still open at shutdown');
          server.closeAllConnections();
          await closed;
        }
        clearTimeout(timer);
        logger.info('Stopped listening', { url });
      })();
      return stopped;
    },
  };
}
