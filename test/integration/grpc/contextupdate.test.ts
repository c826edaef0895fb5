// EMCO's orchestrator drives the operator over gRPC: calls made with a client built from the .proto,
// app contexts written into a real etcd in EMCO's JSON format, hooks run by the real workflow client
// and worker on the test Temporal, workers deployed through an orchestrator stand-in.
import { expect } from 'chai';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { status as grpcStatus } from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import { ANNOTATION_NAME, ANNOTATION_WORKERS } from '../../../common/domain/annotations.js';
import type { Run, TemporalActionIntent } from '../../../common/model/types.js';
import { intent, type IntentFixture } from '../../support/builders.js';
import { contextUpdateClient, type ContextUpdateClient } from '../../../scripts/contextupdate-client.js';
import { startEmcoEtcd, type EmcoEtcd } from '../../../scripts/emco-etcd.js';
import { kubeConfig, testEnv, uniqueName, waitFor } from '../../support/env.js';
import { startOperator, type StartedOperator } from '../../support/operator.js';
import { OrchestratorStandIn } from '../../support/orchestrator-stand-in.js';
import { startWorkflowStack, type WorkflowStack } from '../../support/stack.js';

const GROUP = 'tac.emco.io';
const VERSION = 'v1alpha1';
const PLURAL = 'temporalactionintents';

type Dig = NonNullable<IntentFixture['dig']>;

