import { expect } from 'chai';
import { uniqueName, waitFor } from '../../support/env.js';
import type { TemporalFixture } from '../worker/temporal-fixture.js';
import { temporalFixture } from '../worker/temporal-fixture.js';
import type { RunningClient } from './client-fixture.js';
import { runClient } from './client-fixture.js';
import { TcpProxy } from './tcp-proxy.js';

describe('workflow client while Temporal is unreachable', function () {
  this.timeout(120_000);
  let fx: TemporalFixture;
  let proxy: TcpProxy;
  let svc: RunningClient;
  const started: string[] = [];

  before(async () => {
    fx = await temporalFixture();
    const [host, port] = fx.address.split(':');
    proxy = new TcpProxy({ host: host ?? '127.0.0.1', port: Number(port) });
    await proxy.up();
    await proxy.down(); // keep the port, start with Temporal "away"
    svc = await runClient({
      temporalAddress: proxy.address,
      namespace: fx.namespace,
      startTimeoutMs: 1_500,
      readyTimeoutMs: 1_000,
    });
  });
  after(async () => {
    await svc?.stop();
    await proxy?.down();
    for (const id of started)
      await fx.client.workflow
        .getHandle(id)
        .terminate('test done')
        .catch(() => undefined);
    await fx?.close();
  });

  const invoke = (id: string) =>
    svc.invoke('default', { workflowStartOptions: { ID: id, TaskQueue: uniqueName('q') } });
  const ready = async () => (await fetch(`${svc.server.url}/readyz`)).status;

  async function expectUnavailable(): Promise<void> {
    const res = await invoke(uniqueName('down'));
    expect(res.status).to.equal(503);
    expect(await res.text()).to.match(/^Temporal is unavailable: /);
    const readyz = await fetch(`${svc.server.url}/readyz`);
    expect(readyz.status).to.equal(503);
    expect(await readyz.text()).to.match(/^not ready: Temporal is unavailable: /);
    expect((await fetch(`${svc.server.url}/healthz`)).status).to.equal(200);
  }

  async function expectRecovered(): Promise<void> {
    const id = await waitFor(
      async () => {
        const candidate = uniqueName('back');
        const res = await invoke(candidate);
        return res.status === 204 ? candidate : undefined;
      },
      { what: 'the client to start workflows again', timeoutMs: 60_000, intervalMs: 500 },
    );
    started.push(id);
    expect((await fx.client.workflow.getHandle(id).describe()).status.name).to.equal('RUNNING');
    await waitFor(async () => (await ready()) === 200, { what: '/readyz to turn 200', timeoutMs: 30_000 });
  }

  it('answers 503 from the start, and recovers by itself when Temporal appears', async () => {
    await expectUnavailable();
    await proxy.up();
    await expectRecovered();
  });

  it('answers 503 when Temporal goes away, and recovers by itself when it comes back', async () => {
    await proxy.down();
    await expectUnavailable();
    await proxy.up();
    await expectRecovered();
  });
});
