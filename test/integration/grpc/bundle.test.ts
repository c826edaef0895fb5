// The bundled operator (dist/bundle/operator.mjs, what the image runs) serves gRPC: its service
// descriptor is compiled in, and the etcd client's .proto files travel beside the bundle. It runs
// from a copy laid out as in the image, outside the repository, so no node_modules can help it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { TemporalActionIntent } from '../../../common/model/types.js';
import { bundle } from '../../../scripts/bundle.js';
import { REPO_ROOT } from '../../../testenv/env.js';
import { freePort } from '../../../testenv/ports.js';
import { intent } from '../../support/builders.js';
import { contextUpdateClient } from '../../../scripts/contextupdate-client.js';
import { startEmcoEtcd, type EmcoEtcd } from '../../../scripts/emco-etcd.js';
import { kubeConfig, testEnv, uniqueName, waitFor } from '../../support/env.js';
import { installCrdAndRbac, kubeconfigFileFor } from '../../support/operator.js';
import { testInvokeAuth } from '../../support/invoke-auth.js';
import { startWorkflowStack, type WorkflowStack } from '../../support/stack.js';

describe('gRPC contextupdate: the bundled operator', function () {
  this.timeout(180_000);
  let etcd: EmcoEtcd;
  let stack: WorkflowStack;
  let child: ChildProcess | undefined;
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    await installCrdAndRbac();
    etcd = await startEmcoEtcd();
    stack = await startWorkflowStack();
  });

  after(async () => {
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await stack?.stop();
    await etcd?.stop();
    for (const cleanup of cleanups) await cleanup();
  });

  it('answers UpdateAppContext after reading the app context from etcd', async () => {
    const files = await bundle();
    const built = files.find((f) => path.basename(f) === 'operator.mjs');
    expect(built).to.be.a('string');
    const app = await mkdtemp(path.join(os.tmpdir(), 'tac-operator-bundle-'));
    cleanups.push(() => rm(app, { recursive: true, force: true }));
    await cp(path.dirname(built!), path.join(app, 'dist', 'bundle'), { recursive: true });
    await cp(path.join(REPO_ROOT, 'crds'), path.join(app, 'crds'), { recursive: true });
    await cp(path.join(REPO_ROOT, 'docs', 'openapi.yaml'), path.join(app, 'docs', 'openapi.yaml'));
    const operatorBundle = path.join(app, 'dist', 'bundle', 'operator.mjs');
    const env = testEnv();
    const ns = uniqueName('grpcb');
    await kubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: ns } } });
    const [restPort, grpcPort] = [await freePort(), await freePort()];
    const logPath = path.join(env.workDir, `operator-bundle-grpc-${Date.now()}.log`);
    const log = createWriteStream(logPath);
    child = spawn(process.execPath, [operatorBundle], {
      cwd: app,
      env: {
        PATH: process.env.PATH ?? '',
        KUBECONFIG: await kubeconfigFileFor('operator'),
        TEMPORAL_ADDRESS: env.temporalAddress,
        TAC_REST_HOST: '127.0.0.1',
        TAC_REST_PORT: String(restPort),
        TAC_REST_AUTH: 'none',
        TAC_DEFAULT_NAMESPACE: ns,
        TAC_LEASE_NAMESPACE: 'tac-system',
        TAC_LEASE_NAME: uniqueName('bundle-grpc'),
        POD_NAME: 'bundle-grpc-test',
        TAC_GRPC_ENABLED: 'true',
        TAC_GRPC_HOST: '127.0.0.1',
        TAC_GRPC_PORT: String(grpcPort),
        TAC_EMCO_ETCD_ENDPOINTS: etcd.endpoint,
        ...(await testInvokeAuth()).operatorEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const dig = {
      project: 'p',
      compositeApp: 'a',
      compositeAppVersion: 'v1',
      deploymentIntentGroup: uniqueName('dig'),
    };
    const body = intent({
      name: 'bundled',
      namespace: ns,
      dig,
      taskQueue: 'noop',
      endpoint: { host: '127.0.0.1', port: stack.clientPort },
    });
    body.metadata = { name: 'bundled', namespace: ns };
    await kubeConfig().makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'tac.emco.io',
      version: 'v1alpha1',
      plural: 'temporalactionintents',
      namespace: ns,
      body,
    });
    const id = await etcd.writeAppContext(dig);
    const client = contextUpdateClient(`127.0.0.1:${grpcPort}`);
    try {
      await client.ready(60_000).catch(async (err: unknown) => {
        throw new Error(`the bundled operator did not serve gRPC; log:\n${await readFile(logPath, 'utf8')}`, {
          cause: err,
        });
      });
      const result = await waitFor(
        async () => {
          const r = await client.updateAppContext(id);
          return r.response?.app_context_updated === true ? r : undefined;
        },
        { what: 'the bundled operator to run the pre-install hook', timeoutMs: 60_000 },
      ).catch(async (err: unknown) => {
        const lines = (await readFile(logPath, 'utf8')).split('\n').slice(-40).join('\n');
        throw new Error(`the bundled operator did not run the hook; last log lines:\n${lines}`, {
          cause: err,
        });
      });
      expect(result.response?.app_context_update_message).to.equal('Context updated successfully.');
      const tai = (await kubeConfig().makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
        group: 'tac.emco.io',
        version: 'v1alpha1',
        plural: 'temporalactionintents',
        namespace: ns,
        name: 'bundled',
      })) as TemporalActionIntent;
      expect(tai.status?.lastRun).to.include({ id: `emco-${id}-pre-install`, phase: 'Succeeded' });
    } finally {
      client.close();
    }
  });
});
