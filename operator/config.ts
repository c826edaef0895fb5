// Owns the operator's configuration: one validated, frozen object built from the environment
// (read only by main.ts). Every setting, its default and meaning is listed in docs/configuration.md.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import {
  EnvValueError,
  envBool,
  envPositiveInt,
  envString,
  parseDurationMs,
  parsePort,
} from '../common/temporal/env-parsing.js';
import {
  temporalConnectionConfigFromEnv,
  type TemporalConnectionConfig,
} from '../common/temporal/connection-config.js';
import { DEFAULT_RECEIVE_TIMEOUTS } from '../common/http/server-timeouts.js';
import type { LogLevel } from '../common/log.js';
import { DEFAULT_TEMPORAL_CALL_TIMEOUT_MS } from './temporal/temporal-gateway.js';
import { trimTrailing } from '../common/text.js';

export type TimeoutPolicy = 'cancel' | 'terminate';

export interface OperatorConfig {
  /** Namespaces whose intents are watched; empty = all namespaces. */
  readonly watchNamespaces: readonly string[];
  /** Namespace of intents created through the REST API. */
  readonly defaultNamespace: string;
  readonly identity: string;
  readonly rest: {
    readonly host: string;
    readonly port: number;
    readonly tlsCertFile?: string;
    readonly tlsKeyFile?: string;
    readonly auth: 'none' | 'kubernetes';
    /** Audiences a caller's token must be issued for (TokenReview `spec.audiences`); empty = the API server's. */
    readonly authAudiences: readonly string[];
    /** How long a TokenReview / SubjectAccessReview answer is reused, and how many are kept. */
    readonly authCacheTtlMs: number;
    readonly authCacheMaxEntries: number;
    /** CA bundle of client certificates accepted as identities (callers without a token). */
    readonly clientCaFile?: string;
    /** `/status` and `/cancel` accept workflow ids not recorded for the intent (EMCO's behaviour). */
    readonly arbitraryWorkflowIds: boolean;
    readonly maxBodyBytes: number;
    readonly requestTimeoutMs: number;
    /** Time to answer an ordinary route (503 after it); long waits have their own bounds. */
    readonly routeTimeoutMs: number;
    /** Time for a request's headers to arrive (408 and closed after). */
    readonly headersTimeoutMs: number;
    /** Time for a whole request, headers and body, to arrive (408 and closed after). */
    readonly receiveTimeoutMs: number;
  };
  readonly temporal: TemporalConnectionConfig;
  /** Deadline of one Temporal call (describe, history, query, cancel, terminate), in ms. */
  readonly temporalCallTimeoutMs: number;
  readonly temporalUiUrl?: string;
  readonly invoke: {
    readonly timeoutMs: number;
    /** How long an unconfirmed start is looked up by its workflow id before one more invoke. */
    readonly startLookupMs: number;
    /**
     * Workflow-client endpoints intents may name (`host`, `host:port`, `*.suffix`): the operator's
     * own client and the extra ones. Fails closed: empty = none.
     */
    readonly allowedEndpoints: readonly string[];
    /** The deployment's own workflow client (its Service name and FQDNs). */
    readonly ownClientEndpoints: readonly string[];
    /** Endpoints the bearer token is sent to (default: the own client's). */
    readonly tokenEndpoints: readonly string[];
    /** Largest reply body read from a workflow client, in bytes. */
    readonly maxReplyBytes: number;
    readonly tlsCaFile?: string;
    readonly tokenFile?: string;
  };
  readonly defaultBlockingTimeoutMs: number;
  readonly timeoutPolicy: TimeoutPolicy;
  readonly leaderElection: {
    readonly enabled: boolean;
    readonly leaseName: string;
    readonly leaseNamespace: string;
    readonly leaseDurationMs: number;
    readonly renewDeadlineMs: number;
    readonly retryPeriodMs: number;
  };
  readonly emcoOrchestratorUrl?: string;
  /** EMCO's gRPC action-controller service (`contextupdate`), off unless enabled. */
  readonly grpc: GrpcConfig;
  readonly workers: number;
  readonly resyncMs: number;
  /** How long deletion waits for a cancelled run to close before removing the finalizer anyway. */
  readonly deletionGraceMs: number;
  readonly logLevel: LogLevel;
  /** Export EMCO's `emco_tac_intent` gauge (intent names, DIGs, endpoints as labels) on /metrics. */
  readonly intentGauge: boolean;
}

