import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { testEnv, uniqueName } from '../../support/env.js';
import type { reverseEcho } from '../../support/workflows/echo.js';

describe('test environment: Temporal dev server', () => {
  it('runs a workflow on a worker started inside the test and returns its result', async () => {
    const env = testEnv();
    const taskQueue = uniqueName('testenv');
    const nativeConnection = await NativeConnection.connect({ address: env.temporalAddress });
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: env.temporalNamespace,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('../../support/workflows/echo.ts', import.meta.url)),
    });
    const connection = await Connection.connect({ address: env.temporalAddress });
    try {
      const result = await worker.runUntil(async () => {
        const client = new Client({ connection, namespace: env.temporalNamespace });
        return client.workflow.execute<typeof reverseEcho>('reverseEcho', {
          taskQueue,
          workflowId: uniqueName('echo'),
          args: ['temporal'],
        });
      });
      expect(result).to.equal('laropmet');
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });
});
