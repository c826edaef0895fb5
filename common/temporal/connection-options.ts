// Owns the translation of a TemporalConnectionConfig into the SDK's connection options: the
// client's gRPC `ConnectionOptions` and the worker's `NativeConnectionOptions`.
import type { ConnectionOptions, TLSConfig } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { TemporalConnectionConfig } from './connection-config.js';

/**
 * Upper bound of grpc-js's reconnect backoff (its default is 120 s). Kept short so a client whose
 * server was down notices the server's return within seconds instead of minutes.
 */
export const MAX_RECONNECT_BACKOFF_MS = 5_000;

/** `tls` value shared by both option shapes: false for plaintext, true for system roots. */
function tlsOption(config: TemporalConnectionConfig): TLSConfig | boolean {
  const tls = config.tls;
  if (tls === null) return false;
  const out: TLSConfig = {};
  if (tls.serverName !== undefined) out.serverNameOverride = tls.serverName;
  if (tls.serverRootCaPem !== undefined) out.serverRootCACertificate = Buffer.from(tls.serverRootCaPem);
  if (tls.clientCertPem !== undefined && tls.clientKey !== undefined) {
    out.clientCertPair = { crt: Buffer.from(tls.clientCertPem), key: Buffer.from(tls.clientKey.reveal()) };
  }
  return Object.keys(out).length === 0 ? true : out;
}

/** Options for `Connection.connect`/`Connection.lazy` of `@temporalio/client`. */
export function connectionOptions(config: TemporalConnectionConfig): ConnectionOptions {
  const options: ConnectionOptions = {
    address: config.address,
    tls: tlsOption(config),
    channelArgs: { 'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS },
  };
  if (config.apiKey !== null) options.apiKey = config.apiKey.reveal();
  return options;
}

/** Options for `NativeConnection.connect` of `@temporalio/worker`. */
export function nativeConnectionOptions(config: TemporalConnectionConfig): NativeConnectionOptions {
  const options: NativeConnectionOptions = { address: config.address, tls: tlsOption(config) };
  if (config.apiKey !== null) options.apiKey = config.apiKey.reveal();
  return options;
}