export interface EmcoEtcdConfig {
  /** etcd v3 endpoints of EMCO's contextdb (http:// or https:// URLs). */
  readonly endpoints: readonly string[];
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly username?: string;
  /** File holding the password (never the password itself in the environment). */
  readonly passwordFile?: string;
  readonly timeoutMs: number;
}

export interface GrpcConfig {
  readonly enabled: boolean;
  readonly host: string;
  readonly port: number;
  /** Where app contexts are read; present whenever `enabled`. */
  readonly etcd?: EmcoEtcdConfig;
}

/** Every variable the operator reads (the docs test compares this list with docs/configuration.md). */
export const OPERATOR_ENV_VARS = [
  'KUBECONFIG',
  'TAC_WATCH_NAMESPACES',
  'TAC_DEFAULT_NAMESPACE',
  'POD_NAME',
  'POD_NAMESPACE',
  'TAC_REST_HOST',
  'TAC_REST_PORT',
  'TAC_REST_TLS_CERT_FILE',
  'TAC_REST_TLS_KEY_FILE',
  'TAC_REST_AUTH',
  'TAC_REST_AUTH_AUDIENCES',
  'TAC_REST_AUTH_CACHE_TTL',
  'TAC_REST_AUTH_CACHE_SIZE',
  'TAC_REST_CLIENT_CA_FILE',
  'TAC_REST_ARBITRARY_WORKFLOW_IDS',
  'TAC_REST_MAX_BODY_BYTES',
  'TAC_REST_REQUEST_TIMEOUT',
  'TAC_REST_ROUTE_TIMEOUT',
  'TAC_REST_HEADERS_TIMEOUT',
  'TAC_REST_RECEIVE_TIMEOUT',
  'TEMPORAL_UI_URL',
  'TAC_TEMPORAL_CALL_TIMEOUT',
  'TAC_INVOKE_TIMEOUT',
  'TAC_START_LOOKUP_TIMEOUT',
  'TAC_ALLOWED_CLIENT_ENDPOINTS',
  'TAC_OWN_CLIENT_ENDPOINTS',
  'TAC_INVOKE_TLS_CA_FILE',
  'TAC_INVOKE_TOKEN_FILE',
  'TAC_INVOKE_TOKEN_ENDPOINTS',
  'TAC_INVOKE_MAX_REPLY_BYTES',
  'TAC_DEFAULT_BLOCKING_TIMEOUT',
  'TAC_TIMEOUT_POLICY',
  'TAC_LEADER_ELECT',
  'TAC_LEASE_NAME',
  'TAC_LEASE_NAMESPACE',
  'TAC_LEASE_DURATION',
  'TAC_LEASE_RENEW_DEADLINE',
  'TAC_LEASE_RETRY_PERIOD',
  'TAC_EMCO_ORCHESTRATOR_URL',
  'TAC_GRPC_ENABLED',
  'TAC_GRPC_HOST',
  'TAC_GRPC_PORT',
  'TAC_EMCO_ETCD_ENDPOINTS',
  'TAC_EMCO_ETCD_CA_FILE',
  'TAC_EMCO_ETCD_CERT_FILE',
  'TAC_EMCO_ETCD_KEY_FILE',
  'TAC_EMCO_ETCD_USERNAME',
  'TAC_EMCO_ETCD_PASSWORD_FILE',
  'TAC_EMCO_ETCD_TIMEOUT',
  'TAC_WORKERS',
  'TAC_RESYNC_PERIOD',
  'TAC_DELETION_GRACE',
  'LOG_LEVEL',
  'TAC_METRICS_INTENT_GAUGE',
] as const;

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENDPOINT_PATTERN = /^(\*\.)?[A-Za-z0-9_.-]+(:\d{1,5})?$/;

