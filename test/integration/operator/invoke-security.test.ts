// The operator's invoke path against real servers (kube-apiserver, Temporal, the workflow client):
// the endpoint allow-list fails closed, the token reaches only the endpoints configured for it,
// the reply body is capped, and a non-ASCII workflow id is followed under its real (decoded) id.
import http from 'node:http';
import { expect } from 'chai';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import type { TemporalActionIntent } from '../../../common/model/types.js';
import { freePort } from '../../../testenv/ports.js';
import { intent, type IntentFixture } from '../../support/builders.js';
import { kubeConfig, testEnv, uniqueName, waitFor } from '../../support/env.js';
import { startOperator, type StartedOperator } from '../../support/operator.js';
import { startWorkflowStack, type WorkflowStack } from '../../support/stack.js';

const API = { group: 'tac.emco.io', version: 'v1alpha1', plural: 'temporalactionintents' };

interface Seen {
  url: string;
  authorization: string | undefined;
}

describe('operator: invoke path security (real workflow client and Temporal)', function () {
  this.timeout(180_000);
  let stack: WorkflowStack;
  let connection: Connection;
  let temporal: Client;
  /** A second workflow client the operator may call but must not give the token to. */
  let other: http.Server;
  let otherPort: number;
  const seen: Seen[] = [];
  const operators: StartedOperator[] = [];
  const objects = () => kubeConfig().makeApiClient(CustomObjectsApi);

  before(async () => {
    stack = await startWorkflowStack();
    connection = await Connection.connect({ address: testEnv().temporalAddress });
    temporal = new Client({ connection, namespace: testEnv().temporalNamespace });
    other = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
        if (req.url === '/invoke/huge') res.writeHead(500).end('x'.repeat(1024 * 1024));
        else res.writeHead(400, { 'content-type': 'text/plain' }).end('not here\n');
      });
    });
    otherPort = await freePort();
    await new Promise<void>((resolve) => other.listen(otherPort, '127.0.0.1', resolve));
  });

  after(async () => {
    for (const op of operators) await op.stop();
    other?.closeAllConnections();
    await new Promise((resolve) => other?.close(resolve));
    await stack?.stop();
    await connection?.close();
  });

  /** An operator of its own (lease, namespace) with these invoke settings. */
  async function operatorFor(ns: string, env: Record<string, string>): Promise<StartedOperator> {
    const op = await startOperator({
      env: {
        TAC_WATCH_NAMESPACES: ns,
        TAC_DEFAULT_NAMESPACE: ns,
        TAC_LEASE_NAME: uniqueName('invoke-sec'),
        ...env,
      },
    });
    operators.push(op);
    return op;
  }

  async function namespace(): Promise<string> {
    const ns = uniqueName('invsec');
    await kubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: ns } } });
    return ns;
  }

  const dig = () => ({
    project: 'p',
    compositeApp: 'app',
    compositeAppVersion: 'v1',
    deploymentIntentGroup: uniqueName('dig'),
  });

  /** Creates the intent, fires its pre-install event and returns the event's outcome for it. */
  async function run(op: StartedOperator, ns: string, f: IntentFixture) {
    const d = dig();
    const body = intent({ ...f, dig: d, namespace: ns });
    body.metadata = { name: f.name ?? 'x', namespace: ns };
    await objects().createNamespacedCustomObject({ ...API, namespace: ns, body });
    await waitFor(() => op.operator.store.get(ns, f.name ?? 'x'), { what: 'the intent in the cache' });
    const outcome = await op.operator.lifecycle.fire({ dig: d, hookType: 'pre-install', namespace: ns });
    expect(outcome.intents).to.have.length(1);
    const status = (
      (await objects().getNamespacedCustomObject({
        ...API,
        namespace: ns,
        name: f.name ?? 'x',
      })) as TemporalActionIntent
    ).status;
    return { outcome, result: outcome.intents[0]!, lastRun: status?.lastRun };
  }

  describe('with the own client on 127.0.0.1:<stack port> and one other allowed endpoint', () => {
    let op: StartedOperator;
    let ns: string;

    before(async () => {
      ns = await namespace();
      op = await operatorFor(ns, {
        TAC_OWN_CLIENT_ENDPOINTS: `127.0.0.1:${stack.clientPort}`,
        TAC_ALLOWED_CLIENT_ENDPOINTS: `127.0.0.1:${otherPort}`,
      });
    });

    it('calls the own client with its token: the run succeeds', async () => {
      const { result } = await run(op, ns, {
        name: 'own',
        endpoint: { host: '127.0.0.1', port: stack.clientPort },
        taskQueue: 'noop',
      });
      expect(result.phase).to.equal('Succeeded');
    });

    it('refuses an endpoint outside the allow-list before any call', async () => {
      const denied = await freePort();
      const before = seen.length;
      const { result, lastRun } = await run(op, ns, {
        name: 'elsewhere',
        endpoint: { host: '127.0.0.1', port: denied },
      });
      expect(result.phase).to.equal('Failed');
      expect(lastRun?.failureMessage).to.equal(
        `workflow client 127.0.0.1:${denied} is not in the operator's allow-list`,
      );
      expect(seen.length).to.equal(before);
    });

    it('calls another allowed endpoint without the token', async () => {
      const { result } = await run(op, ns, {
        name: 'other',
        endpoint: { host: '127.0.0.1', port: otherPort },
        clientName: 'plain',
      });
      expect(result.phase).to.equal('Failed');
      expect(result.message).to.match(/answered 400: not here$/);
      const call = seen.find((s) => s.url === '/invoke/plain');
      expect(call).to.deep.equal({ url: '/invoke/plain', authorization: undefined });
    });

    it('caps the reply body and says so', async () => {
      const { result, lastRun } = await run(op, ns, {
        name: 'huge',
        endpoint: { host: '127.0.0.1', port: otherPort },
        clientName: 'huge',
      });
      expect(result.phase).to.equal('Failed');
      expect(lastRun?.failureMessage).to.equal(
        `workflow client http://127.0.0.1:${otherPort}/invoke/huge answered 500 with a reply larger than 65536 bytes (not read further)`,
      );
    });

    it('follows a run whose workflow id is not ASCII under that id (the header carries it encoded)', async () => {
      const id = `tac-grüße-${uniqueName('id')}`;
      const { result, lastRun } = await run(op, ns, {
        name: 'unicode',
        endpoint: { host: '127.0.0.1', port: stack.clientPort },
        taskQueue: 'noop',
        workflowId: id,
      });
      expect(result.phase, lastRun?.failureMessage).to.equal('Succeeded');
      expect(lastRun?.workflowId).to.equal(id);
      const description = await temporal.workflow.getHandle(id).describe();
      expect(description.status.name).to.equal('COMPLETED');
      expect(lastRun?.runId).to.equal(description.runId);
    });
  });

  describe('with no endpoint configured at all', () => {
    it('fails closed: even the local workflow client is refused', async () => {
      const ns = await namespace();
      const op = await operatorFor(ns, { TAC_OWN_CLIENT_ENDPOINTS: '', TAC_INVOKE_TOKEN_FILE: '' });
      const { result, lastRun } = await run(op, ns, {
        name: 'closed',
        endpoint: { host: '127.0.0.1', port: stack.clientPort },
        taskQueue: 'noop',
      });
      expect(result.phase).to.equal('Failed');
      expect(lastRun?.failureMessage).to.equal(
        `workflow client 127.0.0.1:${stack.clientPort} is not in the operator's allow-list`,
      );
    });
  });
});
