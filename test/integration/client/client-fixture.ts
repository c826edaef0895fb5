// Runs the workflow-client service in-process for integration tests: a server on a free
// 127.0.0.1 port whose lazy starter points at a given Temporal address.
import { createClientMetrics } from '../../../client/metrics.js';
import type { NamedClients } from '../../../client/named-clients.js';
import { NamedClients as Clients } from '../../../client/named-clients.js';
import type { ClientServer } from '../../../client/server.js';
import { createClientServer } from '../../../client/server.js';
import { WorkflowStarter } from '../../../client/workflow-starter.js';
import { temporalConnectionConfigFromEnv } from '../../../common/temporal/connection-config.js';

export interface RunningClient {
  server: ClientServer;
  starter: WorkflowStarter;
  invoke(name: string, body: unknown): Promise<Response>;
  stop(): Promise<void>;
}

export async function runClient(options: {
  temporalAddress: string;
  namespace: string;
  clients?: NamedClients;
  startTimeoutMs?: number;
  readyTimeoutMs?: number;
}): Promise<RunningClient> {
  const temporal = temporalConnectionConfigFromEnv({
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_NAMESPACE: options.namespace,
  });
  const starter = WorkflowStarter.lazy(temporal, {
    startTimeoutMs: options.startTimeoutMs ?? 10_000,
    readyTimeoutMs: options.readyTimeoutMs ?? 2_000,
  });
  const server = createClientServer({
    host: '127.0.0.1',
    port: 0,
    tls: null,
    token: null,
    bodyLimitBytes: 1024 * 1024,
    clients: options.clients ?? new Clients(undefined, undefined),
    starter,
    metrics: createClientMetrics({ processMetrics: false }),
  });
  await server.start();
  return {
    server,
    starter,
    invoke: (name, body) =>
      fetch(`${server.url}/invoke/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async stop() {
      await server.stop();
      await starter.close();
    },
  };
}
