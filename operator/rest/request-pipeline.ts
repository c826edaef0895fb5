// Owns what every REST request goes through: a request id, Go-style path handling (400, 301
// cleaning, 404, 405), the readiness gate, authentication and route-level authorization, the
// handler under the request timeout, and one JSON access log line and latency sample per request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdOf } from '../../common/http/request-id.js';
import { DEFAULT_RECEIVE_TIMEOUTS } from '../../common/http/server-timeouts.js';
import { errorFields, type Logger } from '../../common/log.js';
import type { OperatorMetrics } from '../metrics.js';
import { readBody } from './body-reader.js';
import { BadRequestTargetError, cleanRedirectLocation, parseRequestTarget } from './go-path.js';
import type { AccessCheck, AuthenticatedUser, KubernetesAuth } from './kubernetes-auth.js';
import { HttpError, noContent, textError, writeReply, type Reply } from './reply.js';
import type { RequestContext, RouteDef } from './route-types.js';
import { BoundedCache, templateOf, type Router } from './router.js';

export interface PipelineDeps {
  router: Router<RouteDef>;
  /** Kubernetes authentication and authorization (auth `kubernetes`), else none. */
  auth?: KubernetesAuth;
  /** The Kubernetes name of the resource a route's parameters name (for `resourceNames` rules). */
  resourceName?: (params: Record<string, string>) => string | undefined;
  ready(): boolean;
  logger: Logger;
  metrics?: Pick<OperatorMetrics, 'restRequestDuration'>;
  config: {
    defaultNamespace: string;
    maxBodyBytes: number;
    requestTimeoutMs: number;
    receiveTimeoutMs?: number;
    /** Answer deadline of an ordinary route (ms); default requestTimeoutMs. */
    routeTimeoutMs?: number;
  };
}

/** What the access log says about a request (filled in as the pipeline learns it). */
interface Trace {
  route: string;
  user?: string;
}

interface Resolved {
  route: RouteDef;
  /** Shared by every request of the same target: handlers read it, never change it. */
  params: Readonly<Record<string, string>>;
  path: string;
  rawQuery: string;
  /** The route's template, the access log's and metrics' `route`. */
  template: string;
}

/** How many request targets the route cache remembers. */
const ROUTE_CACHE_SIZE = 1024;
/** Longer request targets are routed every time (bounds the cache's memory). */
const MAX_CACHED_TARGET = 1024;

const INTERNAL_ERROR = 'The server encountered an internal error and was unable to complete your request.';

/** Parses and routes the request target: a route, or the answer Go's mux would give. */
function resolveTarget(deps: PipelineDeps, method: string, url: string, trace: Trace): Resolved | Reply {
  let target;
  try {
    target = parseRequestTarget(url);
  } catch (err) {
    if (!(err instanceof BadRequestTargetError)) throw err;
    trace.route = 'invalid';
    return textError(400, `400 Bad Request: ${err.message}`);
  }
  const location = cleanRedirectLocation(target);
  if (location !== undefined) {
    trace.route = 'redirect';
    return { status: 301, headers: { Location: location } };
  }
  const match = deps.router.match(method, target.path);
  if (match.kind === 'not-found') {
    trace.route = 'unmatched';
    return textError(404, '404 page not found');
  }
  if (match.kind === 'method-not-allowed') {
    trace.route = 'method-not-allowed';
    return noContent(undefined, 405);
  }
  trace.route = templateOf(match.route.value.pattern);
  return Object.freeze({
    route: match.route.value,
    params: Object.freeze(match.params),
    path: target.path,
    rawQuery: target.rawQuery,
    template: trace.route,
  });
}

/**
 * `resolveTarget`, with GETs that found a route remembered per raw request target: reads repeat
 * the same few URLs, and the routes never change while the server runs.
 */
function resolve(
  deps: PipelineDeps,
  routes: BoundedCache<Resolved>,
  req: IncomingMessage,
  trace: Trace,
): Resolved | Reply {
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  if (method !== 'GET' || url.length > MAX_CACHED_TARGET) return resolveTarget(deps, method, url, trace);
  const hit = routes.get(url);
  if (hit !== undefined) {
    trace.route = hit.template;
    return hit;
  }
  const resolved = resolveTarget(deps, method, url, trace);
  if ('route' in resolved) routes.set(url, resolved);
  return resolved;
}

