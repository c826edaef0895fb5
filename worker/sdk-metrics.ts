// Owns the Temporal SDK core's Prometheus exporter as the worker uses it: a loopback-only port
// chosen at start, the runtime telemetry option that binds it, and the reader the monitoring
// listener's /metrics uses to serve the core's metrics (temporal_*) next to the program's own.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { MetricsExporterConfig } from '@temporalio/worker';
import { request } from 'undici';

/** The core's exporter listens on loopback only: the monitoring port is the one exposed. */
export const SDK_METRICS_HOST = '127.0.0.1';

/**
 * A TCP port free on loopback right now. The SDK core binds the address it is given and cannot
 * report a port it picked itself, so the port is chosen here; another process may take it in
 * between, so callers retry a failed bind with a new port.
 */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, SDK_METRICS_HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  return port;
}

/** `telemetryOptions.metrics` of Runtime.install: the core's Prometheus exporter on `port`. */
export function sdkMetricsExporter(port: number): MetricsExporterConfig {
  return { prometheus: { bindAddress: `${SDK_METRICS_HOST}:${port}` } };
}

/** The core's exporter could not be read. */
export class SdkMetricsError extends Error {
  override readonly name = 'SdkMetricsError';
}

export interface SdkMetricsReader {
  /** The core's metrics in the Prometheus text format; throws SdkMetricsError without them. */
  read(): Promise<string>;
}

/** Reads the core's exporter at `http://127.0.0.1:<port>/metrics`, within `timeoutMs`. */
export function sdkMetricsReader(port: number, timeoutMs = 5_000): SdkMetricsReader {
  const url = `http://${SDK_METRICS_HOST}:${port}/metrics`;
  return {
    async read() {
      let status: number;
      let text: string;
      try {
        const response = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
        status = response.statusCode;
        text = await response.body.text();
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new SdkMetricsError(`cannot read the Temporal SDK metrics at ${url}: ${reason}`, {
          cause: err,
        });
      }
      if (status !== 200) {
        throw new SdkMetricsError(`the Temporal SDK metrics at ${url} answered ${status}`);
      }
      return text;
    },
  };
}
