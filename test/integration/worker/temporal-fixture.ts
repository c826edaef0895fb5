// Connections to the test environment's Temporal server for worker and client tests: an SDK
// client, a native connection for in-process workers, and a fresh-queue worker runner.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, IllegalStateError, NativeConnection, Runtime } from '@temporalio/worker';
import { testEnv, uniqueName } from '../../support/env.js';
import type { CreateWorkerOptions, TacWorker } from '../../../worker/create-worker.js';
import { createWorker } from '../../../worker/create-worker.js';

export interface TemporalFixture {
  address: string;
  namespace: string;
  connection: Connection;
  client: Client;
  native: NativeConnection;
  close(): Promise<void>;
}

/**
 * Keeps the SDK runtime to errors only (expected workflow failures would otherwise print stacks).
 * The runtime is per process: when another suite installed it first, that one stays.
 */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch (err) {
    if (!(err instanceof IllegalStateError)) throw err;
  }
}

export async function temporalFixture(): Promise<TemporalFixture> {
  quietRuntime();
  const { temporalAddress: address, temporalNamespace: namespace } = testEnv();
  const connection = await Connection.connect({ address });
  const native = await NativeConnection.connect({ address });
  return {
    address,
    namespace,
    connection,
    client: new Client({ connection, namespace }),
    native,
    async close() {
      await connection.close();
      await native.close();
    },
  };
}

/** Starts a worker on fresh task queues (never the shared default names) and returns it running. */
export async function startWorker(
  fx: TemporalFixture,
  options: Partial<CreateWorkerOptions> = {},
): Promise<{ worker: TacWorker; taskQueue: string; running: Promise<void> }> {
  const taskQueue = uniqueName('tq');
  const worker = await createWorker({
    connection: fx.native,
    namespace: fx.namespace,
    taskQueues: [taskQueue],
    shutdownGraceTimeMs: 2_000,
    ...options,
  });
  const running = worker.run();
  return { worker, taskQueue, running };
}
