// Owns the Temporal connection settings shared by the workflow client, the worker and the
// operator: read once from the environment (EMCO's TEMPORAL_SERVER/TEMPORAL_PORT included),
// validated, files loaded, and frozen. Secrets stay wrapped so the config can be logged safely.
import { readFileSync } from 'node:fs';
import { EnvValueError, envBool, envString, parsePort } from './env-parsing.js';
import { Secret } from './secret.js';

/** The SDK's default frontend port, also EMCO's when TEMPORAL_PORT is unset. */
export const DEFAULT_TEMPORAL_PORT = 7233;
export const DEFAULT_TEMPORAL_HOST = 'localhost';
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';

export interface TemporalTlsConfig {
  /** PEM of the CA that signs the server certificate; the system roots when absent. */
  readonly serverRootCaPem?: string;
  /** mTLS client certificate chain (PEM); always together with `clientKey`. */
  readonly clientCertPem?: string;
  readonly clientKey?: Secret;
  /** Name to verify the server certificate against instead of the address host. */
  readonly serverName?: string;
}

export interface TemporalConnectionConfig {
  /** host:port of the Temporal frontend (IPv6 hosts in brackets). */
  readonly address: string;
  readonly namespace: string;
  /** null: plaintext gRPC. */
  readonly tls: TemporalTlsConfig | null;
  /** Sent as `Authorization: Bearer …`. */
  readonly apiKey: Secret | null;
}

/** The variables this loader reads, for docs and error messages. */
export const TEMPORAL_ENV_VARS = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_SERVER',
  'TEMPORAL_PORT',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CA_FILE',
  'TEMPORAL_TLS_CERT_FILE',
  'TEMPORAL_TLS_KEY_FILE',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_API_KEY',
  'TEMPORAL_API_KEY_FILE',
] as const;

export interface TemporalConfigLoadOptions {
  /** Reads a file as UTF-8 text; tests inject one. Defaults to the file system. */
  readFile?: (path: string) => string;
}

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+(?:%[\w.-]+)?\]|[A-Za-z0-9_.-]+):(\d+)$/;
const HOST_NAME = /^[A-Za-z0-9_.-]+$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

/**
 * Builds the connection config from the environment. Throws EnvValueError (naming the variable)
 * for malformed values, contradictory settings (a certificate without its key, TLS files with
 * TEMPORAL_TLS=false, both API key variables) and unreadable or non-PEM files.
 */
export function temporalConnectionConfigFromEnv(
  env: NodeJS.ProcessEnv,
  options: TemporalConfigLoadOptions = {},
): TemporalConnectionConfig {
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const address = addressFromEnv(env);
  const namespace = envString(env, 'TEMPORAL_NAMESPACE') ?? DEFAULT_TEMPORAL_NAMESPACE;
  const apiKey = apiKeyFromEnv(env, readFile);
  const tls = tlsFromEnv(env, readFile, apiKey !== null);
  return Object.freeze({ address, namespace, tls, apiKey });
}

function addressFromEnv(env: NodeJS.ProcessEnv): string {
  const address = envString(env, 'TEMPORAL_ADDRESS');
  if (address !== undefined) {
    const match = HOST_PORT.exec(address);
    if (match === null) {
      throw new EnvValueError(
        'TEMPORAL_ADDRESS',
        `expected host:port (IPv6 as [addr]:port), got ${JSON.stringify(address)}`,
      );
    }
    parsePort('TEMPORAL_ADDRESS', match[2] ?? '');
    return address;
  }
  const server = envString(env, 'TEMPORAL_SERVER');
  const portText = envString(env, 'TEMPORAL_PORT');
  const port = portText === undefined ? DEFAULT_TEMPORAL_PORT : parsePort('TEMPORAL_PORT', portText);
  if (server === undefined) return `${DEFAULT_TEMPORAL_HOST}:${port}`;
  return `${hostForAddress(server)}:${port}`;
}

function hostForAddress(server: string): string {
  if (server.startsWith('[') && server.endsWith(']') && IPV6.test(server.slice(1, -1))) return server;
  if (server.includes(':')) {
    if (IPV6.test(server) && server.split(':').length > 2) return `[${server}]`;
    throw new EnvValueError(
      'TEMPORAL_SERVER',
      `expected a host name without port (use TEMPORAL_PORT, or TEMPORAL_ADDRESS=host:port), got ${JSON.stringify(server)}`,
    );
  }
  if (!HOST_NAME.test(server)) {
    throw new EnvValueError(
      'TEMPORAL_SERVER',
      `expected a host name or IP address, got ${JSON.stringify(server)}`,
    );
  }
  return server;
}

