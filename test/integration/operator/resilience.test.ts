import { expect } from 'chai';
import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import type { TemporalActionIntent } from '../../../common/model/types.js';
import { ANNOTATION_RUN_REQUEST } from '../../../common/domain/annotations.js';
import { intent } from '../../support/builders.js';
import { kubeConfig, testEnv, uniqueName, waitFor } from '../../support/env.js';
import { spawnOperator, type OperatorProcess } from '../../support/operator-process.js';
import { startWorkflowStack, type WorkflowStack } from '../../support/stack.js';

const api = { group: 'tac.emco.io', version: 'v1alpha1', plural: 'temporalactionintents' };

describe('operator: restarts, failover and quiet periods', function () {
  this.timeout(240_000);
  let stack: WorkflowStack;
  let temporal: Client;
  let connection: Connection;
  const procs: OperatorProcess[] = [];
  const objects = () => kubeConfig().makeApiClient(CustomObjectsApi);

  before(async () => {
    stack = await startWorkflowStack();
    connection = await Connection.connect({ address: testEnv().temporalAddress });
    temporal = new Client({ connection, namespace: testEnv().temporalNamespace });
  });

  afterEach(async () => {
    for (const p of procs.splice(0)) await p.kill('SIGKILL');
  });

  after(async () => {
    await stack?.stop();
    await connection?.close();
  });

  async function namespace(): Promise<string> {
    const ns = uniqueName('res');
    await kubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: ns } } });
    return ns;
  }

  async function read(ns: string, name: string): Promise<TemporalActionIntent> {
    return (await objects().getNamespacedCustomObject({
      ...api,
      namespace: ns,
      name,
    })) as TemporalActionIntent;
  }

  async function holder(lease: string): Promise<string | undefined> {
    const l = await kubeConfig()
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: lease, namespace: 'tac-system' });
    return l.spec?.holderIdentity ?? undefined;
  }

  it('an operator killed with SIGKILL during a blocking run resumes it: Succeeded, exactly one execution', async () => {
    const lease = uniqueName('lease-kill');
    const first = await spawnOperator(uniqueName('op-a'), { TAC_LEASE_NAME: lease });
    procs.push(first);
    const ns = await namespace();
    const body = intent({
      name: 'survivor',
      namespace: ns,
      endpoint: { host: '127.0.0.1', port: stack.clientPort },
      taskQueue: 'sleep',
      activityParams: { sleep: { duration: '6s' } },
      timeout: '2m',
    });
    body.metadata = { name: 'survivor', namespace: ns };
    await objects().createNamespacedCustomObject({ ...api, namespace: ns, body });
    const eventId = uniqueName('ev');
    await objects().patchNamespacedCustomObject(
      {
        ...api,
        namespace: ns,
        name: 'survivor',
        body: {
          metadata: {
            annotations: {
              [ANNOTATION_RUN_REQUEST]: JSON.stringify({
                id: eventId,
                hookType: 'pre-install',
                eventId,
                requestedAt: new Date().toISOString(),
              }),
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const running = await waitFor(
      async () => {
        const t = await read(ns, 'survivor');
        return t.status?.lastRun?.phase === 'Running' ? t : undefined;
      },
      { what: 'the run to be Running', timeoutMs: 30_000 },
    );
    await first.kill('SIGKILL');
    const second = await spawnOperator(uniqueName('op-b'), { TAC_LEASE_NAME: lease });
    procs.push(second);
    const done = await waitFor(
      async () => {
        const t = await read(ns, 'survivor');
        return t.status?.lastRun?.phase === 'Succeeded' ? t : undefined;
      },
      { what: 'the resumed run to succeed', timeoutMs: 60_000 },
    );
    expect(done.status?.lastRun?.runId).to.equal(running.status?.lastRun?.runId);
    const executions = [];
    for await (const wf of temporal.workflow.list({
      query: `WorkflowId = '${running.status?.lastRun?.workflowId ?? ''}'`,
    }))
      executions.push(wf);
    expect(executions).to.have.length(1);
  });

  it('with two operators only one leads; when it dies the other takes over within the lease duration + 5 s', async () => {
    const lease = uniqueName('lease-ha');
    const a = await spawnOperator(uniqueName('op-a'), { TAC_LEASE_NAME: lease });
    const b = await spawnOperator(uniqueName('op-b'), { TAC_LEASE_NAME: lease });
    procs.push(a, b);
    const leaderName = await waitFor(() => holder(lease), { what: 'a leader', timeoutMs: 20_000 });
    expect([a.name, b.name]).to.include(leaderName);
    const leader = leaderName === a.name ? a : b;
    const standby = leader === a ? b : a;
    // only the leader reconciles
    expect(await standby.logs()).not.to.contain('Controller started');
    expect(await leader.logs()).to.contain('Controller started');
    const killedAt = Date.now();
    await leader.kill('SIGKILL');
    await waitFor(async () => (await holder(lease)) === standby.name, {
      what: 'the standby to take over',
      timeoutMs: 4000 + 5000,
    });
    expect(Date.now() - killedAt).to.be.lessThan(4000 + 5000);
    await waitFor(async () => (await standby.logs()).includes('Controller started'), {
      what: 'the standby to reconcile',
      timeoutMs: 5000,
    });
  });

  it('is quiet: with nothing changing, no intent resourceVersion changes for 60 s', async function () {
    this.timeout(150_000);
    const lease = uniqueName('lease-quiet');
    const op = await spawnOperator(uniqueName('op-q'), { TAC_LEASE_NAME: lease, TAC_RESYNC_PERIOD: '5s' });
    procs.push(op);
    const ns = await namespace();
    for (const name of ['idle', 'ran']) {
      const body = intent({
        name,
        namespace: ns,
        endpoint: { host: '127.0.0.1', port: stack.clientPort },
        taskQueue: 'noop',
      });
      body.metadata = {
        name,
        namespace: ns,
        ...(name === 'ran' ? { annotations: { 'tac.emco.io/run-requested-at': 'now' } } : {}),
      };
      await objects().createNamespacedCustomObject({ ...api, namespace: ns, body });
    }
    await waitFor(async () => (await read(ns, 'ran')).status?.lastRun?.phase === 'Succeeded', {
      what: 'the run to finish',
      timeoutMs: 30_000,
    });
    await waitFor(async () => (await read(ns, 'idle')).status?.observedGeneration === 1, {
      what: 'the idle intent to be observed',
    });
    await new Promise((r) => setTimeout(r, 2000)); // let the last status write settle
    const versions = async (): Promise<Record<string, string>> => {
      const list = (await objects().listNamespacedCustomObject({ ...api, namespace: ns })) as {
        items: TemporalActionIntent[];
      };
      return Object.fromEntries(
        list.items.map((i) => [i.metadata?.name ?? '', i.metadata?.resourceVersion ?? '']),
      );
    };
    const before = await versions();
    await new Promise((r) => setTimeout(r, 60_000)); // the acceptance window itself: 12 resyncs happen in it
    expect(await versions()).to.deep.equal(before);
  });
});
