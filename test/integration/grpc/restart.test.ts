// The operator process dies during a blocking gRPC call; the orchestrator's retry, answered by the
// restarted operator, gets the event's real outcome, and the hook ran once.
import { expect } from 'chai';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { status as grpcStatus } from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import type { Run, TemporalActionIntent } from '../../../common/model/types.js';
import { freePort } from '../../../testenv/ports.js';
import { intent } from '../../support/builders.js';
import { contextUpdateClient } from '../../../scripts/contextupdate-client.js';
import { startEmcoEtcd, type EmcoEtcd } from '../../../scripts/emco-etcd.js';
import { kubeConfig, testEnv, uniqueName, waitFor } from '../../support/env.js';
import { spawnOperator, type OperatorProcess } from '../../support/operator-process.js';
import { installCrdAndRbac } from '../../support/operator.js';
import { startWorkflowStack, type WorkflowStack } from '../../support/stack.js';

describe('gRPC contextupdate: operator restart during a blocking call', function () {
  this.timeout(240_000);
  let etcd: EmcoEtcd;
  let stack: WorkflowStack;
  let connection: Connection;
  const procs: OperatorProcess[] = [];

  before(async () => {
    await installCrdAndRbac();
    etcd = await startEmcoEtcd();
    stack = await startWorkflowStack();
    connection = await Connection.connect({ address: testEnv().temporalAddress });
  });

  after(async () => {
    for (const p of procs) await p.kill('SIGKILL');
    await stack?.stop();
    await connection?.close();
    await etcd?.stop();
  });

  it('the retry after a restart waits for the same run and answers its outcome; the hook ran once', async () => {
    const ns = uniqueName('grpcrs');
    await kubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: ns } } });
    const grpcPort = await freePort();
    const env = {
      TAC_DEFAULT_NAMESPACE: ns,
      TAC_GRPC_ENABLED: 'true',
      TAC_GRPC_HOST: '127.0.0.1',
      TAC_GRPC_PORT: String(grpcPort),
      TAC_EMCO_ETCD_ENDPOINTS: etcd.endpoint,
      TAC_LEASE_NAME: uniqueName('grpc-restart'),
    };
    const dig = {
      project: 'p',
      compositeApp: 'a',
      compositeAppVersion: 'v1',
      deploymentIntentGroup: uniqueName('dig'),
    };
    const name = uniqueName('slow');
    const body = intent({
      name,
      namespace: ns,
      dig,
      taskQueue: 'sleep',
      blocking: true,
      timeout: '120s',
      activityParams: { sleep: { duration: '8s' } },
      endpoint: { host: '127.0.0.1', port: stack.clientPort },
    });
    body.metadata = { name, namespace: ns };
    const objects = kubeConfig().makeApiClient(CustomObjectsApi);
    const ref = { group: 'tac.emco.io', version: 'v1alpha1', plural: 'temporalactionintents', namespace: ns };
    await objects.createNamespacedCustomObject({ ...ref, body });
    const read = async (): Promise<TemporalActionIntent> =>
      (await objects.getNamespacedCustomObject({ ...ref, name })) as TemporalActionIntent;
    const runs = (t: TemporalActionIntent): Run[] => [
      ...(t.status?.lastRun !== undefined ? [t.status.lastRun] : []),
      ...(t.status?.history ?? []),
    ];
    const id = await etcd.writeAppContext(dig);
    const eventId = `emco-${id}-pre-install`;

    const first = await spawnOperator('grpc-a', env);
    procs.push(first);
    const client = contextUpdateClient(`127.0.0.1:${grpcPort}`);
    try {
      await client.ready(30_000);
      const interrupted = client.updateAppContext(id);
      const running = await waitFor(
        async () =>
          runs(await read()).find((r) => r.id === eventId && r.phase === 'Running' && r.runId !== undefined),
        { what: 'the blocking hook to be running', timeoutMs: 60_000 },
      );
      await first.kill('SIGKILL');
      const lost = await interrupted;
      expect(lost.error?.code, 'the call in flight fails with the process').to.equal(grpcStatus.UNAVAILABLE);

      const second = await spawnOperator('grpc-b', env);
      procs.push(second);
      const retried = await waitFor(
        async () => {
          const r = await client.updateAppContext(id);
          return r.error?.code === grpcStatus.UNAVAILABLE ? undefined : r;
        },
        { what: 'the restarted operator to answer the retry', timeoutMs: 90_000, intervalMs: 500 },
      );

      expect(retried.error).to.equal(undefined);
      expect(retried.response).to.deep.equal({
        app_context_updated: true,
        app_context_update_message: 'Context updated successfully.',
      });
      const all = runs(await read());
      expect(all.map((r) => r.id)).to.deep.equal([eventId]);
      expect(all[0]).to.include({ phase: 'Succeeded', runId: running.runId, workflowId: running.workflowId });
      const temporal = new Client({ connection, namespace: testEnv().temporalNamespace });
      const desc = await temporal.workflow.getHandle(running.workflowId!).describe();
      expect(desc.status.name).to.equal('COMPLETED');
      expect(desc.runId).to.equal(running.runId);
    } finally {
      client.close();
    }
  });
});
