// End-to-end through the REST API with everything real: the operator on the API server, the
// workflow client and the worker on the Temporal dev server. An EMCO caller posts the seed's intent,
// fires pre-install through the lifecycle endpoint, reads the run back through /status without ids,
// sees it in kubectl, and cancels a long-running intent's run through /cancel without ids.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { expect } from 'chai';
import { testEnv, uniqueName, waitFor } from '../../support/env.js';
import type { WorkflowStack } from '../../support/stack.js';
import { eventsPath, expectJson, tacBase, type Dig, type RestClient } from './http.js';
import { startRestWorkflowFixture, type RestWorkflowFixture } from './workflow-fixture.js';

const run = promisify(execFile);

interface Outcome {
  state: string;
  eventId: string;
  succeeded: boolean;
  intents: Array<{ intent: string; phase: string; workflowId?: string; runId?: string; blocking: boolean }>;
}

describe('REST end to end: seed intent, lifecycle event, status and cancel on real Temporal', function () {
  this.timeout(180_000);
  let stack: WorkflowStack;
  let api: RestClient;
  let fixture: RestWorkflowFixture | undefined;
  let temporal: Client;
  let ns: string;
  let dig: Dig;

  const kubectl = async (args: string[]): Promise<string> => {
    const env = testEnv();
    return (await run(env.kubectlPath, ['--kubeconfig', env.kubeconfigPath, '--context', 'admin', ...args]))
      .stdout;
  };

  before(async () => {
    fixture = await startRestWorkflowFixture('rest-e2e');
    ({ stack, api, temporal, ns, dig } = fixture);
  });

  after(async () => {
    await fixture?.stop();
  });

  it('runs the seed intent at pre-install and reports it through /status and kubectl', async () => {
    // The seed's POST body (lower-case keys as the seed writes them), nested under spec, pointed at
    // the test's workflow client and the hello-world workflow, with values Temporal accepts.
    const workflowId = uniqueName('seed-wf');
    const seed = {
      metadata: { name: 'ABCD' },
      spec: {
        hookType: 'pre-install',
        hookBlocking: true,
        hookBlockingTimeout: '60s',
        workflowClient: { clientEndpointName: '127.0.0.1', clientEndpointPort: stack.clientPort },
        temporal: {
          workflowClientName: 'default',
          workflowStartOptions: {
            id: workflowId,
            taskqueue: 'helloWorld',
            workflowexecutiontimeout: 60_000_000_000,
            workflowruntimeout: 60_000_000_000,
            workflowtasktimeout: 10_000_000_000,
            workflowidreusepolicy: 1,
            workflowexecutionerrorwhenalreadystarted: false,
            retrypolicy: {
              initialinterval: 1_000_000_000,
              backoffcoefficient: 2,
              maximuminterval: 10_000_000_000,
              maximumattempts: 2,
              nonretryableerrortypes: [],
            },
          },
          workflowParams: { activityOptions: {}, activityParams: { greet: { name: 'EMCO' } } },
        },
      },
    };
    const created = await api.call('POST', tacBase(dig), { body: JSON.stringify(seed) });
    expect(created.status, created.text).to.equal(201);

    const fired = await api.call('POST', eventsPath(dig), {
      body: JSON.stringify({
        hookType: 'pre-install',
        appContextId: '1234567890999',
        emcoURL: 'http://1.1.1.1:2',
      }),
    });
    const outcome = expectJson(fired, 200) as Outcome;
    expect(outcome.state).to.equal('Succeeded');
    expect(outcome.intents.map((i) => [i.intent, i.phase, i.blocking])).to.deep.equal([
      ['ABCD', 'Succeeded', true],
    ]);
    const ran = outcome.intents[0];
    expect(ran?.workflowId).to.equal(workflowId);

    const status = expectJson(
      await api.call('GET', `${tacBase(dig)}/ABCD/status`, { body: '{"waitForResult":true}' }),
      200,
    ) as {
      workflowID: string;
      runID: string;
      workflowResult: unknown;
      workflowStatus: string;
      tacStatus: { lastRun: { workflowId: string; runId: string } };
    };
    expect(status.workflowID).to.equal(workflowId);
    expect(status.runID).to.equal(ran?.runId);
    expect(status.workflowStatus).to.equal('COMPLETED');
    expect(status.workflowResult).to.equal('Hello, EMCO!');
    expect(status.tacStatus.lastRun.workflowId).to.equal(workflowId);

    const table = await waitFor(
      async () => {
        const out = await kubectl(['get', 'tai', '-n', ns]);
        return out.includes('Succeeded') ? out : undefined;
      },
      { what: 'kubectl get tai to show Succeeded' },
    );
    expect(table).to.include(workflowId);
    const json = JSON.parse(await kubectl(['get', 'tai', '-n', ns, '-o', 'json'])) as {
      items: Array<{ status?: { lastRun?: { phase: string; runId?: string } } }>;
    };
    expect(json.items[0]?.status?.lastRun).to.include({ phase: 'Succeeded', runId: ran?.runId });
  });

  it('cancels the recorded run of a long-running intent through /cancel without ids', async () => {
    const body = {
      metadata: { name: 'long' },
      spec: {
        hookType: 'post-install',
        workflowClient: { clientEndpointName: '127.0.0.1', clientEndpointPort: stack.clientPort },
        temporal: {
          workflowClientName: 'default',
          workflowStartOptions: { TaskQueue: 'longRunning' },
          workflowParams: { activityParams: { longRunning: { tick: '200ms' } } },
        },
      },
    };
    expect((await api.call('POST', tacBase(dig), { body: JSON.stringify(body) })).status).to.equal(201);
    const accepted = await api.call('POST', `${eventsPath(dig)}?async=true`, {
      body: '{"hookType":"post-install"}',
    });
    expect(accepted.status, accepted.text).to.equal(202);
    const location = accepted.headers.location;
    expect(location).to.match(/^\/tac\/v1\/lifecycle-events\//);
    const done = await waitFor(
      async () => {
        const polled = expectJson(await api.call('GET', String(location)), 200) as Outcome;
        return polled.state === 'Running' ? undefined : polled;
      },
      { what: 'the post-install event to finish' },
    );
    expect(done.state).to.equal('Succeeded');
    const started = done.intents[0];
    expect(started?.phase).to.equal('Succeeded');
    const handle = temporal.workflow.getHandle(started?.workflowId ?? '', started?.runId);
    expect((await handle.describe()).status.name).to.equal('RUNNING');

    await waitFor(
      async () => {
        const s = expectJson(await api.call('GET', `${tacBase(dig)}/long/status`, { body: '{}' }), 200) as {
          workflowID: string;
        };
        return s.workflowID === started?.workflowId;
      },
      { what: 'the run recorded in status' },
    );
    const cancel = await api.call('POST', `${tacBase(dig)}/long/cancel`, { body: '{}' });
    expect(cancel.status, cancel.text).to.equal(204);
    const final = await waitFor(
      async () => {
        const d = await handle.describe();
        return d.status.name === 'RUNNING' ? undefined : d.status.name;
      },
      { what: 'the workflow to close after cancellation' },
    );
    expect(final).to.equal('CANCELLED');
  });
});
