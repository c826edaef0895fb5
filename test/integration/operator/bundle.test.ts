// The bundles the container images run (dist/bundle/*.mjs, built by scripts/bundle.ts) start, serve
// their APIs and run a lifecycle event end to end.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { bundle } from '../../../scripts/bundle.js';
import { REPO_ROOT } from '../../../testenv/env.js';
import { freePort } from '../../../testenv/ports.js';
import { intent } from '../../support/builders.js';
import { kubeConfig, testEnv, uniqueName, waitFor } from '../../support/env.js';
import { installCrdAndRbac, kubeconfigFileFor } from '../../support/operator.js';
import { startWorkflowStack, type WorkflowStack } from '../../support/stack.js';
import { testInvokeAuth } from '../../support/invoke-auth.js';

describe('bundled programs', function () {
  this.timeout(120_000);
  const children: ChildProcess[] = [];
  let stack: WorkflowStack;
  let files: string[];

  before(async () => {
    files = await bundle();
    await installCrdAndRbac();
    stack = await startWorkflowStack();
  });

  after(async () => {
    for (const c of children) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    }
    await stack?.stop();
  });

  function run(file: string, env: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, ['--max-semi-space-size=1', file], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'ignore',
    });
    children.push(child);
    return child;
  }

  it('the operator bundle serves the REST API and runs a lifecycle event; the client bundle answers', async () => {
    expect(files.map((f) => path.basename(f))).to.deep.equal(['operator.mjs', 'workflow-client.mjs']);
    const env = testEnv();
    const [opPort, clientPort] = [await freePort(), await freePort()];
    const ns = uniqueName('bundle');
    const auth = await testInvokeAuth();
    await kubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: ns } } });
    run(files[0]!, {
      KUBECONFIG: await kubeconfigFileFor('operator'),
      TEMPORAL_ADDRESS: env.temporalAddress,
      TAC_REST_HOST: '127.0.0.1',
      TAC_REST_PORT: String(opPort),
      TAC_REST_AUTH: 'none',
      TAC_DEFAULT_NAMESPACE: ns,
      TAC_LEASE_NAMESPACE: 'tac-system',
      TAC_LEASE_NAME: uniqueName('bundle'),
      POD_NAME: 'bundle-test',
      ...auth.operatorEnv,
    });
    run(files[1]!, {
      TEMPORAL_ADDRESS: env.temporalAddress,
      TAC_CLIENT_HOST: '127.0.0.1',
      TAC_CLIENT_PORT: String(clientPort),
      ...auth.clientEnv,
    });
    const op = `http://127.0.0.1:${opPort}`;
    await waitFor(async () => (await fetch(`${op}/readyz`)).ok, {
      what: 'the operator bundle to be ready',
      timeoutMs: 30_000,
    });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${clientPort}/healthz`)).ok, {
      what: 'the client bundle',
    });
    expect((await fetch(`${op}/openapi.yaml`)).status).to.equal(200);

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
      endpoint: { host: '127.0.0.1', port: clientPort },
    });
    body.metadata = { name: 'bundled', namespace: ns };
    await kubeConfig().makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'tac.emco.io',
      version: 'v1alpha1',
      plural: 'temporalactionintents',
      namespace: ns,
      body,
    });
    const base = `${op}/tac/v1/projects/p/composite-apps/a/v1/deployment-intent-groups/${dig.deploymentIntentGroup}`;
    const res = await waitFor(
      async () => {
        const r = await fetch(`${base}/lifecycle-events`, {
          method: 'POST',
          body: JSON.stringify({ hookType: 'pre-install' }),
        });
        const outcome = (await r.json()) as { intents: unknown[]; state: string };
        return r.status === 200 && outcome.intents.length === 1 ? outcome : undefined;
      },
      { what: 'the bundled operator to run the event' },
    );
    expect(res.state).to.equal('Succeeded');
  });
});
