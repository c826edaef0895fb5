// Owns the contract between the REST server and its route handlers: what a handler receives for
// one request (RequestContext), what it may use (RestServices), and how a route is declared.
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../../common/log.js';
import type { IntentStore, LifecycleService } from '../ports.js';
import type { TemporalGateway } from '../temporal/temporal-gateway.js';
import type { AccessCheck, AuthenticatedUser } from './kubernetes-auth.js';
import type { ParentCheck } from './parent-check.js';
import type { Reply } from './reply.js';
import type { HttpMethod } from './router.js';

/** The Temporal operations the REST API uses (TemporalGateway provides them). */
export type TemporalPort = Pick<
  TemporalGateway,
  'describeRaw' | 'history' | 'query' | 'waitForResult' | 'cancel' | 'terminate' | 'uiLink'
>;

export interface RestLimits {
  /** Default bound of a status call's wait for the workflow result, in seconds. */
  statusWaitDefaultSeconds: number;
  /** Largest accepted `timeout` of a status call, in seconds. */
  statusWaitMaxSeconds: number;
  /** How long a synchronous lifecycle call waits before answering 202 with the poll URL (ms). */
  syncEventWaitMs: number;
}

export interface RestServices {
  store: IntentStore;
  lifecycle: LifecycleService;
  temporal: TemporalPort;
  parentCheck: ParentCheck;
  /** Namespace of intents the REST API reads and writes. */
  namespace: string;
  /** `host:port` of the Temporal server the operator uses; undefined = any `temporalServer` is accepted. */
  temporalAddress?: string;
  /**
   * `/status` and `/cancel` accept workflow ids not recorded for the intent (EMCO's behaviour),
   * each call authorized on the `workflows` subresource. Off: only the intent's recorded runs.
   */
  arbitraryWorkflowIds: boolean;
  limits: RestLimits;
  logger: Logger;
}

export interface RequestContext {
  requestId: string;
  method: string;
  /** Decoded, clean path. */
  path: string;
  /** Path variables, decoded (`[^/]+`). */
  params: Record<string, string>;
  /** Raw query string without `?`. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  /** The request body (read once, size-limited; 413 beyond). */
  body(): Promise<Buffer>;
  /** The authenticated caller (auth `kubernetes`), else undefined. */
  user?: AuthenticatedUser;
  /** Checks one permission of the caller (no-op without auth); throws HttpError 403. */
  authorize(check: AccessCheck): Promise<void>;
  logger: Logger;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** Allows the handler `extraMs` beyond the request timeout (bounded waits such as status). */
  extendDeadline(extraMs: number): void;
}

/** What a route needs from Kubernetes RBAC before its handler runs (in the REST namespace). */
export interface RouteAccess {
  verb: AccessCheck['verb'];
  subresource?: string;
}

export interface RouteDef {
  method: HttpMethod;
  /** find-my-way pattern with camelCase parameters. */
  pattern: string;
  /** One-line summary (OpenAPI `summary`, logs). */
  summary: string;
  /**
   * `RouteAccess`: checked before the body is read. `'handler'`: the handler authorizes itself
   * (its namespace depends on the body). `'public'`: no authentication at all.
   */
  access: RouteAccess | 'handler' | 'public';
  /** The handler bounds its own duration (long waits); the server's handler timeout does not apply. */
  selfTimed?: boolean;
  /** A Reply returned directly (not a promise) is written at once, without the request timeout. */
  handler(ctx: RequestContext): Reply | Promise<Reply>;
}