/** The caller of a non-public route, authenticated and (for routes that name one) authorized. */
async function admit(
  deps: PipelineDeps,
  req: IncomingMessage,
  target: Resolved,
  trace: Trace,
): Promise<AuthenticatedUser | undefined> {
  const { route } = target;
  if (deps.auth === undefined || route.access === 'public') return undefined;
  const user = await deps.auth.authenticateRequest(req.headers.authorization, req.socket);
  trace.user = user.username;
  if (typeof route.access === 'object') {
    const name = deps.resourceName?.(target.params);
    await deps.auth.authorize(user, {
      ...route.access,
      namespace: deps.config.defaultNamespace,
      ...(name !== undefined ? { name } : {}),
    });
  }
  return user;
}

async function authorizeFor(
  deps: PipelineDeps,
  user: AuthenticatedUser | undefined,
  check: AccessCheck,
): Promise<void> {
  if (deps.auth === undefined) return;
  if (user === undefined) throw new HttpError(401, 'Unauthorized: this API requires a bearer token');
  await deps.auth.authorize(user, check);
}

/** The request body as read once: `done` once it arrived whole or failed. */
interface BodyState {
  promise?: Promise<Buffer>;
  done: boolean;
}

/** One request on its way through the pipeline, once routed and admitted. */
interface Exchange {
  deps: PipelineDeps;
  req: IncomingMessage;
  res: ServerResponse;
  target: Resolved;
  user: AuthenticatedUser | undefined;
  requestId: string;
  logOf: () => Logger;
}

/** What a handler receives; the logger and the abort signal are made only when a handler asks. */
function contextFor(
  { deps, req, res, target, user, requestId, logOf }: Exchange,
  extendDeadline: (extraMs: number) => void,
  body: BodyState,
): RequestContext {
  const { config } = deps;
  let aborter: AbortController | undefined;
  return {
    requestId,
    method: req.method ?? 'GET',
    path: target.path,
    params: target.params,
    rawQuery: target.rawQuery,
    headers: req.headers,
    body: () =>
      (body.promise ??= readBody(
        req,
        config.maxBodyBytes,
        config.receiveTimeoutMs ?? DEFAULT_RECEIVE_TIMEOUTS.receiveTimeoutMs,
      ).finally(() => (body.done = true))),
    ...(user !== undefined ? { user } : {}),
    authorize: (check) => authorizeFor(deps, user, check),
    get logger() {
      return logOf();
    },
    get signal() {
      if (aborter === undefined) {
        const controller = new AbortController();
        aborter = controller;
        if (res.closed && !res.writableFinished) controller.abort();
        else
          res.once('close', () => {
            if (!res.writableFinished) controller.abort();
          });
      }
      return aborter.signal;
    },
    extendDeadline,
  };
}

/** The answer when the deadline passes: a body still arriving is the client's delay (408), else ours (503). */
function timedOut(body: BodyState): Reply {
  return body.promise !== undefined && !body.done
    ? textError(408, 'request timed out: the request body did not arrive in time', { Connection: 'close' })
    : textError(503, 'request timed out: the operator did not finish it in time');
}

/**
 * Runs the handler. A handler that answers synchronously (cached reads) is done at once; one that
 * returns a promise answers 503 when the route timeout passes first (408 while its body is still
 * arriving), unless its route bounds its own duration.
 */
