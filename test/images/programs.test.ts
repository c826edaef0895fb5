// Each image runs its program as the chart runs it (the chart's env, user 1000, read-only root
// filesystem, /tmp the only writable place, host network to reach the test environment on
// 127.0.0.1): the operator gets ready against the real API server and Temporal, the workflow
// client answers, the worker runs the hello-world workflow.
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { KubeConfig } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../testenv/ports.js';
import { testEnv, uniqueName, waitFor } from '../support/env.js';
import { installCrdAndRbac } from '../support/operator.js';
import { execNode, inspectContainer, runContainer, withLogsOnFailure } from './containers.js';
import { builtImage, programEnv } from './fixture.js';

/** Where the operator's kubeconfig is mounted (read-only) inside its container. */
const KUBECONFIG_IN_CONTAINER = '/etc/tac/kubeconfig';

/**
 * A kubeconfig of `identity` with the CA inlined (the environment's points at a host path the
 * container cannot see), readable only by the containers' user 1000.
 */
async function kubeconfigForContainer(dir: string, identity: string): Promise<string> {
  const env = testEnv();
  const source = new KubeConfig();
  source.loadFromFile(env.kubeconfigPath);
  source.setCurrentContext(identity);
  const cluster = source.getCurrentCluster();
  const user = source.getCurrentUser();
  if (cluster === null || user === null) throw new Error(`kubeconfig has no context ${identity}`);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: cluster.name, server: cluster.server, caData: (await readFile(env.caPath)).toString('base64') },
    ],
    users: [user],
    contexts: [{ name: identity, cluster: cluster.name, user: user.name }],
    currentContext: identity,
  });
  const file = path.join(dir, `kubeconfig-${identity}`);
  await writeFile(file, kc.exportConfig());
  await chown(file, 1000, 1000);
  await chmod(file, 0o400);
  return file;
}

/**
 * The workflow-client token where the chart mounts its generated Secret (the chart's env names
 * these files), readable only by the containers' user 1000.
 */
async function tokenForContainer(dir: string): Promise<string> {
  const file = path.join(dir, 'workflow-client-token');
  await writeFile(file, 'image-test-token\n');
  await chown(file, 1000, 1000);
  await chmod(file, 0o400);
  return file;
}

/** The worker's hello-world workflow, typed by its signature (the test does not import worker/). */
type HelloWorld = (params: { activityParams: Record<string, Record<string, string>> }) => Promise<string>;

async function httpStatus(url: string): Promise<number> {
  return (await fetch(url, { signal: AbortSignal.timeout(3000) })).status;
}

describe('programs in their images', function () {
  this.timeout(30 * 60_000); // a cold machine builds the images first
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tac-images-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the operator image gets ready against the API server and Temporal', async () => {
    const image = await builtImage('operator');
    await installCrdAndRbac();
    const port = await freePort();
    const name = await runContainer('operator', {
      image: image.ref,
      env: {
        ...(await programEnv('operator')),
        KUBECONFIG: KUBECONFIG_IN_CONTAINER,
        POD_NAME: uniqueName('operator-image'),
        POD_NAMESPACE: 'tac-system',
        TAC_REST_HOST: '127.0.0.1',
        TAC_REST_PORT: String(port),
        TAC_REST_AUTH: 'none',
        TAC_LEASE_NAMESPACE: 'tac-system',
        TAC_LEASE_NAME: uniqueName('operator-image'),
      },
      mounts: {
        [await kubeconfigForContainer(dir, 'operator')]: KUBECONFIG_IN_CONTAINER,
        [await tokenForContainer(dir)]: '/etc/tac/invoke/token/token',
      },
    });
    await withLogsOnFailure(name, async () => {
      await waitFor(async () => (await httpStatus(`http://127.0.0.1:${port}/readyz`)) === 200, {
        what: 'the operator container to answer /readyz with 200',
        timeoutMs: 60_000,
      });
      expect(await httpStatus(`http://127.0.0.1:${port}/openapi.yaml`)).to.equal(200);
      const state = await inspectContainer(name);
      expect(state.HostConfig.ReadonlyRootfs).to.equal(true);
      expect(state.State.Running).to.equal(true);
    });
  });

  it('the workflow-client image answers /healthz', async () => {
    const image = await builtImage('workflow-client');
    const port = await freePort();
    const name = await runContainer('client', {
      image: image.ref,
      env: {
        ...(await programEnv('workflow-client')),
        TAC_CLIENT_HOST: '127.0.0.1',
        TAC_CLIENT_PORT: String(port),
      },
      mounts: { [await tokenForContainer(dir)]: '/etc/tac/client-auth/token' },
    });
    await withLogsOnFailure(name, async () => {
      await waitFor(async () => (await httpStatus(`http://127.0.0.1:${port}/healthz`)) === 200, {
        what: 'the workflow-client container to answer /healthz with 200',
        timeoutMs: 60_000,
      });
      expect((await inspectContainer(name)).HostConfig.ReadonlyRootfs).to.equal(true);
    });
  });

  it('the worker image runs the hello-world workflow', async () => {
    const image = await builtImage('worker');
    const env = testEnv();
    const taskQueue = uniqueName('images-worker');
    const name = await runContainer('worker', {
      image: image.ref,
      env: { ...(await programEnv('worker')), TAC_WORKER_TASK_QUEUES: taskQueue },
    });
    const connection = await Connection.connect({ address: env.temporalAddress });
    try {
      const client = new Client({ connection, namespace: env.temporalNamespace });
      const result = await withLogsOnFailure(name, () =>
        client.workflow.execute<HelloWorld>('helloWorld', {
          taskQueue,
          workflowId: uniqueName('images-hello'),
          args: [{ activityParams: { greet: { name: 'image' } } }],
          workflowExecutionTimeout: '90 seconds',
        }),
      );
      expect(result).to.equal('Hello, image!');
      const state = await inspectContainer(name);
      expect(state.HostConfig.ReadonlyRootfs).to.equal(true);
      expect(state.State.Running).to.equal(true);
      // The worker writes nothing, not even to its one writable place (workflows are bundled in memory).
      const written = await execNode(name, "console.log(require('fs').readdirSync('/tmp').join(' '))");
      expect(written.trim()).to.equal('');
    } finally {
      await connection.close();
    }
  });
});