describe('gRPC contextupdate: EMCO orchestrator calls', function () {
  this.timeout(180_000);
  let etcd: EmcoEtcd;
  let stack: WorkflowStack;
  let orchestrator: OrchestratorStandIn;
  let op: StartedOperator;
  let grpc: ContextUpdateClient;
  let connection: Connection;
  let temporal: Client;
  let ns: string;
  const objects = () => kubeConfig().makeApiClient(CustomObjectsApi);

  before(async () => {
    etcd = await startEmcoEtcd();
    stack = await startWorkflowStack();
    orchestrator = new OrchestratorStandIn();
    await orchestrator.start();
    ns = uniqueName('grpc');
    await kubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: ns } } });
    op = await startOperator({
      env: {
        TAC_DEFAULT_NAMESPACE: ns,
        TAC_GRPC_ENABLED: 'true',
        TAC_GRPC_HOST: '127.0.0.1',
        TAC_GRPC_PORT: '0',
        TAC_EMCO_ETCD_ENDPOINTS: etcd.endpoint,
        TAC_EMCO_ORCHESTRATOR_URL: orchestrator.url,
      },
    });
    expect(op.operator.grpcPort()).to.be.greaterThan(0);
    grpc = contextUpdateClient(`127.0.0.1:${op.operator.grpcPort()}`);
    await grpc.ready();
    connection = await Connection.connect({ address: testEnv().temporalAddress });
    temporal = new Client({ connection, namespace: testEnv().temporalNamespace });
  });

  after(async () => {
    grpc?.close();
    await op?.stop();
    await orchestrator?.stop();
    await stack?.stop();
    await connection?.close();
    await etcd?.stop();
  });

  function dig(): Dig {
    return {
      project: 'proj',
      compositeApp: 'app',
      compositeAppVersion: 'v1',
      deploymentIntentGroup: uniqueName('dig'),
    };
  }

  async function create(f: IntentFixture & { name: string; workers?: unknown[] }): Promise<void> {
    const body = intent({ endpoint: { host: '127.0.0.1', port: stack.clientPort }, ...f, namespace: ns });
    body.metadata = {
      name: f.name,
      namespace: ns,
      annotations: {
        [ANNOTATION_NAME]: f.name,
        ...(f.workers !== undefined ? { [ANNOTATION_WORKERS]: JSON.stringify(f.workers) } : {}),
      },
    };
    await objects().createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace: ns,
      body,
    });
    await waitFor(() => op.operator.store.get(ns, f.name), { what: `${f.name} in the cache` });
  }

  async function read(name: string): Promise<TemporalActionIntent> {
    return (await objects().getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace: ns,
      name,
    })) as TemporalActionIntent;
  }

  function runs(tai: TemporalActionIntent): Run[] {
    return [
      ...(tai.status?.lastRun !== undefined ? [tai.status.lastRun] : []),
      ...(tai.status?.history ?? []),
    ];
  }

  /** The recorded run of an event on an intent, once it is terminal. */
  async function finishedRun(name: string, eventId: string): Promise<Run> {
    return waitFor(
      async () => {
        const run = runs(await read(name)).find((r) => r.id === eventId);
        return run !== undefined && ['Succeeded', 'Failed', 'TimedOut'].includes(run.phase) ? run : undefined;
      },
      { what: `the run ${eventId} of ${name} to finish`, timeoutMs: 60_000 },
    );
  }

  it('UpdateAppContext with update_from_appContext "<nil>" runs the pre-install hooks (not pre-update), with the app context id', async () => {
    const d = dig();
    await create({
      name: uniqueName('pi'),
      dig: d,
      hookType: 'pre-install',
      taskQueue: 'noop',
      blocking: true,
      timeout: '60s',
    });
    const preUpdate = uniqueName('pu');
    await create({ name: preUpdate, dig: d, hookType: 'pre-update', taskQueue: 'noop', blocking: true });
    const id = await etcd.writeAppContext(d);
    const preInstall = op.operator.store.listByDig(d, ns).find((i) => i.spec.hookType === 'pre-install')!;

    const { response, error } = await grpc.updateAppContext(id, '<nil>');

    expect(error).to.equal(undefined);
    expect(response).to.deep.equal({
      app_context_updated: true,
      app_context_update_message: 'Context updated successfully.',
    });
    const run = await finishedRun(preInstall.metadata.name!, `emco-${id}-pre-install`);
    expect(run.phase).to.equal('Succeeded');
    expect(runs(await read(preUpdate))).to.deep.equal([]);
    // The workflow got the app context id in activityParams.emco, as through the REST endpoint.
    const history = await temporal.workflow.getHandle(run.workflowId!).fetchHistory();
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    const params = JSON.parse(Buffer.from(input!).toString('utf8')) as {
      activityParams: { emco: Record<string, string> };
    };
    expect(params.activityParams.emco).to.include({
      appcontextId: id,
      deploymentIntentGroup: d.deploymentIntentGroup,
      project: 'proj',
    });
  });

  it('UpdateAppContext with a numeric update_from_appContext runs the pre-update hooks only', async () => {
    const d = dig();
    const pi = uniqueName('pi');
    const pu = uniqueName('pu');
    await create({ name: pi, dig: d, hookType: 'pre-install', taskQueue: 'noop' });
    await create({ name: pu, dig: d, hookType: 'pre-update', taskQueue: 'noop' });
    const id = await etcd.writeAppContext(d);

    const { response, error } = await grpc.updateAppContext(id, '8345678901234567890');

    expect(error).to.equal(undefined);
    expect(response?.app_context_updated).to.equal(true);
    expect((await finishedRun(pu, `emco-${id}-pre-update`)).phase).to.equal('Succeeded');
    expect(runs(await read(pi))).to.deep.equal([]);
  });

  it('TerminateAppContext runs pre-termination hooks in both spellings, in order', async () => {
    const d = dig();
    // Run order is creation time (seconds), then name: created first and named first.
    const prefix = uniqueName('pt');
    const a = `${prefix}-a`;
    const b = `${prefix}-b`;
    await create({ name: a, dig: d, hookType: 'pre-termination', taskQueue: 'noop' });
    await create({ name: b, dig: d, hookType: 'pre-terminate', taskQueue: 'noop' });
    const id = await etcd.writeAppContext(d);

    const { response, error } = await grpc.terminateAppContext(id);

    expect(error).to.equal(undefined);
    expect(response).to.deep.equal({
      app_context_terminated: true,
      app_context_terminated_message: 'Context Terminated successfully.',
    });
    const ra = await finishedRun(a, `emco-${id}-pre-termination`);
    const rb = await finishedRun(b, `emco-${id}-pre-termination`);
    expect(Date.parse(ra.startTime!)).to.be.at.most(Date.parse(rb.startTime!));
  });

  it('PostEvent runs post-install (INSTANTIATE = 0), post-termination (TERMINATE = 1) and post-update (UPDATE = 2)', async () => {
    const d = dig();
    const names = {
      'post-install': uniqueName('po'),
      'post-terminate': uniqueName('po'),
      'post-update': uniqueName('po'),
    };
    for (const [hookType, name] of Object.entries(names))
      await create({ name, dig: d, hookType, taskQueue: 'noop' });
    const id = await etcd.writeAppContext(d);

    for (const [type, hook, name] of [
      ['INSTANTIATE', 'post-install', names['post-install']],
      ['TERMINATE', 'post-termination', names['post-terminate']],
      ['UPDATE', 'post-update', names['post-update']],
    ] as const) {
      const before = await Promise.all(Object.values(names).map(async (n) => runs(await read(n)).length));
      const { response, error } = await grpc.postEvent(id, type);
      expect(error, type).to.equal(undefined);
      expect(response).to.deep.equal({
        success: true,
        post_event_message: 'Post Context Updated successfully.',
      });
      expect((await finishedRun(name, `emco-${id}-${hook}`)).phase).to.equal('Succeeded');
      const after = await Promise.all(Object.values(names).map(async (n) => runs(await read(n)).length));
      expect(after.reduce((s, n) => s + n, 0) - before.reduce((s, n) => s + n, 0), type).to.equal(1);
    }
  });

  it('a missing app context fails as EMCO does: gRPC status UNKNOWN with the "Failed to get the appContext" text', async () => {
    const { response, error } = await grpc.updateAppContext('4242424242424242424');
    expect(response).to.equal(undefined);
    expect(error?.code).to.equal(grpcStatus.UNKNOWN);
    expect(error?.details).to.match(
      /^Failed to get the appContext with ID: 4242424242424242424\.: no app context/,
    );

    const post = await grpc.postEvent('4242424242424242424', 'INSTANTIATE');
    expect(post.error?.details).to.match(
      /^PostEvent Failed to get the appContext with ID: 4242424242424242424\.:/,
    );
  });

  it('a failing blocking hook fails the call with the hook named, and later hooks do not run', async () => {
    const d = dig();
    const failing = uniqueName('bad');
    const later = uniqueName('later');
    await create({ name: failing, dig: d, taskQueue: 'fail', blocking: true, timeout: '60s' });
    await create({ name: later, dig: d, taskQueue: 'noop' });
    const id = await etcd.writeAppContext(d);

    const { response, error } = await grpc.updateAppContext(id);

    expect(response).to.equal(undefined);
    expect(error?.code).to.equal(grpcStatus.UNKNOWN);
    expect(error?.details).to.match(new RegExp(`^Failed to run workflow in pre-install hook: ${failing}: `));
    expect((await finishedRun(failing, `emco-${id}-pre-install`)).phase).to.equal('Failed');
    expect(runs(await read(later))).to.deep.equal([]);
  });

  it('non-blocking hooks answer once their workflows started, without waiting for them', async () => {
    const d = dig();
    const name = uniqueName('nb');
    await create({
      name,
      dig: d,
      taskQueue: 'sleep',
      blocking: false,
      activityParams: { sleep: { duration: '20s' } },
    });
    const id = await etcd.writeAppContext(d);

    const { response, error } = await grpc.updateAppContext(id);

    expect(error).to.equal(undefined);
    expect(response?.app_context_updated).to.equal(true);
    // Answered while the 20 s workflow still runs.
    const run = runs(await read(name)).find((r) => r.id === `emco-${id}-pre-install`);
    expect(run?.phase).to.equal('Running');
    await temporal.workflow.getHandle(run!.workflowId!).terminate('test done');
  });

  it('a retried call attaches to the running event and a later repeat answers its outcome: one run', async () => {
    const d = dig();
    const name = uniqueName('once');
    await create({
      name,
      dig: d,
      taskQueue: 'sleep',
      blocking: true,
      timeout: '60s',
      activityParams: { sleep: { duration: '2s' } },
    });
    const id = await etcd.writeAppContext(d);

    const [first, retry] = await Promise.all([
      grpc.updateAppContext(id),
      new Promise((r) => setTimeout(r, 300)).then(() => grpc.updateAppContext(id)),
    ]);
    const later = await grpc.updateAppContext(id);

    for (const r of [first, retry, later]) {
      expect(r.error).to.equal(undefined);
      expect(r.response?.app_context_updated).to.equal(true);
    }
    const all = runs(await read(name));
    expect(all.map((r) => r.id)).to.deep.equal([`emco-${id}-pre-install`]);
    expect(all[0]?.phase).to.equal('Succeeded');
  });

  it('workers: a pre hook deploys its Approved workers through the orchestrator, the post event terminates them', async () => {
    const d = dig();
    const workerDig = uniqueName('wdig');
    orchestrator.setState(workerDig, 'Approved');
    const worker = {
      metadata: { name: 'w1', description: '', userData1: '', userData2: '' },
      spec: {
        startToCloseTimeout: 30000,
        deploymentIntentGroup: workerDig,
        compositeApp: 'wapp',
        compositeAppVersion: 'v1',
      },
    };
    await create({ name: uniqueName('hw'), dig: d, taskQueue: 'noop', workers: [worker] });
    const id = await etcd.writeAppContext(d);

    const pre = await grpc.updateAppContext(id);
    expect(pre.error).to.equal(undefined);
    expect(orchestrator.state(workerDig)).to.equal('Instantiated');
    expect(orchestrator.callsTo(workerDig)).to.deep.equal([
      'GET /status',
      'POST /instantiate',
      'GET /status?status=ready',
      'GET /status?status=ready',
    ]);

    const post = await grpc.postEvent(id, 'INSTANTIATE');
    expect(post.error).to.equal(undefined);
    expect(orchestrator.state(workerDig)).to.equal('Terminated');
    expect(orchestrator.callsTo(workerDig).slice(4)).to.deep.equal(['GET /status', 'POST /terminate']);
  });

  it("workers: a worker that is not approved fails the pre hook with EMCO's text and runs no hook", async () => {
    const d = dig();
    const workerDig = uniqueName('wdig');
    orchestrator.setState(workerDig, 'InstantiateFailed');
    const name = uniqueName('hw');
    await create({
      name,
      dig: d,
      taskQueue: 'noop',
      workers: [
        {
          metadata: { name: 'w2' },
          spec: {
            startToCloseTimeout: 1000,
            deploymentIntentGroup: workerDig,
            compositeApp: 'wapp',
            compositeAppVersion: 'v1',
          },
        },
      ],
    });
    const id = await etcd.writeAppContext(d);

    const { error } = await grpc.updateAppContext(id);

    expect(error?.code).to.equal(grpcStatus.UNKNOWN);
    expect(error?.details).to.equal(
      'Submitted worker not approved to be instantiated, or already instantiated.',
    );
    expect(orchestrator.callsTo(workerDig)).to.deep.equal(['GET /status']);
    expect(runs(await read(name))).to.deep.equal([]);
  });
});
