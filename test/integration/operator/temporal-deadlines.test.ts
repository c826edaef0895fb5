// Every Temporal call of the operator's gateway ends by its deadline when the server stops
// answering (a proxy the test freezes holds the calls), and at once when its abort signal fires.
import { getEventListeners } from 'node:events';
import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import { TemporalGateway, TemporalGatewayError } from '../../../operator/temporal/temporal-gateway.js';
import { testEnv, uniqueName } from '../../support/env.js';
import { FreezableProxy } from '../../support/freezable-proxy.js';

describe('operator/temporal/temporal-gateway against a Temporal server that stops answering', function () {
  this.timeout(60_000);
  let proxy: FreezableProxy;
  let connection: Connection;
  let gateway: TemporalGateway;
  let workflowId: string;

  before(async () => {
    const [host, port] = testEnv().temporalAddress.split(':');
    proxy = new FreezableProxy({ host: host ?? '127.0.0.1', port: Number(port) });
    connection = await Connection.connect({ address: await proxy.listen() });
    const client = new Client({ connection, namespace: testEnv().temporalNamespace });
    gateway = new TemporalGateway(client, { namespace: testEnv().temporalNamespace, callTimeoutMs: 1000 });
    workflowId = uniqueName('deadline');
    await client.workflow.start('sleep', {
      taskQueue: uniqueName('nobody-polls'),
      workflowId,
      args: [],
    });
    // Answered while the server answers; a long-lived term signal keeps no listener of a call.
    const term = new AbortController();
    for (let i = 0; i < 3; i++) {
      expect((await gateway.describe({ workflowId }, term.signal))?.status).to.equal('RUNNING');
    }
    expect(getEventListeners(term.signal, 'abort')).to.have.length(0);
    proxy.freeze();
  });

  after(async () => {
    proxy.thaw();
    await gateway.terminate({ workflowId }, 'test done');
    await connection.close();
    await proxy.close();
  });

  const calls: Array<[string, () => Promise<unknown>]> = [
    ['describe', () => gateway.describe({ workflowId })],
    ['closeFailure', () => gateway.closeFailure({ workflowId })],
    ['cancel', () => gateway.cancel({ workflowId })],
    ['terminate', () => gateway.terminate({ workflowId }, 'never sent')],
    ['describeRaw', () => gateway.describeRaw({ workflowId })],
    ['history', () => gateway.history({ workflowId })],
    ['query', () => gateway.query({ workflowId }, '__stack_trace', [])],
  ];
  for (const [name, call] of calls) {
    it(`${name} fails by its deadline`, async () => {
      const err = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, `${name} answered while Temporal was held`).to.be.instanceOf(Error);
    });
  }

  it('a describe ends at once when its abort signal fires', async () => {
    const term = new AbortController();
    const pending = gateway.describe({ workflowId }, term.signal).then(
      () => undefined,
      (e: unknown) => e,
    );
    term.abort(new Error('leadership ended'));
    const err = await pending;
    expect(err).to.be.instanceOf(TemporalGatewayError);
  });
});
