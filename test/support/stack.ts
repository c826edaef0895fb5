// Owns the workflow side of integration tests: the real workflow-client HTTP service and the real
// worker (every default task queue), both in-process against the test environment's Temporal.
import { NativeConnection } from '@temporalio/worker';
import { silentLogger } from '../../common/log.js';
import { clientConfigFromEnv } from '../../client/config.js';
import { createClientServer } from '../../client/server.js';
import { WorkflowStarter } from '../../client/workflow-starter.js';
import { createWorker } from '../../worker/create-worker.js';
import { testEnv } from './env.js';
import { testInvokeAuth } from './invoke-auth.js';

export interface WorkflowStack {
  clientPort: number;
  clientUrl: string;
  /** Bearer token the client requires (test operators send it: test/support/invoke-auth.ts). */
  clientToken: string;
  stop(): Promise<void>;
}

export interface WorkflowStackOptions {
  /** EMCO URLs the worker's migration activities may call (default: none). */
  emcoAllowedUrls?: readonly string[];
}

export async function startWorkflowStack(options: WorkflowStackOptions = {}): Promise<WorkflowStack> {
  const env = testEnv();
  const auth = await testInvokeAuth();
  const config = clientConfigFromEnv({
    TEMPORAL_ADDRESS: env.temporalAddress,
    TEMPORAL_NAMESPACE: env.temporalNamespace,
    TAC_CLIENT_HOST: '127.0.0.1',
    TAC_CLIENT_PORT: '0',
    ...auth.clientEnv,
  });
  const starter = WorkflowStarter.lazy(config.temporal, {
    startTimeoutMs: config.startTimeoutMs,
    readyTimeoutMs: config.readyTimeoutMs,
  });
  const server = createClientServer({
    host: config.host,
    port: config.port,
    tls: null,
    token: config.token,
    bodyLimitBytes: config.bodyLimitBytes,
    clients: config.clients,
    starter,
    logger: silentLogger(),
  });
  await server.start();
  const connection = await NativeConnection.connect({ address: env.temporalAddress });
  const worker = await createWorker({
    connection,
    namespace: env.temporalNamespace,
    shutdownGraceTimeMs: 1000,
    ...(options.emcoAllowedUrls === undefined
      ? {}
      : { activityDeps: { emcoAllowedUrls: options.emcoAllowedUrls } }),
  });
  const running = worker.run();
  const port = Number(new URL(server.url).port);
  return {
    clientPort: port,
    clientUrl: server.url,
    clientToken: auth.token,
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
      await server.stop();
      await starter.close();
    },
  };
}
