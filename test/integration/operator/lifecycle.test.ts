import { expect } from 'chai';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import type { TemporalActionIntent } from '../../../common/model/types.js';
import { intent, type IntentFixture } from '../../support/builders.js';
import { kubeConfig, testEnv, uniqueName, waitFor } from '../../support/env.js';
import { forbiddenLines, startOperator, type StartedOperator } from '../../support/operator.js';
import { startWorkflowStack, type WorkflowStack } from '../../support/stack.js';
import { freePort } from '../../../testenv/ports.js';
import http from 'node:http';

const GROUP = 'tac.emco.io';
const VERSION = 'v1alpha1';
const PLURAL = 'temporalactionintents';

describe('operator: lifecycle events', function () {
  this.timeout(180_000);
  let op: StartedOperator;
  let stack: WorkflowStack;
  let temporal: Client;
  let connection: Connection;
  const objects = () => kubeConfig().makeApiClient(CustomObjectsApi);
  const core = () => kubeConfig().makeApiClient(CoreV1Api);

  before(async () => {
    stack = await startWorkflowStack();
    op = await startOperator();
    connection = await Connection.connect({ address: testEnv().temporalAddress });
    temporal = new Client({ connection, namespace: testEnv().temporalNamespace });
  });

  after(async () => {
    await op?.stop();
    await stack?.stop();
    await connection?.close();
  });

  async function namespace(): Promise<string> {
    const ns = uniqueName('lc');
    await core().createNamespace({ body: { metadata: { name: ns } } });
    return ns;
  }

  function dig(): IntentFixture['dig'] {
    return {
      project: 'p',
      compositeApp: 'app',
      compositeAppVersion: 'v1',
      deploymentIntentGroup: uniqueName('dig'),
    };
  }

  async function create(ns: string, f: IntentFixture): Promise<TemporalActionIntent> {
    const body = intent({ endpoint: { host: '127.0.0.1', port: stack.clientPort }, ...f, namespace: ns });
    const { metadata } = body;
    body.metadata = {
      name: metadata?.name ?? 'x',
      namespace: ns,
      ...(metadata?.annotations ? { annotations: metadata.annotations } : {}),
    };
    const created = (await objects().createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace: ns,
      body,
    })) as TemporalActionIntent;
    await waitFor(() => op.operator.store.get(ns, created.metadata?.name ?? ''), {
      what: 'the intent in the cache',
    });
    return created;
  }

  /** Waits until the intent no longer exists (its finalizer was removed). */
  async function gone(ns: string, name: string): Promise<void> {
    await waitFor(
      async () => {
        try {
          await read(ns, name);
          return false;
        } catch {
          return true;
        }
      },
      { what: `${name} to be gone`, timeoutMs: 30_000 },
    );
  }

  async function read(ns: string, name: string): Promise<TemporalActionIntent> {
    return (await objects().getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace: ns,
      name,
    })) as TemporalActionIntent;
  }

  it('blocking intent, workflow succeeds: the event returns after the workflow completed, and status says so', async () => {
    const ns = await namespace();
    const d = dig();
    await create(ns, {
      name: 'sleeper',
      dig: d,
      taskQueue: 'sleep',
      activityParams: { sleep: { duration: '2s' } },
      timeout: '60s',
    });
    const before = Date.now();
    const outcome = await op.operator.lifecycle.fire({ dig: d!, hookType: 'pre-install', namespace: ns });
    expect(outcome.succeeded).to.equal(true);
    expect(outcome.intents).to.have.length(1);
    const result = outcome.intents[0]!;
    expect(result.phase).to.equal('Succeeded');
    expect(Date.now() - before).to.be.greaterThanOrEqual(2000);
    const desc = await temporal.workflow.getHandle(result.workflowId!).describe();
    expect(desc.status.name).to.equal('COMPLETED');
    const tai = await waitFor(
      async () => {
        const t = await read(ns, 'sleeper');
        return t.status?.lastRun?.phase === 'Succeeded' ? t : undefined;
      },
      { what: 'status Succeeded' },
    );
    expect(tai.status?.lastRun).to.deep.include({
      workflowId: result.workflowId,
      runId: desc.runId,
      blocking: true,
    });
    expect(tai.status?.lastRun?.startTime).to.be.a('string');
    expect(tai.status?.lastRun?.endTime).to.be.a('string');
    expect(tai.status?.observedGeneration).to.equal(tai.metadata?.generation);
    expect(tai.status?.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('True');
    expect(desc.memo?.tacRunId).to.equal(outcome.eventId);
  });

  it('holds the finalizer only while a run is in flight, so an idle intent is deleted without an operator', async () => {
    const ns = await namespace();
    const d = dig();
    await create(ns, {
      name: 'idle',
      dig: d,
      taskQueue: 'sleep',
      activityParams: { sleep: { duration: '3s' } },
      timeout: '60s',
    });
    const reconciled = await waitFor(
      async () => {
        const t = await read(ns, 'idle');
        return t.status?.observedGeneration === t.metadata?.generation ? t : undefined;
      },
      { what: 'the new intent reconciled' },
    );
    expect(reconciled.metadata?.finalizers ?? []).to.not.include('tac.emco.io/run-cleanup');
    const fired = op.operator.lifecycle.fire({ dig: d!, hookType: 'pre-install', namespace: ns });
    const running = await waitFor(
      async () => {
        const t = await read(ns, 'idle');
        return t.status?.lastRun?.phase === 'Running' ? t : undefined;
      },
      { what: 'the run in flight' },
    );
    expect(running.metadata?.finalizers).to.include('tac.emco.io/run-cleanup');
    expect((await fired).succeeded).to.equal(true);
    await waitFor(
      async () => !((await read(ns, 'idle')).metadata?.finalizers ?? []).includes('tac.emco.io/run-cleanup'),
      {
        what: 'the finalizer removed after the run',
      },
    );
    await op.stop();
    try {
      await objects().deleteNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        plural: PLURAL,
        namespace: ns,
        name: 'idle',
      });
      await gone(ns, 'idle');
    } finally {
      op = await startOperator();
    }
  });

  it('fills activityParams.emco for the workflow', async () => {
    const ns = await namespace();
    const d = dig();
    await create(ns, {
      name: 'echo',
      dig: d,
      taskQueue: 'helloWorld',
      activityParams: { greet: { name: 'EMCO' } },
    });
    const outcome = await op.operator.lifecycle.fire({
      dig: d!,
      hookType: 'pre-install',
      namespace: ns,
      appContextId: '1234567890999',
      emcoUrl: 'http://emco.example:9015',
    });
    const wf = outcome.intents[0]!.workflowId!;
    const history = await temporal.workflow.getHandle(wf).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const payload = started?.input?.payloads?.[0]?.data;
    const arg = JSON.parse(Buffer.from(payload!).toString()) as {
      activityParams: Record<string, Record<string, string>>;
    };
    expect(arg.activityParams.emco).to.deep.equal({
      emcoURL: 'http://emco.example:9015',
      project: 'p',
      compositeApp: 'app',
      compositeAppVersion: 'v1',
      deploymentIntentGroup: d!.deploymentIntentGroup,
      appcontextId: '1234567890999',
    });
    expect(arg.activityParams.greet).to.deep.equal({ name: 'EMCO' });
  });

  it('blocking intent, workflow fails: the event fails, later intents never start, status and a Warning event carry the message', async () => {
    const ns = await namespace();
    const d = dig();
    await create(ns, {
      name: 'a-fails',
      dig: d,
      taskQueue: 'fail',
      activityParams: { fail: { message: 'disk on fire' } },
    });
    await new Promise((r) => setTimeout(r, 1100)); // distinct creationTimestamps (second resolution) fix the order
    await create(ns, { name: 'b-never', dig: d, taskQueue: 'noop' });
    const outcome = await op.operator.lifecycle.fire({ dig: d!, hookType: 'pre-install', namespace: ns });
    expect(outcome.succeeded).to.equal(false);
    expect(outcome.failedIntent).to.equal('a-fails');
    expect(outcome.intents.map((i) => [i.resourceName, i.phase])).to.deep.equal([
      ['a-fails', 'Failed'],
      ['b-never', 'Skipped'],
    ]);
    expect(outcome.intents[0]!.message).to.contain('disk on fire');
    const neverId = `tac-${ns}-b-never-${outcome.eventId}`;
    const listed = [];
    for await (const wf of temporal.workflow.list({ query: `WorkflowId = '${neverId}'` })) listed.push(wf);
    expect(listed).to.have.length(0);
    const failed = await waitFor(
      async () => {
        const t = await read(ns, 'a-fails');
        return t.status?.lastRun?.phase === 'Failed' ? t : undefined;
      },
      { what: 'status Failed' },
    );
    expect(failed.status?.lastRun?.failureMessage).to.contain('disk on fire');
    const events = await waitFor(
      async () => {
        const list = await core().listNamespacedEvent({ namespace: ns });
        const warn = list.items.filter((e) => e.type === 'Warning' && e.reason === 'RunFailed');
        return warn.length > 0 ? warn : undefined;
      },
      { what: 'a Warning event' },
    );
    expect(events[0]?.message).to.contain('disk on fire');
    expect(events[0]?.involvedObject.name).to.equal('a-fails');
  });

  it('blocking intent with a timeout shorter than its workflow: times out, and Temporal shows it cancelled', async () => {
    const ns = await namespace();
    const d = dig();
    await create(ns, { name: 'slow', dig: d, taskQueue: 'longRunning', timeout: '3s' });
    const started = Date.now();
    const outcome = await op.operator.lifecycle.fire({ dig: d!, hookType: 'pre-install', namespace: ns });
    const elapsed = Date.now() - started;
    expect(outcome.succeeded).to.equal(false);
    expect(outcome.intents[0]!.phase).to.equal('TimedOut');
    expect(outcome.intents[0]!.message).to.contain('hookBlockingTimeout 3s');
    expect(elapsed).to.be.lessThan(3000 + 5000);
    const handle = temporal.workflow.getHandle(outcome.intents[0]!.workflowId!);
    const status = await waitFor(
      async () => {
        const s = (await handle.describe()).status.name;
        return s === 'CANCELLED' || s === 'TERMINATED' ? s : undefined;
      },
      { what: 'the workflow to be cancelled', timeoutMs: 15_000 },
    );
    expect(['CANCELLED', 'TERMINATED']).to.include(status);
  });

  it('non-blocking intent: the event returns as soon as the workflow started', async () => {
    const ns = await namespace();
    const d = dig();
    await create(ns, { name: 'bg', dig: d, taskQueue: 'longRunning', blocking: false });
    const outcome = await op.operator.lifecycle.fire({ dig: d!, hookType: 'post-install', namespace: ns });
    // post-install does not match a pre-install intent
    expect(outcome.intents).to.have.length(0);
    await create(ns, {
      name: 'bg2',
      dig: d,
      hookType: 'post-install',
      taskQueue: 'longRunning',
      blocking: false,
    });
    const fired = await op.operator.lifecycle.fire({ dig: d!, hookType: 'post-install', namespace: ns });
    expect(fired.succeeded).to.equal(true);
    expect(fired.intents[0]!.phase).to.equal('Succeeded');
    const handle = temporal.workflow.getHandle(fired.intents[0]!.workflowId!);
    expect((await handle.describe()).status.name).to.equal('RUNNING');
    await handle.cancel();
  });

  it('treats pre-terminate and pre-termination as the same hook', async () => {
    const ns = await namespace();
    const d = dig();
    await create(ns, { name: 'term', dig: d, hookType: 'pre-terminate', taskQueue: 'noop' });
    const outcome = await op.operator.lifecycle.fire({ dig: d!, hookType: 'pre-termination', namespace: ns });
    expect(outcome.intents.map((i) => i.phase)).to.deep.equal(['Succeeded']);
  });

  it('firing the same event id twice runs the workflow once', async () => {
    const ns = await namespace();
    const d = dig();
    await create(ns, { name: 'once', dig: d, taskQueue: 'noop' });
    const first = await op.operator.lifecycle.fire({
      dig: d!,
      hookType: 'pre-install',
      namespace: ns,
      eventId: uniqueName('ev'),
    });
    const again = await op.operator.lifecycle.fire({
      dig: d!,
      hookType: 'pre-install',
      namespace: ns,
      eventId: first.eventId,
    });
    expect(again.intents[0]!.runId).to.equal(first.intents[0]!.runId);
  });

  it('a manual re-run annotation starts a run and is echoed in status', async () => {
    const ns = await namespace();
    await create(ns, { name: 'manual', taskQueue: 'noop', dig: dig() });
    await objects().patchNamespacedCustomObject(
      {
        group: GROUP,
        version: VERSION,
        plural: PLURAL,
        namespace: ns,
        name: 'manual',
        body: { metadata: { annotations: { 'tac.emco.io/run-requested-at': '2026-11-26T10:00:00Z' } } },
      },
      (await import('@kubernetes/client-node')).setHeaderOptions(
        'Content-Type',
        'application/merge-patch+json',
      ),
    );
    const tai = await waitFor(
      async () => {
        const t = await read(ns, 'manual');
        return t.status?.lastRun?.phase === 'Succeeded' ? t : undefined;
      },
      { what: 'the manual run to succeed' },
    );
    expect(tai.status?.lastHandledRunRequest).to.equal('2026-11-26T10:00:00Z');
    expect(tai.status?.lastRun?.trigger.type).to.equal('Manual');
  });

  describe('bad workflow-client targets', () => {
    let bad: http.Server;
    let badPort: number;
    const held: http.ServerResponse[] = [];
    before(async () => {
      bad = http.createServer((req, res) => {
        if (req.url?.includes('hang')) held.push(res);
        else res.writeHead(500).end('kaput');
      });
      badPort = await freePort();
      await new Promise<void>((r) => bad.listen(badPort, '127.0.0.1', r));
    });
    after(async () => {
      held.forEach((r) => r.destroy());
      bad.closeAllConnections();
      await new Promise((r) => bad.close(r));
    });

    for (const [label, target, expected] of [
      ['refuses connections', 'refused', /unreachable: .*ECONNREFUSED/],
      ['answers 500', 'broken', /answered 500: kaput/],
      [
        'hangs',
        'hang',
        /appeared on Temporal after 3 start attempt\(s\) \(start not confirmed .*no answer within 3000 ms/,
      ],
    ] as const) {
      it(`a client that ${label} fails the run with a clear message`, async () => {
        const ns = await namespace();
        const d = dig();
        const port = target === 'refused' ? await freePort() : badPort;
        await create(ns, {
          name: 'badtarget',
          dig: d,
          endpoint: { host: '127.0.0.1', port },
          clientName: target,
        });
        const started = Date.now();
        const outcome = await op.operator.lifecycle.fire({ dig: d!, hookType: 'pre-install', namespace: ns });
        // A refusal or an error answer is known at once; no answer is no proof that nothing
        // started, so the event waits while the run is looked up and invoked again (bounded).
        if (target !== 'hang') expect(Date.now() - started).to.be.lessThan(3000 + 5000);
        expect(outcome.succeeded).to.equal(false);
        expect(outcome.intents[0]!.message).to.match(expected);
        const run = (await read(ns, 'badtarget')).status?.lastRun;
        expect(run?.phase).to.equal('Failed');
        if (target === 'hang') expect(run?.attempt).to.equal(3);
        // and the operator keeps serving other intents
        await create(ns, {
          name: 'good',
          dig: { ...d!, deploymentIntentGroup: `${d!.deploymentIntentGroup}-2` },
          taskQueue: 'noop',
        });
        const ok = await op.operator.lifecycle.fire({
          dig: { ...d!, deploymentIntentGroup: `${d!.deploymentIntentGroup}-2` },
          hookType: 'pre-install',
          namespace: ns,
        });
        expect(ok.succeeded).to.equal(true);
      });
    }
  });

  it('deleting an intent whose run is going cancels the run on Temporal, then lets the intent go', async () => {
    const ns = await namespace();
    const d = dig();
    await create(ns, { name: 'doomed', dig: d, taskQueue: 'longRunning', blocking: false });
    const fired = await op.operator.lifecycle.fire({ dig: d!, hookType: 'pre-install', namespace: ns });
    const wf = fired.intents[0]!.workflowId!;
    await waitFor(async () => (await read(ns, 'doomed')).status?.lastRun?.phase === 'Running', {
      what: 'the run to be recorded',
    });
    await objects().deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace: ns,
      name: 'doomed',
    });
    await gone(ns, 'doomed');
    const status = (await temporal.workflow.getHandle(wf).describe()).status.name;
    expect(status).to.equal('CANCELLED');
  });

  it('the skip-cleanup annotation lets a deleted intent go at once and leaves its workflow alone', async () => {
    const ns = await namespace();
    const d = dig();
    await create(ns, {
      name: 'left',
      dig: d,
      taskQueue: 'longRunning',
      blocking: false,
      annotations: { 'tac.emco.io/skip-cleanup': 'true' },
    });
    const fired = await op.operator.lifecycle.fire({ dig: d!, hookType: 'pre-install', namespace: ns });
    const handle = temporal.workflow.getHandle(fired.intents[0]!.workflowId!);
    await waitFor(async () => (await read(ns, 'left')).status?.lastRun?.phase === 'Running', {
      what: 'the run to be recorded',
    });
    await objects().deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace: ns,
      name: 'left',
    });
    await gone(ns, 'left');
    expect((await handle.describe()).status.name).to.equal('RUNNING');
    await handle.cancel();
  });

  it('ran the whole suite without a forbidden call (the operator is bound only by deploy/rbac)', () => {
    expect(forbiddenLines(op.logs)).to.deep.equal([]);
  });
});
