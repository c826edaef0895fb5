import { expect } from 'chai';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { parseNamedClients } from '../../../client/named-clients.js';
import { uniqueName } from '../../support/env.js';
import type { TemporalFixture } from '../worker/temporal-fixture.js';
import { startWorker, temporalFixture } from '../worker/temporal-fixture.js';
import type { RunningClient } from './client-fixture.js';
import { runClient } from './client-fixture.js';

/** Custom search attributes this suite registers on the dev server (IndexedValueType enum). */
const SEARCH_ATTRIBUTES = { TacClientTestKeyword: 2, TacClientTestInt: 3 } as const;

async function registerSearchAttributes(fx: TemporalFixture): Promise<void> {
  const existing = await fx.connection.operatorService.listSearchAttributes({ namespace: fx.namespace });
  const missing = Object.fromEntries(
    Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => existing.customAttributes?.[name] === undefined),
  );
  if (Object.keys(missing).length === 0) return;
  try {
    await fx.connection.operatorService.addSearchAttributes({
      namespace: fx.namespace,
      searchAttributes: missing,
    });
  } catch (err) {
    // Another run may have added them in between: fine if they are there now.
    const again = await fx.connection.operatorService.listSearchAttributes({ namespace: fx.namespace });
    if (Object.keys(missing).some((name) => again.customAttributes?.[name] === undefined)) throw err;
  }
}

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];
type StartedAttributes = NonNullable<HistoryEvent['workflowExecutionStartedEventAttributes']>;

async function startedEvent(handle: WorkflowHandle): Promise<StartedAttributes> {
  const history = await handle.fetchHistory();
  const attributes = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (attributes == null) throw new Error('no WorkflowExecutionStarted event');
  return attributes;
}

/** The workflow's single argument exactly as it was sent (the JSON text of the payload). */
async function argumentText(handle: WorkflowHandle): Promise<string> {
  const payloads = (await startedEvent(handle)).input?.payloads ?? [];
  expect(payloads).to.have.length(1);
  return Buffer.from(payloads[0]?.data ?? []).toString('utf8');
}

const seconds = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  d == null ? undefined : Number(d.seconds ?? 0) + (d.nanos ?? 0) / 1e9;

