import { expect } from 'chai';
import type { WorkerStates } from '../../../worker/health.js';
import { createWorkerMonitorMetrics } from '../../../worker/monitor-metrics.js';
import type { MonitorServer } from '../../../worker/monitor-server.js';
import { createMonitorServer } from '../../../worker/monitor-server.js';
import type { SdkMetricsReader } from '../../../worker/sdk-metrics.js';
import { SdkMetricsError } from '../../../worker/sdk-metrics.js';

const SDK_TEXT = [
  '# HELP temporal_worker_start temporal_worker_start',
  '# TYPE temporal_worker_start counter',
  'temporal_worker_start{namespace="default",task_queue="q"} 1',
  '',
].join('\n');

/** Stands in for the SDK core's exporter: answers a scripted text or fails. */
class FakeSdkMetrics implements SdkMetricsReader {
  failure: string | undefined;
  reads = 0;
  read(): Promise<string> {
    this.reads++;
    return this.failure === undefined
      ? Promise.resolve(SDK_TEXT)
      : Promise.reject(new SdkMetricsError(this.failure));
  }
}

describe('worker monitoring listener (fake worker states)', () => {
  let server: MonitorServer;
  let states: WorkerStates;
  let sdk: FakeSdkMetrics;

  beforeEach(async () => {
    states = undefined;
    sdk = new FakeSdkMetrics();
    server = createMonitorServer({
      host: '127.0.0.1',
      port: 0,
      states: () => states,
      sdkMetrics: () => sdk,
      metrics: createWorkerMonitorMetrics({ states: () => states, processMetrics: false }),
    });
    await server.start();
  });
  afterEach(async () => {
    await server.stop();
  });

  const get = async (path: string, method = 'GET') => {
    const res = await fetch(`${server.url}${path}`, { method });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };

  it('answers /readyz 503 while the worker is built, 200 once every queue polls, 503 while draining', async () => {
    expect(await get('/readyz')).to.deep.include({
      status: 503,
      text: 'starting: the worker is not built yet\n',
    });
    states = { a: 'RUNNING', b: 'INITIALIZED' };
    expect(await get('/readyz')).to.deep.include({ status: 503, text: 'not polling: b=INITIALIZED\n' });
    states = { a: 'RUNNING', b: 'RUNNING' };
    expect(await get('/readyz')).to.deep.include({ status: 200, text: 'ok\n' });
    states = { a: 'DRAINING', b: 'STOPPING' };
    expect(await get('/readyz')).to.deep.include({
      status: 503,
      text: 'not polling: a=DRAINING, b=STOPPING\n',
    });
  });

  it('answers /healthz 200 while starting, running or draining, 503 once a Worker failed', async () => {
    expect((await get('/healthz')).status).to.equal(200);
    states = { a: 'DRAINING' };
    expect((await get('/healthz')).status).to.equal(200);
    states = { a: 'FAILED' };
    expect(await get('/healthz')).to.deep.include({ status: 503, text: 'failed: a=FAILED\n' });
  });

  it("serves the SDK core's metrics followed by the worker's own gauges", async () => {
    states = { q: 'RUNNING' };
    const res = await get('/metrics');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    expect(res.text.startsWith(SDK_TEXT)).to.equal(true);
    expect(res.text).to.contain('tac_worker_state{task_queue="q",state="RUNNING"} 1');
    expect(res.text).to.contain('tac_worker_state{task_queue="q",state="FAILED"} 0');
    expect(res.text).to.contain('tac_worker_ready 1');
    expect(res.text).to.contain('tac_worker_sdk_metrics_up 1');
    expect(sdk.reads).to.equal(1);
  });

  it('drops the state series of a worker that is not built and reports not ready', async () => {
    const res = await get('/metrics');
    expect(res.text).to.not.contain('tac_worker_state{');
    expect(res.text).to.contain('tac_worker_ready 0');
  });

  it('still serves its own metrics when the SDK metrics cannot be read, and says so', async () => {
    sdk.failure = 'cannot read the Temporal SDK metrics at http://127.0.0.1:1/metrics: refused';
    const res = await get('/metrics');
    expect(res.status).to.equal(200);
    expect(res.text).to.not.contain('temporal_worker_start');
    expect(res.text).to.contain('tac_worker_sdk_metrics_up 0');
    sdk.failure = undefined;
    expect((await get('/metrics')).text).to.contain('tac_worker_sdk_metrics_up 1');
  });

  it('reports the SDK metrics down while the runtime is not installed yet', async () => {
    const early = createMonitorServer({
      host: '127.0.0.1',
      port: 0,
      states: () => undefined,
      sdkMetrics: () => undefined,
      metrics: createWorkerMonitorMetrics({ states: () => undefined, processMetrics: false }),
    });
    await early.start();
    try {
      const res = await fetch(`${early.url}/metrics`);
      expect(res.status).to.equal(200);
      expect(await res.text()).to.contain('tac_worker_sdk_metrics_up 0');
    } finally {
      await early.stop();
    }
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    expect(await get('/invoke/x')).to.deep.include({ status: 404, text: '404 page not found\n' });
    expect(await get('/healthz/')).to.deep.include({ status: 404 });
    const post = await get('/readyz', 'POST');
    expect(post.status).to.equal(405);
    expect(post.headers.get('allow')).to.equal('GET, HEAD');
    expect((await get('/healthz', 'HEAD')).status).to.equal(200);
    expect((await get('/healthz?verbose=1')).status).to.equal(200);
  });

  it('closes the port on stop(), idempotently', async () => {
    const url = server.url;
    await Promise.all([server.stop(), server.stop()]);
    let error: unknown;
    try {
      await fetch(`${url}/healthz`);
    } catch (err) {
      error = err;
    }
    expect(error, 'a request after stop').to.be.instanceOf(Error);
  });

  it('fails to start on a port already taken, naming the address', async () => {
    const port = new URL(server.url).port;
    const second = createMonitorServer({ host: '127.0.0.1', port: Number(port), states: () => undefined });
    let error: unknown;
    try {
      await second.start();
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(
      new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`),
    );
    await second.stop();
  });
});