function duration(env: NodeJS.ProcessEnv, name: string, fallbackMs: number): number {
  const value = envString(env, name);
  return value === undefined ? fallbackMs : parseDurationMs(name, value);
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[], fallback: T): T {
  const value = envString(env, name);
  if (value === undefined) return fallback;
  if (!(values as readonly string[]).includes(value)) {
    throw new EnvValueError(name, `expected one of ${values.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function url(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = envString(env, name);
  if (value === undefined) return undefined;
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
  } catch (err) {
    throw new EnvValueError(name, `expected an http(s) URL, got ${JSON.stringify(value)}`, { cause: err });
  }
  return trimTrailing(value, '/');
}

function list(env: NodeJS.ProcessEnv, name: string): string[] {
  return (envString(env, name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A comma-separated list of `host`, `host:port` or `*.suffix` entries. */
function endpointList(env: NodeJS.ProcessEnv, name: string): string[] {
  const entries = list(env, name);
  for (const e of entries) {
    if (e.length > 300 || !ENDPOINT_PATTERN.test(e)) {
      throw new EnvValueError(name, `expected host, host:port or *.suffix, got ${JSON.stringify(e)}`);
    }
  }
  return entries;
}

function readableFile(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const path = envString(env, name);
  if (path === undefined) return undefined;
  try {
    readFileSync(path);
  } catch (err) {
    throw new EnvValueError(name, `cannot read ${path}`, { cause: err });
  }
  return path;
}

function etcdEndpoints(env: NodeJS.ProcessEnv): string[] {
  const endpoints = list(env, 'TAC_EMCO_ETCD_ENDPOINTS');
  for (const e of endpoints) {
    let ok = false;
    try {
      const parsed = new URL(e);
      ok = (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.pathname === '/';
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new EnvValueError(
        'TAC_EMCO_ETCD_ENDPOINTS',
        `expected http(s)://host:port URLs, got ${JSON.stringify(e)}`,
      );
    }
  }
  return endpoints;
}

/** The gRPC service's settings; enabling it requires EMCO's etcd endpoints. */
function grpcConfig(env: NodeJS.ProcessEnv): GrpcConfig {
  const enabled = envBool(env, 'TAC_GRPC_ENABLED') ?? false;
  const port = envString(env, 'TAC_GRPC_PORT');
  const base = {
    enabled,
    host: envString(env, 'TAC_GRPC_HOST') ?? '0.0.0.0',
    port: port === undefined ? 9065 : parsePort('TAC_GRPC_PORT', port, { allowZero: true }),
  };
  const endpoints = etcdEndpoints(env);
  const certFile = readableFile(env, 'TAC_EMCO_ETCD_CERT_FILE');
  const keyFile = readableFile(env, 'TAC_EMCO_ETCD_KEY_FILE');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new EnvValueError(
      'TAC_EMCO_ETCD_KEY_FILE',
      'TAC_EMCO_ETCD_CERT_FILE and TAC_EMCO_ETCD_KEY_FILE go together',
    );
  }
  const caFile = readableFile(env, 'TAC_EMCO_ETCD_CA_FILE');
  const username = envString(env, 'TAC_EMCO_ETCD_USERNAME');
  const passwordFile = readableFile(env, 'TAC_EMCO_ETCD_PASSWORD_FILE');
  if ((username === undefined) !== (passwordFile === undefined)) {
    throw new EnvValueError(
      'TAC_EMCO_ETCD_PASSWORD_FILE',
      'TAC_EMCO_ETCD_USERNAME and TAC_EMCO_ETCD_PASSWORD_FILE go together',
    );
  }
  const timeoutMs = duration(env, 'TAC_EMCO_ETCD_TIMEOUT', 5000);
  if (endpoints.length === 0) {
    if (enabled) {
      throw new EnvValueError(
        'TAC_EMCO_ETCD_ENDPOINTS',
        'TAC_GRPC_ENABLED needs the endpoints of EMCO etcd, where app contexts are read',
      );
    }
    return Object.freeze(base);
  }
  return Object.freeze({
    ...base,
    etcd: Object.freeze({
      endpoints: Object.freeze(endpoints),
      ...(caFile !== undefined ? { caFile } : {}),
      ...(certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : {}),
      ...(username !== undefined && passwordFile !== undefined ? { username, passwordFile } : {}),
      timeoutMs,
    }),
  });
}

/** Default audience of callers' tokens: a token made for the operator cannot be replayed elsewhere. */
export const DEFAULT_REST_AUDIENCE = 'tac-operator';

/**
 * The REST API's authentication settings. Auth is on unless `TAC_REST_AUTH=none`; arbitrary
 * workflow ids are only accepted when callers are authorized.
 */
