// Owns the workflow-client service's configuration: one validated, frozen object built from the
// environment (listener, limits, auth, TLS, named clients, Temporal connection). Only main.ts
// calls it; everything else receives the parts it needs.
import { readFileSync } from 'node:fs';
import type { LogLevel } from '../common/log.js';
import type { TemporalConnectionConfig } from '../common/temporal/connection-config.js';
import { temporalConnectionConfigFromEnv } from '../common/temporal/connection-config.js';
import {
  EnvValueError,
  envDurationMs,
  envLogLevel,
  envPositiveInt,
  envString,
  parsePort,
} from '../common/temporal/env-parsing.js';
import { Secret } from '../common/temporal/secret.js';
import { ClientConfigError, NamedClients, parseNamedClients } from './named-clients.js';

export interface ListenerTls {
  readonly certPem: string;
  readonly key: Secret;
}

export interface ClientConfig {
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  readonly temporal: TemporalConnectionConfig;
  readonly clients: NamedClients;
  /** Largest accepted /invoke body, in bytes (413 above). */
  readonly bodyLimitBytes: number;
  /** Deadline of one workflow start against Temporal, in ms (503 after). */
  readonly startTimeoutMs: number;
  /** Deadline of the /readyz probe of Temporal, in ms. */
  readonly readyTimeoutMs: number;
  /** On SIGTERM, how long in-flight requests may take before connections are cut, in ms. */
  readonly shutdownTimeoutMs: number;
  /** /invoke calls in flight at most; more are answered 429 with Retry-After. */
  readonly maxConcurrentInvokes: number;
  /**
   * Bearer token required on /invoke. Null only when explicitly turned off
   * (TAC_CLIENT_AUTH=none): without a token and without that, the configuration is refused.
   */
  readonly token: Secret | null;
  /** TLS for the listener; null: plain HTTP. */
  readonly tls: ListenerTls | null;
}

export const CLIENT_DEFAULTS = Object.freeze({
  host: '0.0.0.0',
  port: 9090,
  bodyLimitBytes: 1024 * 1024,
  startTimeoutMs: 10_000,
  readyTimeoutMs: 2_000,
  shutdownTimeoutMs: 10_000,
  maxConcurrentInvokes: 64,
});

export interface ClientConfigLoadOptions {
  /** Reads a file as UTF-8 text; tests inject one. */
  readFile?: (path: string) => string;
}

function read(variable: string, path: string, readFile: (path: string) => string): string {
  try {
    return readFile(path);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new EnvValueError(variable, `cannot read ${path}: ${reason}`, { cause: err });
  }
}

function tokenFromEnv(env: NodeJS.ProcessEnv, readFile: (path: string) => string): Secret | null {
  const inline = envString(env, 'TAC_CLIENT_TOKEN');
  const file = envString(env, 'TAC_CLIENT_TOKEN_FILE');
  if (inline !== undefined && file !== undefined) {
    throw new EnvValueError(
      'TAC_CLIENT_TOKEN_FILE',
      'set either TAC_CLIENT_TOKEN or TAC_CLIENT_TOKEN_FILE, not both',
    );
  }
  if (inline !== undefined) return new Secret(inline);
  if (file === undefined) return null;
  const token = read('TAC_CLIENT_TOKEN_FILE', file, readFile).trim();
  if (token === '') throw new EnvValueError('TAC_CLIENT_TOKEN_FILE', `file ${file} is empty`);
  return new Secret(token);
}

/**
 * The token, required unless TAC_CLIENT_AUTH=none says explicitly that /invoke is open (then no
 * token may be set, so a half-finished configuration cannot look protected).
 */
function authFromEnv(env: NodeJS.ProcessEnv, readFile: (path: string) => string): Secret | null {
  const mode = envString(env, 'TAC_CLIENT_AUTH') ?? 'token';
  if (mode !== 'token' && mode !== 'none') {
    throw new EnvValueError('TAC_CLIENT_AUTH', `expected token or none, got ${JSON.stringify(mode)}`);
  }
  const token = tokenFromEnv(env, readFile);
  if (mode === 'none') {
    if (token !== null) {
      throw new EnvValueError('TAC_CLIENT_AUTH', 'is none, but a token is set: remove one of them');
    }
    return null;
  }
  if (token === null) {
    throw new EnvValueError(
      'TAC_CLIENT_TOKEN_FILE',
      'a bearer token is required: set TAC_CLIENT_TOKEN_FILE (or TAC_CLIENT_TOKEN), ' +
        'or TAC_CLIENT_AUTH=none to accept /invoke calls without one',
    );
  }
  return token;
}

