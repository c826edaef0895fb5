// Owns the worker's configuration: one validated, frozen object built from the environment
// (task queues, EMCO URL, timeouts, log level, monitoring port, Temporal connection). Only main.ts
// reads it.
import type { LogLevel } from '../common/log.js';
import type { TemporalConnectionConfig } from '../common/temporal/connection-config.js';
import { temporalConnectionConfigFromEnv } from '../common/temporal/connection-config.js';
import type { TemporalConfigLoadOptions } from '../common/temporal/connection-config.js';
import {
  EnvValueError,
  envBool,
  envDurationMs,
  envLogLevel,
  envPositiveInt,
  envString,
  parsePort,
} from '../common/temporal/env-parsing.js';
import { DEFAULT_TASK_QUEUES } from './workflow-names.js';
import { trimTrailing } from '../common/text.js';
import { EmcoUrlPolicy } from './activities/emco-url-policy.js';

/** The health and metrics listener (`/healthz`, `/readyz`, `/metrics`). */
export interface MonitorListenerConfig {
  readonly host: string;
  /** 0 picks a free port (tests); the bound port is logged. */
  readonly port: number;
}

export interface WorkerConfig {
  readonly logLevel: LogLevel;
  readonly temporal: TemporalConnectionConfig;
  readonly taskQueues: readonly string[];
  /** Default EMCO orchestrator URL for workflows whose params carry no `emcoURL`. */
  readonly emcoBaseUrl: string | undefined;
  /**
   * Base URLs of the EMCO orchestrators the migration activities may call (a workflow's `emcoURL`
   * must lie under one). Default: `emcoBaseUrl` alone; empty: none.
   */
  readonly emcoAllowedUrls: readonly string[];
  /** Deadline of one HTTP request made by an activity, in ms. */
  readonly httpTimeoutMs: number;
  /** After SIGTERM, how long in-flight activities may run before they are cancelled, in ms. */
  readonly shutdownGraceMs: number;
  readonly identity: string | undefined;
  readonly maxConcurrentActivities: number | undefined;
  /** The health and metrics listener; null when turned off (then no SDK metrics either). */
  readonly monitor: MonitorListenerConfig | null;
}

export const WORKER_DEFAULTS = Object.freeze({
  httpTimeoutMs: 30_000,
  shutdownGraceMs: 10_000,
  monitorHost: '0.0.0.0',
  monitorPort: 9091,
});

const TASK_QUEUE = /^[^\s,]{1,1000}$/;

function taskQueuesFromEnv(env: NodeJS.ProcessEnv): readonly string[] {
  const value = envString(env, 'TAC_WORKER_TASK_QUEUES');
  if (value === undefined) return DEFAULT_TASK_QUEUES;
  const queues = [
    ...new Set(
      value
        .split(',')
        .map((q) => q.trim())
        .filter((q) => q !== ''),
    ),
  ];
  if (queues.length === 0) throw new EnvValueError('TAC_WORKER_TASK_QUEUES', 'lists no task queue');
  const bad = queues.find((q) => !TASK_QUEUE.test(q));
  if (bad !== undefined) {
    throw new EnvValueError('TAC_WORKER_TASK_QUEUES', `invalid task queue name ${JSON.stringify(bad)}`);
  }
  return Object.freeze(queues);
}

function emcoUrlFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const value = envString(env, 'TAC_WORKER_EMCO_URL');
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch (err) {
    throw new EnvValueError('TAC_WORKER_EMCO_URL', `not a URL: ${JSON.stringify(value)}`, { cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EnvValueError('TAC_WORKER_EMCO_URL', `expected an http(s) URL, got ${JSON.stringify(value)}`);
  }
  return trimTrailing(value, '/');
}

/** TAC_WORKER_EMCO_ALLOWED_URLS, each entry checked; unset: the default EMCO URL alone. */
function emcoAllowedUrlsFromEnv(env: NodeJS.ProcessEnv, emcoBaseUrl: string | undefined): readonly string[] {
  const value = envString(env, 'TAC_WORKER_EMCO_ALLOWED_URLS');
  if (value === undefined) return Object.freeze(emcoBaseUrl === undefined ? [] : [emcoBaseUrl]);
  const urls = value
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  try {
    new EmcoUrlPolicy(urls);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new EnvValueError('TAC_WORKER_EMCO_ALLOWED_URLS', reason, { cause: err });
  }
  return Object.freeze(urls);
}

const HOST = /^[\w.:-]{1,253}$/;

function monitorFromEnv(env: NodeJS.ProcessEnv): MonitorListenerConfig | null {
  const enabled = envBool(env, 'TAC_WORKER_MONITOR') ?? true;
  const host = envString(env, 'TAC_WORKER_MONITOR_HOST') ?? WORKER_DEFAULTS.monitorHost;
  const portText = envString(env, 'TAC_WORKER_MONITOR_PORT');
  // Validated even when turned off, so a typo does not wait for the day the listener is turned on.
  if (!HOST.test(host)) {
    throw new EnvValueError(
      'TAC_WORKER_MONITOR_HOST',
      `expected a host name or IP address, got ${JSON.stringify(host)}`,
    );
  }
  const port =
    portText === undefined
      ? WORKER_DEFAULTS.monitorPort
      : parsePort('TAC_WORKER_MONITOR_PORT', portText, { allowZero: true });
  return enabled ? Object.freeze({ host, port }) : null;
}

/** Throws EnvValueError naming the first bad variable. */
export function workerConfigFromEnv(
  env: NodeJS.ProcessEnv,
  options: TemporalConfigLoadOptions = {},
): WorkerConfig {
  const emcoBaseUrl = emcoUrlFromEnv(env);
  return Object.freeze({
    logLevel: envLogLevel(env),
    temporal: temporalConnectionConfigFromEnv(env, options),
    taskQueues: taskQueuesFromEnv(env),
    emcoBaseUrl,
    emcoAllowedUrls: emcoAllowedUrlsFromEnv(env, emcoBaseUrl),
    httpTimeoutMs: envDurationMs(env, 'TAC_WORKER_HTTP_TIMEOUT', WORKER_DEFAULTS.httpTimeoutMs),
    shutdownGraceMs: envDurationMs(env, 'TAC_WORKER_SHUTDOWN_GRACE', WORKER_DEFAULTS.shutdownGraceMs),
    identity: envString(env, 'TAC_WORKER_IDENTITY'),
    maxConcurrentActivities: envPositiveInt(env, 'TAC_WORKER_MAX_CONCURRENT_ACTIVITIES'),
    monitor: monitorFromEnv(env),
  });
}
