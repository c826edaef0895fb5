// The gRPC adapter on the wire, against a client built from the .proto: requests become the calls
// EMCO means, answers carry EMCO's flags and texts, failures are status UNKNOWN with the text.
import { expect } from 'chai';
import { status } from '@grpc/grpc-js';
import { silentLogger } from '../../../../common/log.js';
import type { ActionResult, ContextCall } from '../../../../operator/emco/context-actions.js';
import { ContextUpdateServer } from '../../../../operator/grpc/contextupdate-server.js';
import { contextUpdateClient, type ContextUpdateClient } from '../../../../scripts/contextupdate-client.js';

describe('operator/grpc/contextupdate-server on the wire', () => {
  const calls: ContextCall[] = [];
  let answer: (call: ContextCall) => ActionResult = () => ({ ok: true, message: 'fine' });
  let server: ContextUpdateServer;
  let client: ContextUpdateClient;

  before(async () => {
    server = new ContextUpdateServer({
      actions: {
        handle: (call) => {
          calls.push(call);
          return Promise.resolve(answer(call));
        },
      },
      logger: silentLogger(),
    });
    const port = await server.listen(0, '127.0.0.1');
    client = contextUpdateClient(`127.0.0.1:${port}`, 10_000);
    await client.ready(10_000);
  });

  after(async () => {
    client.close();
    await server.close();
  });

  beforeEach(() => {
    calls.length = 0;
    answer = () => ({ ok: true, message: 'fine' });
  });

  it('passes every request field on, INSTANTIATE (0, absent on the wire) included', async () => {
    await client.updateAppContext('11', '<nil>', 'tac-intent');
    await client.terminateAppContext('12');
    for (const type of ['INSTANTIATE', 'TERMINATE', 'UPDATE'] as const) await client.postEvent('13', type);
    expect(calls).to.deep.equal([
      {
        method: 'UpdateAppContext',
        appContext: '11',
        intentName: 'tac-intent',
        updateFromAppContext: '<nil>',
      },
      { method: 'TerminateAppContext', appContext: '12' },
      { method: 'PostEvent', appContext: '13', eventType: 0 },
      { method: 'PostEvent', appContext: '13', eventType: 1 },
      { method: 'PostEvent', appContext: '13', eventType: 2 },
    ]);
  });

  it('answers success with the flag set and the text', async () => {
    answer = (c) => ({ ok: true, message: `${c.method} ok` });
    expect((await client.updateAppContext('1')).response).to.deep.equal({
      app_context_updated: true,
      app_context_update_message: 'UpdateAppContext ok',
    });
    expect((await client.terminateAppContext('1')).response).to.deep.equal({
      app_context_terminated: true,
      app_context_terminated_message: 'TerminateAppContext ok',
    });
    expect((await client.postEvent('1', 'UPDATE')).response).to.deep.equal({
      success: true,
      post_event_message: 'PostEvent ok',
    });
  });

  it('answers a failure as a gRPC error, status UNKNOWN, the text as its message', async () => {
    answer = () => ({ ok: false, message: 'Failed to run workflow in pre-install hook: h: boom' });
    for (const r of [
      await client.updateAppContext('1'),
      await client.terminateAppContext('1'),
      await client.postEvent('1', 'TERMINATE'),
    ]) {
      expect(r.response).to.equal(undefined);
      expect(r.error?.code).to.equal(status.UNKNOWN);
      expect(r.error?.details).to.equal('Failed to run workflow in pre-install hook: h: boom');
    }
  });

  it('a handler that throws is still answered with UNKNOWN and its message', async () => {
    answer = () => {
      throw new Error('unexpected');
    };
    const r = await client.terminateAppContext('1');
    expect(r.error?.code).to.equal(status.UNKNOWN);
    expect(r.error?.details).to.equal('unexpected');
  });
});