function tlsFromEnv(env: NodeJS.ProcessEnv, readFile: (path: string) => string): ListenerTls | null {
  const certFile = envString(env, 'TAC_CLIENT_TLS_CERT_FILE');
  const keyFile = envString(env, 'TAC_CLIENT_TLS_KEY_FILE');
  if (certFile === undefined && keyFile === undefined) return null;
  if (certFile === undefined || keyFile === undefined) {
    const missing = certFile === undefined ? 'TAC_CLIENT_TLS_CERT_FILE' : 'TAC_CLIENT_TLS_KEY_FILE';
    throw new EnvValueError(
      missing,
      'listener TLS needs both TAC_CLIENT_TLS_CERT_FILE and TAC_CLIENT_TLS_KEY_FILE',
    );
  }
  const certPem = read('TAC_CLIENT_TLS_CERT_FILE', certFile, readFile);
  const keyPem = read('TAC_CLIENT_TLS_KEY_FILE', keyFile, readFile);
  if (!certPem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new EnvValueError('TAC_CLIENT_TLS_CERT_FILE', `${certFile} holds no PEM CERTIFICATE block`);
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(keyPem)) {
    throw new EnvValueError('TAC_CLIENT_TLS_KEY_FILE', `${keyFile} holds no PEM PRIVATE KEY block`);
  }
  return Object.freeze({ certPem, key: new Secret(keyPem) });
}

function clientsFromEnv(env: NodeJS.ProcessEnv, readFile: (path: string) => string): NamedClients {
  const file = envString(env, 'TAC_CLIENT_CONFIG');
  if (file === undefined) return new NamedClients(undefined, undefined);
  try {
    return parseNamedClients(read('TAC_CLIENT_CONFIG', file, readFile), file);
  } catch (err) {
    if (err instanceof ClientConfigError)
      throw new EnvValueError('TAC_CLIENT_CONFIG', err.message, { cause: err });
    throw err;
  }
}

/** Throws EnvValueError naming the first bad variable (or the bad client configuration file). */
export function clientConfigFromEnv(
  env: NodeJS.ProcessEnv,
  options: ClientConfigLoadOptions = {},
): ClientConfig {
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const portText = envString(env, 'TAC_CLIENT_PORT');
  return Object.freeze({
    host: envString(env, 'TAC_CLIENT_HOST') ?? CLIENT_DEFAULTS.host,
    port:
      portText === undefined
        ? CLIENT_DEFAULTS.port
        : parsePort('TAC_CLIENT_PORT', portText, { allowZero: true }),
    logLevel: envLogLevel(env),
    temporal: temporalConnectionConfigFromEnv(env, { readFile }),
    clients: clientsFromEnv(env, readFile),
    bodyLimitBytes: envPositiveInt(env, 'TAC_CLIENT_BODY_LIMIT') ?? CLIENT_DEFAULTS.bodyLimitBytes,
    startTimeoutMs: envDurationMs(env, 'TAC_CLIENT_START_TIMEOUT', CLIENT_DEFAULTS.startTimeoutMs),
    readyTimeoutMs: envDurationMs(env, 'TAC_CLIENT_READY_TIMEOUT', CLIENT_DEFAULTS.readyTimeoutMs),
    shutdownTimeoutMs: envDurationMs(env, 'TAC_CLIENT_SHUTDOWN_TIMEOUT', CLIENT_DEFAULTS.shutdownTimeoutMs),
    maxConcurrentInvokes:
      envPositiveInt(env, 'TAC_CLIENT_MAX_CONCURRENT_INVOKES') ?? CLIENT_DEFAULTS.maxConcurrentInvokes,
    token: authFromEnv(env, readFile),
    tls: tlsFromEnv(env, readFile),
  });
}