function apiKeyFromEnv(env: NodeJS.ProcessEnv, readFile: (path: string) => string): Secret | null {
  const inline = env['TEMPORAL_API_KEY'];
  const file = envString(env, 'TEMPORAL_API_KEY_FILE');
  const inlineSet = inline !== undefined && inline.trim() !== '';
  if (inlineSet && file !== undefined) {
    throw new EnvValueError(
      'TEMPORAL_API_KEY_FILE',
      'set either TEMPORAL_API_KEY or TEMPORAL_API_KEY_FILE, not both',
    );
  }
  if (inlineSet) return new Secret(inline.trim());
  if (file === undefined) return null;
  const key = readText('TEMPORAL_API_KEY_FILE', file, readFile).trim();
  if (key === '') throw new EnvValueError('TEMPORAL_API_KEY_FILE', `file ${file} is empty`);
  return new Secret(key);
}

function tlsFromEnv(
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string,
  hasApiKey: boolean,
): TemporalTlsConfig | null {
  const tlsFlag = envBool(env, 'TEMPORAL_TLS');
  const caFile = envString(env, 'TEMPORAL_TLS_CA_FILE');
  const certFile = envString(env, 'TEMPORAL_TLS_CERT_FILE');
  const keyFile = envString(env, 'TEMPORAL_TLS_KEY_FILE');
  const serverName = envString(env, 'TEMPORAL_TLS_SERVER_NAME');
  const tlsSettings = [
    ['TEMPORAL_TLS_CA_FILE', caFile],
    ['TEMPORAL_TLS_CERT_FILE', certFile],
    ['TEMPORAL_TLS_KEY_FILE', keyFile],
    ['TEMPORAL_TLS_SERVER_NAME', serverName],
  ].filter(([, value]) => value !== undefined);

  if (certFile !== undefined && keyFile === undefined) {
    throw new EnvValueError(
      'TEMPORAL_TLS_CERT_FILE',
      'a client certificate needs its key: set TEMPORAL_TLS_KEY_FILE too',
    );
  }
  if (keyFile !== undefined && certFile === undefined) {
    throw new EnvValueError(
      'TEMPORAL_TLS_KEY_FILE',
      'a client key needs its certificate: set TEMPORAL_TLS_CERT_FILE too',
    );
  }
  if (tlsFlag === false) {
    if (tlsSettings.length > 0) {
      const names = tlsSettings.map(([name]) => name).join(', ');
      throw new EnvValueError(
        'TEMPORAL_TLS',
        `is false but ${names} ${tlsSettings.length > 1 ? 'are' : 'is'} set`,
      );
    }
    return null;
  }
  // An API key implies TLS (it is a bearer credential); so does any TLS setting.
  if (tlsFlag !== true && tlsSettings.length === 0 && !hasApiKey) return null;

  const tls: {
    serverRootCaPem?: string;
    clientCertPem?: string;
    clientKey?: Secret;
    serverName?: string;
  } = {};
  if (caFile !== undefined) {
    tls.serverRootCaPem = readPem('TEMPORAL_TLS_CA_FILE', caFile, readFile, 'CERTIFICATE');
  }
  if (certFile !== undefined && keyFile !== undefined) {
    tls.clientCertPem = readPem('TEMPORAL_TLS_CERT_FILE', certFile, readFile, 'CERTIFICATE');
    tls.clientKey = new Secret(readPem('TEMPORAL_TLS_KEY_FILE', keyFile, readFile, 'PRIVATE KEY'));
  }
  if (serverName !== undefined) tls.serverName = serverName;
  return Object.freeze(tls);
}

function readText(variable: string, path: string, readFile: (path: string) => string): string {
  try {
    return readFile(path);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new EnvValueError(variable, `cannot read ${path}: ${reason}`, { cause: err });
  }
}

/** Reads a PEM file and checks it holds the expected block, so swapped files fail at start. */
function readPem(variable: string, path: string, readFile: (path: string) => string, label: string): string {
  const text = readText(variable, path, readFile);
  if (!new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(text)) {
    throw new EnvValueError(variable, `${path} holds no PEM ${label} block`);
  }
  return text;
}

/** Log-safe summary of a connection config: no key material, only whether it is set. */
export function describeTemporalConnection(config: TemporalConnectionConfig): Record<string, unknown> {
  return {
    address: config.address,
    namespace: config.namespace,
    tls: config.tls === null ? 'off' : config.tls.clientKey !== undefined ? 'mtls' : 'on',
    ...(config.tls?.serverName !== undefined ? { tlsServerName: config.tls.serverName } : {}),
    ...(config.tls?.serverRootCaPem !== undefined ? { tlsCustomCa: true } : {}),
    apiKey: config.apiKey !== null,
  };
}
