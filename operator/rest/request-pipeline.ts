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
import { templateOf, type Router } from './router.js';

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
  params: Record<string, string>;
  path: string;
  rawQuery: string;
}

const INTERNAL_ERROR = 'The server encountered an internal error and was unable to complete your request.';

/** Parses and routes the request target: a route, or the answer Go's mux would give. */
function resolve(deps: PipelineDeps, req: IncomingMessage, trace: Trace): Resolved | Reply {
  let target;
  try {
    target = parseRequestTarget(req.url ?? '/');
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
  const match = deps.router.match(req.method ?? 'GET', target.path);
  if (match.kind === 'not-found') {
    trace.route = 'unmatched';
    return textError(404, '404 page not found');
  }
  if (match.kind === 'method-not-allowed') {
    trace.route = 'method-not-allowed';
    return noContent(undefined, 405);
  }
  trace.route = templateOf(match.route.value.pattern);
  return { route: match.route.value, params: match.params, path: target.path, rawQuery: target.rawQuery };
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

/** Runs the handler; ordinary routes answer 503 when the request timeout passes first. */
async function run(
  deps: PipelineDeps,
  req: IncomingMessage,
  res: ServerResponse,
  target: Resolved,
  user: AuthenticatedUser | undefined,
  requestId: string,
  log: Logger,
): Promise<Reply> {
  const { route } = target;
  const { config } = deps;
  const aborter = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) aborter.abort();
  });
  const routeTimeoutMs = config.routeTimeoutMs ?? config.requestTimeoutMs;
  let bodyPromise: Promise<Buffer> | undefined;
  let bodyDone = false;
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
    params: target.params,
    rawQuery: target.rawQuery,
    headers: req.headers,
    body: () =>
      (bodyPromise ??= readBody(
        req,
        config.maxBodyBytes,
        config.receiveTimeoutMs ?? DEFAULT_RECEIVE_TIMEOUTS.receiveTimeoutMs,
      ).finally(() => (bodyDone = true))),
    ...(user !== undefined ? { user } : {}),
    authorize: (check) => authorizeFor(deps, user, check),
    logger: log,
    signal: aborter.signal,
    extendDeadline: (extraMs) => arm(routeTimeoutMs + Math.max(0, extraMs)),
  };
  const timeout = new Promise<Reply>((resolveTimeout) => {
    // A body still arriving is the client's delay (408, and the rest of it is not read), not ours.
    onTimeout = () =>
      resolveTimeout(
        bodyPromise !== undefined && !bodyDone
          ? textError(408, 'request timed out: the request body did not arrive in time', {
              Connection: 'close',
            })
          : textError(503, 'request timed out: the operator did not finish it in time'),
      );
  });
  if (route.selfTimed === true) return route.handler(ctx);
  arm(routeTimeoutMs);
  const work = route.handler(ctx);
  work.catch((err: unknown) => {
    if (res.headersSent) log.warn('Request failed after its response was sent', errorFields(err));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function dispatch(
  deps: PipelineDeps,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  log: Logger,
  trace: Trace,
): Promise<Reply> {
  const target = resolve(deps, req, trace);
  if (!('route' in target)) return target;
  if (target.route.access !== 'public' && !deps.ready()) {
    // Before the cache synced a list would look empty and a create could miss a duplicate.
    return textError(503, 'the operator is starting: its intent cache has not synced yet', {
      'Retry-After': '1',
    });
  }
  const user = await admit(deps, req, target, trace);
  return run(deps, req, res, target, user, requestId, log);
}

function failed(err: unknown, log: Logger): Reply {
  if (err instanceof HttpError) {
    if (err.reply.status >= 500) log.warn('Request failed', errorFields(err));
    return err.reply;
  }
  log.error('Request failed unexpectedly', errorFields(err));
  return textError(500, INTERNAL_ERROR);
}

/** The request handler of the REST server. */
export function createRequestPipeline(
  deps: PipelineDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  return function handle(req: IncomingMessage, res: ServerResponse): void {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    res.setHeader('X-Request-Id', requestId);
    const log = deps.logger.child({ requestId });
    const trace: Trace = { route: 'unmatched' };
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const labels = { method: req.method ?? '', route: trace.route, code: String(res.statusCode) };
      deps.metrics?.restRequestDuration.observe(labels, seconds);
      log.info('REST request', {
        method: req.method,
        path: (req.url ?? '').split('?')[0],
        route: trace.route,
        status: res.statusCode,
        durationMs: Math.round(seconds * 1000),
        ...(trace.user !== undefined ? { user: trace.user } : {}),
      });
    });
    dispatch(deps, req, res, requestId, log, trace).then(
      (reply) => writeReply(res, reply),
      (err: unknown) => writeReply(res, failed(err, log)),
    );
  };
}