function run(exchange: Exchange): Reply | Promise<Reply> {
  const { deps, res, target, logOf } = exchange;
  const { route } = target;
  const routeTimeoutMs = deps.config.routeTimeoutMs ?? deps.config.requestTimeoutMs;
  let deadlineMs = routeTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  let onTimeout: (() => void) | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    if (onTimeout !== undefined) timer = setTimeout(onTimeout, deadlineMs);
  };
  const extendDeadline = (extraMs: number): void => {
    deadlineMs = routeTimeoutMs + Math.max(0, extraMs);
    if (timer !== undefined) arm();
  };
  const body: BodyState = { done: false };
  const ctx = contextFor(exchange, extendDeadline, body);
  const work = route.handler(ctx);
  if (!(work instanceof Promise) || route.selfTimed === true) return work;
  work.catch((err: unknown) => {
    if (res.headersSent) logOf().warn('Request failed after its response was sent', errorFields(err));
  });
  const timeout = new Promise<Reply>((resolveTimeout) => {
    onTimeout = () => resolveTimeout(timedOut(body));
  });
  arm();
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function dispatch(
  deps: PipelineDeps,
  routes: BoundedCache<Resolved>,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  logOf: () => Logger,
  trace: Trace,
): Reply | Promise<Reply> {
  const target = resolve(deps, routes, req, trace);
  if (!('route' in target)) return target;
  if (target.route.access !== 'public' && !deps.ready()) {
    // Before the cache synced a list would look empty and a create could miss a duplicate.
    return textError(503, 'the operator is starting: its intent cache has not synced yet', {
      'Retry-After': '1',
    });
  }
  if (deps.auth === undefined || target.route.access === 'public')
    return run({ deps, req, res, target, user: undefined, requestId, logOf });
  return admit(deps, req, target, trace).then((user) =>
    run({ deps, req, res, target, user, requestId, logOf }),
  );
}

function failed(err: unknown, log: Logger): Reply {
  if (err instanceof HttpError) {
    if (err.reply.status >= 500) log.warn('Request failed', errorFields(err));
    return err.reply;
  }
  log.error('Request failed unexpectedly', errorFields(err));
  return textError(500, INTERNAL_ERROR);
}

type DurationObserver = (seconds: number) => void;

/**
 * The request-duration histogram's series per (method, route, code), looked up once each: the
 * labelled child observes without hashing a label object per request.
 */
function durationSeries(
  metrics: PipelineDeps['metrics'],
): ((method: string, route: string, code: number) => DurationObserver) | undefined {
  if (metrics === undefined) return undefined;
  const series = new Map<string, DurationObserver>();
  return (method, route, code) => {
    const key = `${method} ${code} ${route}`;
    let observe = series.get(key);
    if (observe === undefined) {
      const child = metrics.restRequestDuration.labels({ method, route, code: String(code) });
      observe = (seconds) => child.observe(seconds);
      series.set(key, observe);
    }
    return observe;
  };
}

/** The request handler of the REST server. */
export function createRequestPipeline(
  deps: PipelineDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  const seriesOf = durationSeries(deps.metrics);
  const routes = new BoundedCache<Resolved>(ROUTE_CACHE_SIZE);
  return function handle(req: IncomingMessage, res: ServerResponse): void {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    let log: Logger | undefined;
    const logOf = (): Logger => (log ??= deps.logger.child({ requestId }));
    const trace: Trace = { route: 'unmatched' };
    // The access line costs its formatting even when the transport drops it: only when it is kept.
    const logRequest = deps.logger.isInfoEnabled();
    if (seriesOf !== undefined || logRequest) {
      res.once('finish', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const method = req.method ?? '';
        seriesOf?.(method, trace.route, res.statusCode)(seconds);
        if (!logRequest) return;
        logOf().info('REST request', {
          method,
          path: (req.url ?? '').split('?')[0],
          route: trace.route,
          status: res.statusCode,
          durationMs: Math.round(seconds * 1000),
          ...(trace.user !== undefined ? { user: trace.user } : {}),
        });
      });
    }
    let reply: Reply | Promise<Reply>;
    try {
      reply = dispatch(deps, routes, req, res, requestId, logOf, trace);
    } catch (err) {
      reply = failed(err, logOf());
    }
    if (reply instanceof Promise) {
      reply.then(
        (r) => writeReply(res, r, requestId),
        (err: unknown) => writeReply(res, failed(err, logOf()), requestId),
      );
    } else {
      writeReply(res, reply, requestId);
    }
  };
}