function restAuthConfig(env: NodeJS.ProcessEnv): {
  auth: 'none' | 'kubernetes';
  authAudiences: readonly string[];
  authCacheTtlMs: number;
  authCacheMaxEntries: number;
  clientCaFile?: string;
  arbitraryWorkflowIds: boolean;
} {
  const auth = oneOf(env, 'TAC_REST_AUTH', ['none', 'kubernetes'] as const, 'kubernetes');
  // Unset: the operator's own audience. Set but empty: the API server's audiences.
  const audiences =
    env.TAC_REST_AUTH_AUDIENCES === undefined
      ? [DEFAULT_REST_AUDIENCE]
      : list(env, 'TAC_REST_AUTH_AUDIENCES');
  const arbitraryWorkflowIds = envBool(env, 'TAC_REST_ARBITRARY_WORKFLOW_IDS') ?? false;
  if (arbitraryWorkflowIds && auth === 'none') {
    throw new EnvValueError(
      'TAC_REST_ARBITRARY_WORKFLOW_IDS',
      'arbitrary workflow ids are only accepted from authorized callers: it needs TAC_REST_AUTH=kubernetes',
    );
  }
  const clientCaFile = readableFile(env, 'TAC_REST_CLIENT_CA_FILE');
  if (clientCaFile !== undefined && auth === 'none') {
    throw new EnvValueError('TAC_REST_CLIENT_CA_FILE', 'client certificates need TAC_REST_AUTH=kubernetes');
  }
  return {
    auth,
    authAudiences: Object.freeze(audiences),
    authCacheTtlMs: duration(env, 'TAC_REST_AUTH_CACHE_TTL', 10_000),
    authCacheMaxEntries: envPositiveInt(env, 'TAC_REST_AUTH_CACHE_SIZE') ?? 4096,
    ...(clientCaFile !== undefined ? { clientCaFile } : {}),
    arbitraryWorkflowIds,
  };
}

