// Owns the operator's HTTP(S) server for EMCO's TAC REST API, the lifecycle endpoint and the
// operational routes: per-request correlation id, JSON access log and latency metric, Go-style
// path handling (301 cleaning, 404, 405), authentication, body limits and handler timeouts.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { AuthenticationV1Api, AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { errorFields, type Logger } from '../../common/log.js';
import type { OperatorMetrics } from '../metrics.js';
import type { IntentStore, LifecycleService } from '../ports.js';
import { readBody } from './body-reader.js';
import { BadRequestTargetError, cleanRedirectLocation, parseRequestTarget } from './go-path.js';
import {
  KubernetesAuth,
  type AccessCheck,
  type AuthenticatedUser,
  type KubernetesAuthApis,
} from './kubernetes-auth.js';
import { acceptAnyDig, orchestratorParentCheck, type ParentCheck } from './parent-check.js';
import { HttpError, noContent, textError, writeReply, type Reply } from './reply.js';
import type { RequestContext, RestServices, RouteDef, TemporalPort } from './route-types.js';
import { Router, templateOf } from './router.js';
import { buildRoutes } from './routes.js';

export const DEFAULT_REST_PORT = 9064;

export interface RestServerConfig {
  /** Namespace where REST intents live (and where RBAC is checked). */
  defaultNamespace: string;
  /** Largest accepted request body (bytes); 413 beyond. */
  maxBodyBytes: number;
  /**
   * Time to receive a request and, for ordinary routes, to answer it (ms); a synchronous lifecycle
   * call waits this long for its event before answering 202 with the poll URL.
   */
  requestTimeoutMs: number;
  auth: 'none' | 'kubernetes';
  /** When set, creates check that the DIG exists at this EMCO orchestrator (409 otherwise). */
  emcoOrchestratorUrl?: string;
  temporalUiUrl?: string;
  /** `host:port` of the Temporal server in use; a `temporalServer` naming another one gets 400. */
  temporalAddress?: string;
  /** PEM files of the serving certificate and key: HTTPS when given. */
  tls?: { certFile: string; keyFile: string };
  /** Status waits: default and cap of `timeout` (seconds). Defaults 30 and 300. */
  statusWaitDefaultSeconds?: number;
  statusWaitMaxSeconds?: number;
  /** Path of the served OpenAPI document; default: `docs/openapi.yaml` of the installation. */
  openapiPath?: string;
}

export interface RestServerDeps {
  store: IntentStore;
  lifecycle: LifecycleService;
  temporal: TemporalPort;
  logger: Logger;
  metrics?: Pick<OperatorMetrics, 'registry' | 'restRequestDuration'>;
  config: RestServerConfig;
  /** The TokenReview/SubjectAccessReview calls for `auth: kubernetes` (default: built from kubeConfig). */
  authz?: KubernetesAuthApis;
  /** Used to build `authz` when that is not given. */
  kubeConfig?: KubeConfig;
  health: { ready(): boolean };
  /** Replaces the orchestrator check (tests). */
  parentCheck?: ParentCheck;
}

export interface RestServer {
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(port?: number, host?: string): Promise<number>;
  /** Stops accepting, ends idle connections, waits for requests in flight at most `graceMs` (default 10 s). */
  close(graceMs?: number): Promise<void>;
  /** The request handler (for embedding in another server). */
  handler(req: IncomingMessage, res: ServerResponse): void;
  /** Every route (method + pattern), for documentation checks. */
  readonly routes: ReadonlyArray<Pick<RouteDef, 'method' | 'pattern' | 'summary'>>;
}

const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const value = Array.isArray(given) ? given[0] : given;
  return value !== undefined && REQUEST_ID.test(value) ? value : randomUUID();
}

