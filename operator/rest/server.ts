// Owns the assembly of the operator's HTTP(S) server: the EMCO TAC REST API and lifecycle routes
// (routes.ts), the operational routes, the request pipeline every request goes through and the
// listener. Each part has its own module; this one wires them from the server's configuration.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthenticationV1Api, AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import type { Logger } from '../../common/log.js';
import type { OperatorMetrics } from '../metrics.js';
import type { IntentStore, LifecycleService } from '../ports.js';
import { resourceNameFor } from '../../common/emco/names.js';
import { digOf, findIntent } from './intent-lookup.js';
import { KubernetesAuth, type KubernetesAuthApis } from './kubernetes-auth.js';
import { createListener } from './listener.js';
import { operationalRoutes } from './operational-routes.js';
import { acceptAnyDig, orchestratorParentCheck, type ParentCheck } from './parent-check.js';
import { createRequestPipeline } from './request-pipeline.js';
import type { RestServices, RouteDef, TemporalPort } from './route-types.js';
import { Router } from './router.js';
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
  /**
   * Time to answer an ordinary route (ms; 503 after it); status waits add their wait, the
   * synchronous lifecycle call waits `requestTimeoutMs`. Default: requestTimeoutMs.
   */
  routeTimeoutMs?: number;
  /** Time for a request's headers to arrive (ms); default 10 s. */
  headersTimeoutMs?: number;
  /** Time for a whole request, headers and body, to arrive (ms); default 30 s. */
  receiveTimeoutMs?: number;
  auth: 'none' | 'kubernetes';
  /** TokenReview audiences (empty = the API server's); review cache TTL (ms) and size. */
  authAudiences?: readonly string[];
  authCacheTtlMs?: number;
  authCacheMaxEntries?: number;
  /** `/status` and `/cancel` accept workflow ids not recorded for the intent (authorized separately). */
  arbitraryWorkflowIds?: boolean;
  /** When set, creates check that the DIG exists at this EMCO orchestrator (409 otherwise). */
  emcoOrchestratorUrl?: string;
  temporalUiUrl?: string;
  /** `host:port` of the Temporal server in use; a `temporalServer` naming another one gets 400. */
  temporalAddress?: string;
  /**
   * PEM files of the serving certificate and key: HTTPS when given. `clientCaFile`: client
   * certificates it signs identify callers without a token (subject CN = user, O = groups).
   */
  tls?: { certFile: string; keyFile: string; clientCaFile?: string };
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

function authOf(deps: RestServerDeps): KubernetesAuth | undefined {
  if (deps.config.auth !== 'kubernetes') return undefined;
  const apis =
    deps.authz ??
    (deps.kubeConfig !== undefined
      ? {
          tokenReview: deps.kubeConfig.makeApiClient(AuthenticationV1Api),
          subjectAccessReview: deps.kubeConfig.makeApiClient(AuthorizationV1Api),
        }
      : undefined);
  if (apis === undefined)
    throw new Error('REST authentication "kubernetes" needs deps.authz or deps.kubeConfig');
  return new KubernetesAuth(apis, {
    ...(deps.config.authAudiences !== undefined ? { audiences: deps.config.authAudiences } : {}),
    ...(deps.config.authCacheTtlMs !== undefined ? { cacheTtlMs: deps.config.authCacheTtlMs } : {}),
    ...(deps.config.authCacheMaxEntries !== undefined
      ? { cacheMaxEntries: deps.config.authCacheMaxEntries }
      : {}),
    clientCertificates: deps.config.tls?.clientCaFile !== undefined,
  });
}

/** The Kubernetes name of the intent a route names: the stored one, else the name a create gives it. */
function resourceNameOf(s: RestServices): (params: Record<string, string>) => string | undefined {
  return (params) => {
    const name = params.tacIntent;
    if (name === undefined) return undefined;
    const dig = digOf(params);
    return findIntent(s, dig, name)?.metadata?.name ?? resourceNameFor({ ...dig, name });
  };
}

function servicesOf(deps: RestServerDeps): RestServices {
  const { config } = deps;
  const orchestrator = config.emcoOrchestratorUrl;
  return {
    store: deps.store,
    lifecycle: deps.lifecycle,
    temporal: deps.temporal,
    parentCheck:
      deps.parentCheck ??
      (orchestrator !== undefined && orchestrator !== ''
        ? orchestratorParentCheck(orchestrator)
        : acceptAnyDig),
    namespace: config.defaultNamespace,
    ...(config.temporalAddress !== undefined ? { temporalAddress: config.temporalAddress } : {}),
    arbitraryWorkflowIds: config.arbitraryWorkflowIds ?? false,
    limits: {
      statusWaitDefaultSeconds: config.statusWaitDefaultSeconds ?? 30,
      statusWaitMaxSeconds: config.statusWaitMaxSeconds ?? 300,
      syncEventWaitMs: config.requestTimeoutMs,
    },
    logger: deps.logger,
  };
}

export function createRestServer(deps: RestServerDeps): RestServer {
  const { config, logger } = deps;
  const auth = authOf(deps);
  const operational = operationalRoutes({
    registry: deps.metrics?.registry ?? new Registry(),
    ready: () => deps.health.ready(),
    ...(config.openapiPath !== undefined ? { openapiPath: config.openapiPath } : {}),
  });
  const router = new Router<RouteDef>();
  const services = servicesOf(deps);
  for (const route of [...buildRoutes(services), ...operational]) {
    router.add({ method: route.method, pattern: route.pattern, value: route });
  }
  const handler = createRequestPipeline({
    router,
    ...(auth !== undefined ? { auth } : {}),
    resourceName: resourceNameOf(services),
    ready: () => deps.health.ready(),
    logger,
    ...(deps.metrics !== undefined ? { metrics: deps.metrics } : {}),
    config,
  });
  const listener = createListener(config, handler);
  return {
    routes: router.routes.map((r) => ({ method: r.method, pattern: r.pattern, summary: r.value.summary })),
    handler,
    async listen(port = DEFAULT_REST_PORT, host = '0.0.0.0'): Promise<number> {
      const bound = await listener.listen(port, host);
      if (config.auth === 'none') {
        logger.warn(
          'REST authentication is off (TAC_REST_AUTH=none): anyone who reaches this port can create, ' +
            'change, cancel and fire intents',
          { port: bound },
        );
      }
      logger.debug('REST server bound', { tls: config.tls !== undefined, auth: config.auth });
      return bound;
    },
    close: (graceMs = 10_000) => listener.close(graceMs),
  };
}