/** Builds the config; throws EnvValueError naming the variable for any unusable value. */
export function operatorConfigFromEnv(env: NodeJS.ProcessEnv): OperatorConfig {
  const watchNamespaces = list(env, 'TAC_WATCH_NAMESPACES');
  for (const ns of watchNamespaces) {
    if (!NAMESPACE.test(ns))
      throw new EnvValueError('TAC_WATCH_NAMESPACES', `invalid namespace ${JSON.stringify(ns)}`);
  }
  const podNamespace = envString(env, 'POD_NAMESPACE');
  const defaultNamespace =
    envString(env, 'TAC_DEFAULT_NAMESPACE') ?? podNamespace ?? watchNamespaces[0] ?? 'default';
  if (!NAMESPACE.test(defaultNamespace)) {
    throw new EnvValueError('TAC_DEFAULT_NAMESPACE', `invalid namespace ${JSON.stringify(defaultNamespace)}`);
  }
  if (watchNamespaces.length > 0 && !watchNamespaces.includes(defaultNamespace)) {
    throw new EnvValueError('TAC_DEFAULT_NAMESPACE', `${defaultNamespace} is not among TAC_WATCH_NAMESPACES`);
  }
  const ownClientEndpoints = endpointList(env, 'TAC_OWN_CLIENT_ENDPOINTS');
  const allowedEndpoints = [
    ...new Set([...ownClientEndpoints, ...endpointList(env, 'TAC_ALLOWED_CLIENT_ENDPOINTS')]),
  ];
  const tokenEndpointsSet = envString(env, 'TAC_INVOKE_TOKEN_ENDPOINTS') !== undefined;
  const tokenEndpoints = tokenEndpointsSet
    ? endpointList(env, 'TAC_INVOKE_TOKEN_ENDPOINTS')
    : ownClientEndpoints;
  const certFile = readableFile(env, 'TAC_REST_TLS_CERT_FILE');
  const keyFile = readableFile(env, 'TAC_REST_TLS_KEY_FILE');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new EnvValueError(
      'TAC_REST_TLS_KEY_FILE',
      'TAC_REST_TLS_CERT_FILE and TAC_REST_TLS_KEY_FILE go together',
    );
  }
  if (envString(env, 'TAC_REST_CLIENT_CA_FILE') !== undefined && certFile === undefined) {
    throw new EnvValueError('TAC_REST_CLIENT_CA_FILE', 'client certificates need TAC_REST_TLS_CERT_FILE');
  }
  const leaseDurationMs = duration(env, 'TAC_LEASE_DURATION', 15_000);
  const renewDeadlineMs = duration(env, 'TAC_LEASE_RENEW_DEADLINE', 10_000);
  const retryPeriodMs = duration(env, 'TAC_LEASE_RETRY_PERIOD', 2_000);
  if (!(retryPeriodMs < renewDeadlineMs && renewDeadlineMs < leaseDurationMs)) {
    throw new EnvValueError(
      'TAC_LEASE_DURATION',
      'need TAC_LEASE_RETRY_PERIOD < TAC_LEASE_RENEW_DEADLINE < TAC_LEASE_DURATION',
    );
  }
  const restPort = envString(env, 'TAC_REST_PORT');
  const temporalUiUrl = url(env, 'TEMPORAL_UI_URL');
  const emcoOrchestratorUrl = url(env, 'TAC_EMCO_ORCHESTRATOR_URL');
  const tlsCaFile = readableFile(env, 'TAC_INVOKE_TLS_CA_FILE');
  const tokenFile = readableFile(env, 'TAC_INVOKE_TOKEN_FILE');
  if (tokenFile !== undefined && tokenEndpoints.length === 0) {
    throw new EnvValueError(
      'TAC_INVOKE_TOKEN_ENDPOINTS',
      'TAC_INVOKE_TOKEN_FILE is set but no endpoint may receive the token: list the workflow client in ' +
        'TAC_OWN_CLIENT_ENDPOINTS or TAC_INVOKE_TOKEN_ENDPOINTS',
    );
  }
  const invokeTimeoutMs = duration(env, 'TAC_INVOKE_TIMEOUT', 10_000);
  return Object.freeze({
    watchNamespaces: Object.freeze(watchNamespaces),
    defaultNamespace,
    identity: envString(env, 'POD_NAME') ?? `${os.hostname()}-${process.pid}`,
    rest: Object.freeze({
      host: envString(env, 'TAC_REST_HOST') ?? '0.0.0.0',
      port: restPort === undefined ? 9064 : parsePort('TAC_REST_PORT', restPort, { allowZero: true }),
      ...(certFile !== undefined && keyFile !== undefined
        ? { tlsCertFile: certFile, tlsKeyFile: keyFile }
        : {}),
      ...restAuthConfig(env),
      maxBodyBytes: envPositiveInt(env, 'TAC_REST_MAX_BODY_BYTES') ?? 1_048_576,
      requestTimeoutMs: duration(env, 'TAC_REST_REQUEST_TIMEOUT', 15 * 60_000),
      routeTimeoutMs: duration(env, 'TAC_REST_ROUTE_TIMEOUT', 60_000),
      headersTimeoutMs: duration(env, 'TAC_REST_HEADERS_TIMEOUT', DEFAULT_RECEIVE_TIMEOUTS.headersTimeoutMs),
      receiveTimeoutMs: duration(env, 'TAC_REST_RECEIVE_TIMEOUT', DEFAULT_RECEIVE_TIMEOUTS.receiveTimeoutMs),
    }),
    temporal: temporalConnectionConfigFromEnv(env),
    temporalCallTimeoutMs: duration(env, 'TAC_TEMPORAL_CALL_TIMEOUT', DEFAULT_TEMPORAL_CALL_TIMEOUT_MS),
    ...(temporalUiUrl !== undefined ? { temporalUiUrl } : {}),
    invoke: Object.freeze({
      timeoutMs: invokeTimeoutMs,
      // Three invoke timeouts, at least 30 s: a slow client's start shows up on Temporal by then.
      startLookupMs: duration(env, 'TAC_START_LOOKUP_TIMEOUT', Math.max(30_000, 3 * invokeTimeoutMs)),
      allowedEndpoints: Object.freeze(allowedEndpoints),
      ownClientEndpoints: Object.freeze(ownClientEndpoints),
      tokenEndpoints: Object.freeze(tokenEndpoints),
      maxReplyBytes: envPositiveInt(env, 'TAC_INVOKE_MAX_REPLY_BYTES') ?? 64 * 1024,
      ...(tlsCaFile !== undefined ? { tlsCaFile } : {}),
      ...(tokenFile !== undefined ? { tokenFile } : {}),
    }),
    defaultBlockingTimeoutMs: duration(env, 'TAC_DEFAULT_BLOCKING_TIMEOUT', 10 * 60_000),
    timeoutPolicy: oneOf(env, 'TAC_TIMEOUT_POLICY', ['cancel', 'terminate'] as const, 'cancel'),
    leaderElection: Object.freeze({
      enabled: envBool(env, 'TAC_LEADER_ELECT') ?? true,
      leaseName: envString(env, 'TAC_LEASE_NAME') ?? 'tac-operator',
      leaseNamespace: envString(env, 'TAC_LEASE_NAMESPACE') ?? podNamespace ?? defaultNamespace,
      leaseDurationMs,
      renewDeadlineMs,
      retryPeriodMs,
    }),
    ...(emcoOrchestratorUrl !== undefined ? { emcoOrchestratorUrl } : {}),
    grpc: grpcConfig(env),
    workers: envPositiveInt(env, 'TAC_WORKERS') ?? 4,
    resyncMs: duration(env, 'TAC_RESYNC_PERIOD', 10 * 60_000),
    deletionGraceMs: duration(env, 'TAC_DELETION_GRACE', 30_000),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    intentGauge: envBool(env, 'TAC_METRICS_INTENT_GAUGE') ?? false,
  });
}
