// The operator, run as the ServiceAccount the chart creates and bound only by the chart's RBAC,
// goes through the lifecycle scenario without a single forbidden call.
import { expect } from 'chai';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { TemporalActionIntent } from '../../../common/model/types.js';
import { intent } from '../../support/builders.js';
import { kubeConfig, testEnv, uniqueName, waitFor } from '../../support/env.js';
import { forbiddenLines, startOperator, type StartedOperator } from '../../support/operator.js';
import { startWorkflowStack, type WorkflowStack } from '../../support/stack.js';
import { CHART_DIR, helm, helmOk } from './helm.js';

// Not `tac-operator`: deploy/rbac owns the cluster-scoped objects of that name in the same cluster.
const RELEASE = 'tac-chart';
const NAMESPACE = 'tac-chart';
const api = { group: 'tac.emco.io', version: 'v1alpha1', plural: 'temporalactionintents' };

describe('chart: the operator as the chart ServiceAccount', function () {
  this.timeout(180_000);
  let op: StartedOperator | undefined;
  let stack: WorkflowStack;

  before(async () => {
    expect(testEnv().identities['chart-operator']?.user).to.equal(
      `system:serviceaccount:${NAMESPACE}:${RELEASE}-tac-operator`,
    );
    await helmOk([
      'upgrade',
      '--install',
      RELEASE,
      CHART_DIR,
      '--namespace',
      NAMESPACE,
      '--create-namespace',
    ]);
    stack = await startWorkflowStack();
  });

  after(async () => {
    await op?.stop();
    await stack?.stop();
    await helm(['uninstall', RELEASE, '--namespace', NAMESPACE]);
  });

  it('runs blocking, failing and non-blocking intents with no 403', async () => {
    op = await startOperator({
      identity: 'chart-operator',
      env: {
        TAC_LEASE_NAMESPACE: NAMESPACE,
        TAC_LEASE_NAME: `${RELEASE}-tac-operator`,
        TAC_DEFAULT_NAMESPACE: 'default',
      },
    });
    const ns = uniqueName('chart-sa');
    await kubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: ns } } });
    const dig = {
      project: 'p',
      compositeApp: 'a',
      compositeAppVersion: 'v1',
      deploymentIntentGroup: uniqueName('dig'),
    };
    const objects = kubeConfig().makeApiClient(CustomObjectsApi);
    const make = async (name: string, f: Parameters<typeof intent>[0]) => {
      const body = intent({
        ...f,
        name,
        namespace: ns,
        dig,
        endpoint: { host: '127.0.0.1', port: stack.clientPort },
      });
      body.metadata = { name, namespace: ns };
      await objects.createNamespacedCustomObject({ ...api, namespace: ns, body });
      await waitFor(() => op?.operator.store.get(ns, name), { what: `${name} in the cache` });
    };
    await make('ok', { taskQueue: 'noop' });
    await make('bg', { taskQueue: 'noop', blocking: false, hookType: 'post-install' });
    await make('bad', { taskQueue: 'fail', hookType: 'pre-update' });

    const install = await op.operator.lifecycle.fire({ dig, hookType: 'pre-install', namespace: ns });
    expect(install.succeeded).to.equal(true);
    const post = await op.operator.lifecycle.fire({ dig, hookType: 'post-install', namespace: ns });
    expect(post.succeeded).to.equal(true);
    const update = await op.operator.lifecycle.fire({ dig, hookType: 'pre-update', namespace: ns });
    expect(update.succeeded).to.equal(false);
    for (const [name, phase] of [
      ['ok', 'Succeeded'],
      ['bg', 'Succeeded'],
      ['bad', 'Failed'],
    ] as const) {
      await waitFor(
        async () => {
          const t = (await objects.getNamespacedCustomObject({
            ...api,
            namespace: ns,
            name,
          })) as TemporalActionIntent;
          return t.status?.lastRun?.phase === phase;
        },
        { what: `${name} to be ${phase}` },
      );
    }
    // the Warning event needs events RBAC; deletion needs finalizers RBAC
    await objects.deleteNamespacedCustomObject({ ...api, namespace: ns, name: 'ok' });
    await waitFor(
      async () => {
        try {
          await objects.getNamespacedCustomObject({ ...api, namespace: ns, name: 'ok' });
          return false;
        } catch {
          return true;
        }
      },
      { what: 'the deleted intent to go' },
    );
    const events = await kubeConfig().makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: ns });
    expect(events.items.some((e) => e.reason === 'RunFailed')).to.equal(true);
    expect(forbiddenLines(op.logs)).to.deep.equal([]);
  });
});
