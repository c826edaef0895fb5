// Owns the workflow client's HTTP(S) listener: routing (find-my-way), request ids and request
// logs, /invoke, /healthz, /readyz, /metrics, EMCO's 404/405 answers, and a draining stop.
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import FindMyWay from 'find-my-way';
import type { Logger } from '../common/log.js';
import { requestIdOf } from '../common/http/request-id.js';
import {
  DEFAULT_RECEIVE_TIMEOUTS,
  receiveTimeoutOptions,
  type ReceiveTimeouts,
} from '../common/http/server-timeouts.js';
import { errorFields, silentLogger } from '../common/log.js';
import type { Secret } from '../common/temporal/secret.js';
import type { ListenerTls } from './config.js';
import { handleInvoke } from './invoke-handler.js';
import { createInvokeLimit } from './invoke-limit.js';
import type { ClientMetrics } from './metrics.js';
import { createClientMetrics } from './metrics.js';
import type { NamedClients } from './named-clients.js';
import { sendText } from './respond.js';
import type { WorkflowStarterPort } from './workflow-starter.js';

export interface ClientServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  tls: ListenerTls | null;
  token: Secret | null;
  bodyLimitBytes: number;
  /** /invoke calls in flight at most (429 above); absent: unbounded. */
  maxConcurrentInvokes?: number;
  clients: NamedClients;
  starter: WorkflowStarterPort;
  logger?: Logger;
  metrics?: ClientMetrics;
  /** How long a client may take to send its request (default DEFAULT_RECEIVE_TIMEOUTS). */
  receiveTimeouts?: ReceiveTimeouts;
  /** How long stop() waits for in-flight requests before cutting connections, in ms. */
  shutdownTimeoutMs?: number;
  newWorkflowId?: () => string;
}

export interface ClientServer {
  /** Listens; resolves once bound. */
  start(): Promise<void>;
  /** Stops accepting, lets in-flight requests finish (bounded), then closes. Idempotent. */
  stop(): Promise<void>;
  /** `http(s)://host:port` once started. */
  readonly url: string;
  readonly metrics: ClientMetrics;
}

/** EMCO's (gorilla/mux) answer for an unknown path. */
const NOT_FOUND = '404 page not found';

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string | undefined>,
) => Promise<void>;

export function createClientServer(options: ClientServerOptions): ClientServer {
  const logger = (options.logger ?? silentLogger()).child({ component: 'http' });
  const metrics = options.metrics ?? createClientMetrics();
  const router = FindMyWay({
    maxParamLength: 1000,
    defaultRoute: (_req, res) => sendText(res, 404, NOT_FOUND),
  });
  let stopping = false;
  const limit =
    options.maxConcurrentInvokes === undefined ? undefined : createInvokeLimit(options.maxConcurrentInvokes);
  const perRequest = new WeakMap<IncomingMessage, Logger>();

  /** Routes `path` for every method: `allowed` ones to their handler, others to 405. */
  function route(path: string, handlers: Partial<Record<'GET' | 'POST', Handler>>): void {
    const allow = Object.keys(handlers).join(', ');
    router.all(path, (req, res, params) => {
      const handler = handlers[req.method as 'GET' | 'POST'];
      if (handler === undefined) {
        sendText(res, 405, '405 method not allowed', { Allow: allow });
        return;
      }
      handler(req, res, params).catch((err: unknown) => {
        (perRequest.get(req) ?? logger).error('Request failed', errorFields(err));
        sendText(res, 500, 'internal error');
      });
    });
  }

  route('/invoke/:name(^[a-zA-Z0-9_-]+$)', {
    POST: async (req, res, params) => {
      await handleInvoke(
        req,
        res,
        params['name'] ?? '',
        {
          clients: options.clients,
          starter: options.starter,
          metrics,
          bodyLimitBytes: options.bodyLimitBytes,
          token: options.token,
          ...(limit === undefined ? {} : { limit }),
          ...(options.newWorkflowId === undefined ? {} : { newWorkflowId: options.newWorkflowId }),
        },
        perRequest.get(req) ?? logger,
      );
    },
  });
  route('/healthz', {
    GET: (_req, res) => {
      sendText(res, 200, 'ok');
      return Promise.resolve();
    },
  });
  route('/readyz', {
    GET: async (_req, res) => {
      const readiness = await options.starter.ready();
      if (readiness.ready) sendText(res, 200, 'ok');
      else sendText(res, 503, `not ready: ${readiness.reason}`);
    },
  });
  route('/metrics', {
    GET: async (_req, res) => {
      const text = await metrics.registry.metrics();
      res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(text);
    },
  });

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const requestId = requestIdOf(req);
    const requestLogger = logger.child({ requestId });
    perRequest.set(req, requestLogger);
    res.setHeader('X-Request-Id', requestId);
    if (stopping) res.setHeader('Connection', 'close');
    const started = Date.now();
    res.once('finish', () => {
      const level = req.url?.startsWith('/invoke/') === true ? 'info' : 'debug';
      requestLogger.log(level, 'Request served', {
        method: req.method,
        path: req.url,
        status: res.statusCode,
        durationMs: Date.now() - started,
      });
    });
    router.lookup(req, res);
  };

  const timeouts = receiveTimeoutOptions(options.receiveTimeouts ?? DEFAULT_RECEIVE_TIMEOUTS);
  const server: Server =
    options.tls === null
      ? createHttpServer(timeouts, onRequest)
      : createHttpsServer(
          { ...timeouts, cert: options.tls.certPem, key: options.tls.key.reveal() },
          onRequest,
        );
  let url = '';
  let stopped: Promise<void> | undefined;

  return {
    metrics,
    get url() {
      return url;
    },
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      url = `${options.tls === null ? 'http' : 'https'}://${host}:${address.port}`;
      logger.info('Listening', { url, tls: options.tls !== null, auth: options.token !== null });
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), options.shutdownTimeoutMs ?? 10_000);
        });
        if ((await Promise.race([closed, timedOut])) === 'timeout') {
          logger.warn('Cutting connections still open at shutdown');
          server.closeAllConnections();
          await closed;
        }
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}
