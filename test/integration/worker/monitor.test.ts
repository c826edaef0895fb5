import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { request } from 'undici';
import { uniqueName, waitFor } from '../../support/env.js';
import { spawnJsonProgram, type JsonProgram } from '../../support/json-program.js';
import { EmcoStandIn } from './emco-stand-in.js';
import type { TemporalFixture } from './temporal-fixture.js';
import { temporalFixture } from './temporal-fixture.js';

interface Answer {
  status: number;
  text: string;
}

async function get(url: string): Promise<Answer> {
  const res = await request(url, { headersTimeout: 5_000, bodyTimeout: 5_000 });
  return { status: res.statusCode, text: await res.body.text() };
}

/** The last log lines of a program, for failure messages. */
function tail(p: JsonProgram, n = 15): string {
  return p.lines
    .slice(-n)
    .map((l) => JSON.stringify(l))
    .join('\n');
}

describe('worker program: monitoring port (real Temporal)', function () {
  this.timeout(120_000);
  let fx: TemporalFixture;
  let proc: JsonProgram | undefined;

  before(async () => {
    fx = await temporalFixture();
  });
  afterEach(() => {
    if (proc !== undefined && proc.child.exitCode === null) proc.child.kill('SIGKILL');
    proc = undefined;
  });
  after(async () => {
    await fx?.close();
  });

  function spawnWorker(env: Record<string, string>): JsonProgram {
    proc = spawnJsonProgram('worker/main.ts', {
      TEMPORAL_ADDRESS: fx.address,
      TEMPORAL_NAMESPACE: fx.namespace,
      TAC_WORKER_MONITOR_HOST: '127.0.0.1',
      TAC_WORKER_MONITOR_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    });
    return proc;
  }

  async function monitorUrl(p: JsonProgram): Promise<string> {
    const line = await waitFor(
      () => p.lines.find((l) => l['component'] === 'monitor' && l['message'] === 'Listening'),
      { what: 'the worker to serve its monitoring port', timeoutMs: 60_000 },
    ).catch((err: unknown) => {
      throw new Error(`worker did not listen; last log lines:\n${tail(p)}`, { cause: err });
    });
    return String(line['url']);
  }

  async function readyWorker(p: JsonProgram, url: string): Promise<void> {
    await waitFor(async () => (await get(`${url}/readyz`)).status === 200, {
      what: '/readyz to answer 200',
      timeoutMs: 60_000,
    }).catch((err: unknown) => {
      throw new Error(`worker never became ready; last log lines:\n${tail(p)}`, { cause: err });
    });
  }

  it('is ready once polling, exports the SDK metrics after a workflow ran, and closes the port on SIGTERM', async () => {
    const taskQueue = uniqueName('tq');
    const p = spawnWorker({ TAC_WORKER_TASK_QUEUES: taskQueue });
    const url = await monitorUrl(p);
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await get(`${url}/healthz`)).status).to.equal(200);
    await readyWorker(p, url);
    expect(p.lines.map((l) => l['message'])).to.include('Worker polling');

    const result: unknown = await fx.client.workflow.execute('helloWorld', {
      taskQueue,
      workflowId: uniqueName('monitor'),
      args: [{ activityParams: { greet: { name: 'metrics' } } }],
    });
    expect(result).to.equal('Hello, metrics!');

    const queue = `task_queue="${taskQueue}"`;
    const metrics = await waitFor(
      async () => {
        const m = await get(`${url}/metrics`);
        return m.text
          .split('\n')
          .some((l) => l.startsWith('temporal_workflow_completed{') && l.includes(queue))
          ? m
          : undefined;
      },
      { what: 'temporal_workflow_completed for the queue on /metrics', timeoutMs: 30_000 },
    );
    expect(metrics.status).to.equal(200);
    const names = new Set(
      metrics.text
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#'))
        .map((l) => /^[a-zA-Z_:][\w:]*/.exec(l)?.[0]),
    );
    expect([...names]).to.include.members([
      'temporal_workflow_completed',
      'temporal_activity_execution_latency_count',
      'temporal_worker_task_slots_available',
      'temporal_num_pollers',
      'tac_worker_state',
      'tac_worker_ready',
      'tac_worker_sdk_metrics_up',
      'process_resident_memory_bytes',
    ]);
    expect(metrics.text).to.contain(`tac_worker_state{task_queue="${taskQueue}",state="RUNNING"} 1`);
    expect(metrics.text).to.contain('tac_worker_ready 1');
    expect(metrics.text).to.contain('tac_worker_sdk_metrics_up 1');
    expect((await get(`${url}/healthz`)).status).to.equal(200);

    p.child.kill('SIGTERM');
    expect(await p.exited, tail(p)).to.equal(0);
    const messages = p.lines.map((l) => l['message']);
    expect(messages.indexOf('Worker stopped')).to.be.lessThan(messages.indexOf('Stopped listening'));
    expect(p.lines.filter((l) => l['level'] === 'error')).to.deep.equal([]);
    let refused: unknown;
    try {
      await get(`${url}/healthz`);
    } catch (err) {
      refused = err;
    }
    expect(refused, 'a probe after exit').to.be.instanceOf(Error);
    expect((refused as NodeJS.ErrnoException).code).to.equal('ECONNREFUSED');
  });

  it('stops being ready at SIGTERM while an activity drains, still alive, then exits 0', async () => {
    const emco = new EmcoStandIn({
      project: 'p',
      compositeApp: 'ca',
      compositeAppVersion: 'v1',
      deploymentIntentGroup: 'dig',
      placements: { gpi: { ai: { app: 'app1', clusters: [{ clusterProvider: 'prov', cluster: 'c1' }] } } },
    });
    await emco.start();
    try {
      const taskQueue = uniqueName('tq');
      const p = spawnWorker({
        TAC_WORKER_TASK_QUEUES: taskQueue,
        TAC_WORKER_SHUTDOWN_GRACE: '5s',
        TAC_WORKER_EMCO_ALLOWED_URLS: emco.url,
      });
      const url = await monitorUrl(p);
      await readyWorker(p, url);
      emco.delays.set(emco.digPath, 60_000);
      const handle = await fx.client.workflow.start('migrate', {
        taskQueue,
        workflowId: uniqueName('monitor-drain'),
        args: [
          {
            activityParams: {
              emco: {
                emcoURL: emco.url,
                project: 'p',
                compositeApp: 'ca',
                compositeAppVersion: 'v1',
                deploymentIntentGroup: 'dig',
              },
              migrate: { targetClusterProvider: 'prov', targetCluster: 'c2' },
            },
          },
        ],
      });
      await waitFor(() => emco.count('GET', emco.digPath) > 0, {
        what: 'the activity to call EMCO',
        timeoutMs: 30_000,
      });

      p.child.kill('SIGTERM');
      const draining = await waitFor(
        async () => {
          const r = await get(`${url}/readyz`);
          return r.status === 503 ? r : undefined;
        },
        { what: '/readyz to answer 503 after SIGTERM', timeoutMs: 10_000 },
      );
      expect(draining.text).to.match(new RegExp(`^not polling: ${taskQueue}=(STOPPING|DRAINING)\\n$`));
      expect((await get(`${url}/healthz`)).status, 'alive while draining').to.equal(200);
      expect(p.child.exitCode, 'still running while the activity drains').to.equal(null);

      emco.delays.delete(emco.digPath);
      await handle.terminate('test done');
      expect(await p.exited, tail(p)).to.equal(0);
    } finally {
      await emco.stop();
    }
  });

  it('polls without a port when TAC_WORKER_MONITOR=false', async () => {
    const taskQueue = uniqueName('tq');
    const p = spawnWorker({ TAC_WORKER_TASK_QUEUES: taskQueue, TAC_WORKER_MONITOR: 'false' });
    await waitFor(() => p.lines.some((l) => l['message'] === 'Worker polling'), {
      what: 'the worker to poll',
      timeoutMs: 60_000,
    });
    const result: unknown = await fx.client.workflow.execute('helloWorld', {
      taskQueue,
      workflowId: uniqueName('no-monitor'),
      args: [{}],
    });
    expect(result).to.equal('Hello, World!');
    expect(p.lines.some((l) => l['component'] === 'monitor')).to.equal(false);
    p.child.kill('SIGTERM');
    expect(await p.exited, tail(p)).to.equal(0);
  });

  it('refuses an invalid port with exit code 2 and a message naming the variable', async () => {
    const p = spawnWorker({ TAC_WORKER_MONITOR_PORT: '70000' });
    expect(await p.exited).to.equal(2);
    const error = p.lines.find((l) => l['message'] === 'Invalid configuration');
    expect(error?.['error']).to.equal('TAC_WORKER_MONITOR_PORT: expected a port number 0-65535, got "70000"');
  });

  it('exits 1 and closes the port when Temporal cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const p = spawnWorker({ TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
    const url = await monitorUrl(p);
    expect(await p.exited, tail(p)).to.equal(1);
    expect(p.lines.map((l) => l['message'])).to.include.members([
      'Cannot connect to Temporal',
      'Stopped listening',
    ]);
    let refused: unknown;
    try {
      await get(`${url}/healthz`);
    } catch (err) {
      refused = err;
    }
    expect((refused as NodeJS.ErrnoException | undefined)?.code).to.equal('ECONNREFUSED');
  });

  it('exits 1 naming the address when the monitoring port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const { port } = blocker.address() as AddressInfo;
    try {
      const p = spawnWorker({ TAC_WORKER_MONITOR_PORT: String(port) });
      expect(await p.exited, tail(p)).to.equal(1);
      const error = p.lines.find((l) => l['message'] === 'Cannot serve the monitoring port');
      expect(error?.['error']).to.match(
        new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`),
      );
      expect(p.lines.some((l) => l['message'] === 'Connecting to Temporal')).to.equal(false);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