/** Finds docs/openapi.yaml next to the installation (source tree or dist/ layout). */
async function loadOpenapi(explicit: string | undefined): Promise<Buffer> {
  const candidates =
    explicit !== undefined
      ? [explicit]
      : ['../../docs/openapi.yaml', '../../../docs/openapi.yaml', '../../../../docs/openapi.yaml'].map(
          (rel) => new URL(rel, import.meta.url),
        );
  let lastError: unknown;
  for (const c of candidates) {
    try {
      return await readFile(c);
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error('docs/openapi.yaml not found', { cause: lastError });
}

export function createRestServer(deps: RestServerDeps): RestServer {
  const { config } = deps;
  const logger = deps.logger;
  const authApis =
    deps.authz ??
    (deps.kubeConfig !== undefined
      ? {
          tokenReview: deps.kubeConfig.makeApiClient(AuthenticationV1Api),
          subjectAccessReview: deps.kubeConfig.makeApiClient(AuthorizationV1Api),
        }
      : undefined);
  if (config.auth === 'kubernetes' && authApis === undefined) {
    throw new Error('REST authentication "kubernetes" needs deps.authz or deps.kubeConfig');
  }
  const auth =
    config.auth === 'kubernetes' && authApis !== undefined ? new KubernetesAuth(authApis) : undefined;
  const registry = deps.metrics?.registry ?? new Registry();
  const services: RestServices = {
    store: deps.store,
    lifecycle: deps.lifecycle,
    temporal: deps.temporal,
    parentCheck:
      deps.parentCheck ??
      (config.emcoOrchestratorUrl !== undefined && config.emcoOrchestratorUrl !== ''
        ? orchestratorParentCheck(config.emcoOrchestratorUrl)
        : acceptAnyDig),
    namespace: config.defaultNamespace,
    ...(config.temporalAddress !== undefined ? { temporalAddress: config.temporalAddress } : {}),
    limits: {
      statusWaitDefaultSeconds: config.statusWaitDefaultSeconds ?? 30,
      statusWaitMaxSeconds: config.statusWaitMaxSeconds ?? 300,
      syncEventWaitMs: config.requestTimeoutMs,
    },
    logger,
  };

  let openapi: Promise<Buffer> | undefined;
  const operational: RouteDef[] = [
    {
      method: 'GET',
      pattern: '/metrics',
      summary: 'Prometheus metrics',
      access: 'public',
      handler: async () => ({
        status: 200,
        headers: { 'Content-Type': registry.contentType },
        body: await registry.metrics(),
      }),
    },
    {
      method: 'GET',
      pattern: '/healthz',
      summary: 'Liveness: the process serves HTTP',
      access: 'public',
      handler: () =>
        Promise.resolve({
          status: 200,
          headers: { 'Content-Type': 'text/plain; charset=utf-8' },
          body: 'ok\n',
        }),
    },
    {
      method: 'GET',
      pattern: '/readyz',
      summary: 'Readiness: the intent cache has synced',
      access: 'public',
      handler: () =>
        Promise.resolve(
          deps.health.ready()
            ? { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'ok\n' }
            : textError(503, 'not ready'),
        ),
    },
    {
      method: 'GET',
      pattern: '/openapi.yaml',
      summary: 'This API as an OpenAPI 3 document',
      access: 'public',
      handler: async () => {
        openapi ??= loadOpenapi(config.openapiPath);
        try {
          return { status: 200, headers: { 'Content-Type': 'application/yaml' }, body: await openapi };
        } catch (err) {
          openapi = undefined;
          throw err;
        }
      },
    },
  ];

  const router = new Router<RouteDef>();
  for (const route of [...buildRoutes(services), ...operational]) {
    router.add({ method: route.method, pattern: route.pattern, value: route });
  }

  async function authorizeFor(user: AuthenticatedUser | undefined, check: AccessCheck): Promise<void> {
    if (auth === undefined) return;
    if (user === undefined) throw new HttpError(401, 'Unauthorized: this API requires a bearer token');
    await auth.authorize(user, check);
  }

  async function dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    log: Logger,
    setRoute: (label: string, user?: string) => void,
  ): Promise<Reply> {
    let target;
    try {
      target = parseRequestTarget(req.url ?? '/');
    } catch (err) {
      if (err instanceof BadRequestTargetError) {
        setRoute('invalid');
        return textError(400, `400 Bad Request: ${err.message}`);
      }
      throw err;
    }
    const location = cleanRedirectLocation(target);
    if (location !== undefined) {
      setRoute('redirect');
      return { status: 301, headers: { Location: location } };
    }
    const match = router.match(req.method ?? 'GET', target.path);
    if (match.kind === 'not-found') {
      setRoute('unmatched');
      return textError(404, '404 page not found');
    }
    if (match.kind === 'method-not-allowed') {
      setRoute('method-not-allowed');
      return noContent(undefined, 405);
    }
    const route = match.route.value;
    setRoute(templateOf(route.pattern));
    if (route.access !== 'public' && !deps.health.ready()) {
      // Before the cache synced a list would look empty and a create could miss a duplicate.
      return textError(503, 'the operator is starting: its intent cache has not synced yet', {
        'Retry-After': '1',
      });
    }

    let user: AuthenticatedUser | undefined;
    if (auth !== undefined && route.access !== 'public') {
      user = await auth.authenticate(req.headers.authorization);
      setRoute(templateOf(route.pattern), user.username);
      if (typeof route.access === 'object') {
        await auth.authorize(user, { ...route.access, namespace: config.defaultNamespace });
      }
    }

    const aborter = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborter.abort();
    });
    let bodyPromise: Promise<Buffer> | undefined;
    let timer: NodeJS.Timeout | undefined;
    let onTimeout: (() => void) | undefined;
    const arm = (ms: number): void => {
      clearTimeout(timer);
      if (onTimeout !== undefined && route.selfTimed !== true) timer = setTimeout(onTimeout, ms);
    };
    const ctx: RequestContext = {
      requestId,
      method: req.method ?? 'GET',
      path: target.path,
      params: match.params,
      rawQuery: target.rawQuery,
      headers: req.headers,
      body: () => (bodyPromise ??= readBody(req, config.maxBodyBytes)),
      ...(user !== undefined ? { user } : {}),
      authorize: (check) => authorizeFor(user, check),
      logger: log,
      signal: aborter.signal,
      extendDeadline: (extraMs) => arm(config.requestTimeoutMs + Math.max(0, extraMs)),
    };
    const timeout = new Promise<Reply>((resolve) => {
      onTimeout = () => resolve(textError(503, 'request timed out: the operator did not finish it in time'));
    });
    if (route.selfTimed !== true) arm(config.requestTimeoutMs);
    const work = route.handler(ctx);
    if (route.selfTimed === true) return work;
    work.catch((err: unknown) => {
      if (res.headersSent) log.warn('Request failed after its response was sent', errorFields(err));
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  function handler(req: IncomingMessage, res: ServerResponse): void {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    res.setHeader('X-Request-Id', requestId);
    const log = logger.child({ requestId });
    let route = 'unmatched';
    let username: string | undefined;
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.metrics?.restRequestDuration.observe(
        { method: req.method ?? '', route, code: String(res.statusCode) },
        seconds,
      );
      log.info('REST request', {
        method: req.method,
        path: (req.url ?? '').split('?')[0],
        route,
        status: res.statusCode,
        durationMs: Math.round(seconds * 1000),
        ...(username !== undefined ? { user: username } : {}),
      });
    });
    dispatch(req, res, requestId, log, (label, user) => {
      route = label;
      if (user !== undefined) username = user;
    })
      .then((reply) => writeReply(res, reply))
      .catch((err: unknown) => {
        if (err instanceof HttpError) {
          if (err.status >= 500) log.warn('Request failed', errorFields(err));
          writeReply(res, err.reply);
          return;
        }
        log.error('Request failed unexpectedly', errorFields(err));
        writeReply(
          res,
          textError(500, 'The server encountered an internal error and was unable to complete your request.'),
        );
      });
  }

  let server: http.Server | https.Server | undefined;
  return {
    routes: router.routes.map((r) => ({ method: r.method, pattern: r.pattern, summary: r.value.summary })),
    handler,
    async listen(port = DEFAULT_REST_PORT, host = '0.0.0.0'): Promise<number> {
      if (config.tls !== undefined) {
        const [cert, key] = await Promise.all([readFile(config.tls.certFile), readFile(config.tls.keyFile)]);
        server = https.createServer({ cert, key }, handler);
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
      logger.debug('REST server bound', { tls: s instanceof https.Server, auth: config.auth });
      return (s.address() as AddressInfo).port;
    },
    async close(graceMs = 10_000): Promise<void> {
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