describe('workflow client against real Temporal', function () {
  this.timeout(120_000);
  let fx: TemporalFixture;
  let svc: RunningClient;
  let client: Client;
  const terminate: WorkflowHandle[] = [];

  before(async () => {
    fx = await temporalFixture();
    client = fx.client;
    await registerSearchAttributes(fx);
    svc = await runClient({ temporalAddress: fx.address, namespace: fx.namespace });
  });
  after(async () => {
    for (const handle of terminate) await handle.terminate('test done').catch(() => undefined);
    await svc?.stop();
    await fx?.close();
  });

  it("starts the seed's example body (lowercase keys) with every option as requested", async () => {
    const id = uniqueName('seed');
    const queue = uniqueName('ABCDEFGHIJKLMNOPQRSTUVW');
    const res = await svc.invoke('default', {
      workflowClientName: 'ABCD',
      workflowStartOptions: {
        id,
        taskqueue: queue,
        workflowexecutiontimeout: 3_600_000_000_000,
        workflowruntimeout: 1_800_000_000_000,
        workflowtasktimeout: 20_000_000_000,
        workflowidreusepolicy: 3,
        workflowexecutionerrorwhenalreadystarted: true,
        retrypolicy: {
          initialinterval: 2_000_000_000,
          backoffcoefficient: 358.25,
          maximuminterval: 658_000_000_000,
          maximumattempts: 127,
          nonretryableerrortypes: ['FatalError'],
        },
        memo: { owner: 'tac', attempt: 1 },
        searchattributes: { TacClientTestKeyword: 'seed', TacClientTestInt: 42 },
      },
      workflowParams: { activityOptions: {}, activityParams: {} },
    });
    expect(res.status).to.equal(204);
    expect(await res.text()).to.equal('');
    expect(res.headers.get('x-workflow-id')).to.equal(id);
    const runId = res.headers.get('x-run-id') ?? '';
    expect(runId).to.match(/^[0-9a-f-]{36}$/);

    const handle = client.workflow.getHandle(id);
    terminate.push(handle);
    const description = await handle.describe();
    expect(description).to.deep.include({ workflowId: id, runId, type: queue, taskQueue: queue });
    expect(description.memo).to.deep.equal({ owner: 'tac', attempt: 1 });
    expect(
      description.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]),
    ).to.deep.include.members([
      ['TacClientTestKeyword', 'seed'],
      ['TacClientTestInt', 42],
    ]);
    const config = description.raw.executionConfig;
    expect(seconds(config?.workflowExecutionTimeout)).to.equal(3600);
    expect(seconds(config?.workflowRunTimeout)).to.equal(1800);
    expect(seconds(config?.defaultWorkflowTaskTimeout)).to.equal(20);

    const started = await startedEvent(handle);
    expect(seconds(started.retryPolicy?.initialInterval)).to.equal(2);
    expect(started.retryPolicy?.backoffCoefficient).to.equal(358.25);
    expect(seconds(started.retryPolicy?.maximumInterval)).to.equal(658);
    expect(started.retryPolicy?.maximumAttempts).to.equal(127);
    expect(started.retryPolicy?.nonRetryableErrorTypes).to.deep.equal(['FatalError']);
    expect(await argumentText(handle)).to.equal('{}');

    // WorkflowExecutionErrorWhenAlreadyStarted=true: a second start while running is a conflict
    const again = await svc.invoke('default', {
      workflowStartOptions: { ID: id, TaskQueue: queue, WorkflowExecutionErrorWhenAlreadyStarted: true },
    });
    expect(again.status).to.equal(409);
    expect(await again.text()).to.equal(
      `workflow id "${id}" is already running (run ${runId}) and WorkflowExecutionErrorWhenAlreadyStarted is true\n`,
    );

    // WorkflowIDReusePolicy 3 (RejectDuplicate) is in force: the closed id cannot be used again
    await handle.terminate('checking the id reuse policy');
    const reused = await svc.invoke('default', {
      workflowStartOptions: { ID: id, TaskQueue: queue, WorkflowIDReusePolicy: 3 },
    });
    expect(reused.status).to.equal(409);
    expect(await reused.text()).to.equal(
      `workflow id "${id}" was already used by a TERMINATED run (${runId}) and WorkflowIDReusePolicy RejectDuplicate forbids starting it again\n`,
    );
  });

  it("starts EMCO's canonical body (reference §9) with workflow type = task queue and workflowParams as the argument", async () => {
    const id = uniqueName('pre-install');
    const body =
      `{"workflowClientName":"migrate_workflowclient","workflowStartOptions":{"ID":"${id}","TaskQueue":"GREETING_TASK_QUEUE",` +
      '"WorkflowExecutionTimeout":0,"WorkflowRunTimeout":0,"WorkflowTaskTimeout":0,"WorkflowIDReusePolicy":0,' +
      '"WorkflowExecutionErrorWhenAlreadyStarted":false,"RetryPolicy":{"InitialInterval":0,"BackoffCoefficient":0,' +
      '"MaximumInterval":0,"MaximumAttempts":2,"NonRetryableErrorTypes":null},"CronSchedule":"","Memo":null,' +
      '"SearchAttributes":null},"workflowParams":{"activityOptions":{"greet":{"StartToCloseTimeout":60000000000,' +
      '"RetryPolicy":{"InitialInterval":1000000000,"BackoffCoefficient":2,"MaximumInterval":0,"MaximumAttempts":3,' +
      '"NonRetryableErrorTypes":null}}},"activityParams":{"greet":{"name":"EMCO"}}}}';
    const res = await svc.invoke('default', body);
    expect(res.status).to.equal(204);
    const runId = res.headers.get('x-run-id');
    const handle = client.workflow.getHandle(id);
    terminate.push(handle);
    const description = await handle.describe();
    expect(description).to.deep.include({
      workflowId: id,
      type: 'GREETING_TASK_QUEUE',
      taskQueue: 'GREETING_TASK_QUEUE',
    });
    expect(description.memo ?? {}).to.deep.equal({});
    const config = description.raw.executionConfig;
    expect(seconds(config?.workflowExecutionTimeout) ?? 0).to.equal(0);
    expect(seconds(config?.workflowRunTimeout) ?? 0).to.equal(0);
    const started = await startedEvent(handle);
    expect(started.retryPolicy?.maximumAttempts).to.equal(2);
    expect(await argumentText(handle)).to.equal(
      '{"activityOptions":{"greet":{"TaskQueue":"","ScheduleToCloseTimeout":0,"ScheduleToStartTimeout":0,' +
        '"StartToCloseTimeout":60000000000,"HeartbeatTimeout":0,"WaitForCancellation":false,"ActivityID":"",' +
        '"RetryPolicy":{"InitialInterval":1000000000,"BackoffCoefficient":2,"MaximumInterval":0,"MaximumAttempts":3,' +
        '"NonRetryableErrorTypes":null}}},"activityParams":{"greet":{"name":"EMCO"}}}',
    );

    // WorkflowExecutionErrorWhenAlreadyStarted=false (Go SDK): the running workflow is returned
    const again = await svc.invoke('default', body);
    expect(again.status).to.equal(204);
    expect(again.headers.get('x-workflow-id')).to.equal(id);
    expect(again.headers.get('x-run-id')).to.equal(runId);
  });

  it('generates a workflow id when the body has none', async () => {
    const queue = uniqueName('q');
    const res = await svc.invoke('default', { workflowStartOptions: { TaskQueue: queue } });
    expect(res.status).to.equal(204);
    const id = res.headers.get('x-workflow-id') ?? '';
    expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const handle = client.workflow.getHandle(id);
    terminate.push(handle);
    expect((await handle.describe()).taskQueue).to.equal(queue);
  });

  it('answers bad input with a clear 4xx and keeps serving', async () => {
    const notJson = await svc.invoke('default', 'this is not json');
    expect(notJson.status).to.equal(400);
    expect(await notJson.text()).to.equal(
      "request body is not valid JSON: invalid character 'h' in literal true (expecting 'r')\n",
    );
    const wrongTypes = await svc.invoke('default', {
      workflowStartOptions: { TaskQueue: 'q', WorkflowRunTimeout: true },
    });
    expect(wrongTypes.status).to.equal(422);
    expect(await wrongTypes.text()).to.match(
      /^request body does not fit EMCO's temporal spec: json: cannot unmarshal bool/,
    );
    const badSearchAttribute = await svc.invoke('default', {
      workflowStartOptions: {
        TaskQueue: uniqueName('q'),
        ID: uniqueName('bad-sa'),
        SearchAttributes: { TacClientTestInt: 'not a number' },
      },
    });
    expect(badSearchAttribute.status).to.equal(400);
    expect(await badSearchAttribute.text()).to.match(
      /^Temporal rejected the workflow start: .*TacClientTestInt/,
    );
    expect((await fetch(`${svc.server.url}/healthz`)).status).to.equal(200);
  });

  it('runs hello world end to end: invoke, the worker runs it, the result is on Temporal', async () => {
    const { worker, taskQueue, running } = await startWorker(fx);
    const named = await runClient({
      temporalAddress: fx.address,
      namespace: fx.namespace,
      clients: parseNamedClients(
        `clients:\n  hello:\n    workflowType: helloWorld\n    taskQueue: ${taskQueue}\n`,
        'test.yaml',
      ),
    });
    try {
      const unknown = await named.invoke('missing', {});
      expect([unknown.status, await unknown.text()]).to.deep.equal([
        404,
        'unknown workflow client "missing": configured clients are default, hello\n',
      ]);
      const id = uniqueName('hello');
      const res = await named.invoke('hello', {
        workflowStartOptions: { ID: id },
        workflowParams: { activityParams: { greet: { name: 'EMCO' } } },
      });
      expect(res.status).to.equal(204);
      const handle = client.workflow.getHandle(id);
      expect(await handle.result()).to.equal('Hello, EMCO!');
      const description = await handle.describe();
      expect(description).to.deep.include({ type: 'helloWorld', taskQueue });
      expect(description.status.name).to.equal('COMPLETED');
    } finally {
      await named.stop();
      worker.shutdown();
      await running;
    }
  });
});
