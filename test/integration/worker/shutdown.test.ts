import { expect } from 'chai';
import { uniqueName, waitFor } from '../../support/env.js';
import { spawnJsonProgram, type JsonProgram } from '../../support/json-program.js';
import { EmcoStandIn } from './emco-stand-in.js';
import type { TemporalFixture } from './temporal-fixture.js';
import { temporalFixture } from './temporal-fixture.js';

type WorkerProcess = JsonProgram;

/** The monitoring port on loopback, any free port: other runs may share the machine. */
function spawnWorker(env: Record<string, string>): WorkerProcess {
  return spawnJsonProgram('worker/main.ts', {
    TAC_WORKER_MONITOR_HOST: '127.0.0.1',
    TAC_WORKER_MONITOR_PORT: '0',
    ...env,
  });
}

describe('worker program: graceful stop on SIGTERM (real Temporal)', function () {
  this.timeout(120_000);
  let fx: TemporalFixture;
  let emco: EmcoStandIn;
  let proc: WorkerProcess | undefined;

  before(async () => {
    fx = await temporalFixture();
  });
  beforeEach(async () => {
    emco = new EmcoStandIn({
      project: 'p',
      compositeApp: 'ca',
      compositeAppVersion: 'v1',
      deploymentIntentGroup: 'dig',
      placements: { gpi: { ai: { app: 'app1', clusters: [{ clusterProvider: 'prov', cluster: 'c1' }] } } },
    });
    await emco.start();
  });
  afterEach(async () => {
    if (proc !== undefined && proc.child.exitCode === null) proc.child.kill('SIGKILL');
    proc = undefined;
    await emco.stop();
  });
  after(async () => {
    await fx?.close();
  });

  async function startMigrateWithSlowDig(taskQueue: string, delayMs: number) {
    emco.delays.set(emco.digPath, delayMs);
    const handle = await fx.client.workflow.start('migrate', {
      taskQueue,
      workflowId: uniqueName('shutdown'),
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
    return handle;
  }

  async function runningWorker(extra: Record<string, string> = {}) {
    const taskQueue = uniqueName('tq');
    proc = spawnWorker({
      TEMPORAL_ADDRESS: fx.address,
      TAC_WORKER_TASK_QUEUES: taskQueue,
      TAC_WORKER_EMCO_ALLOWED_URLS: emco.url,
      LOG_LEVEL: 'info',
      ...extra,
    });
    const p = proc;
    await waitFor(() => p.lines.some((l) => l['message'] === 'Worker polling'), {
      what: 'the worker to poll',
      timeoutMs: 60_000,
    });
    return { p, taskQueue };
  }

  it('lets the in-flight activity finish, then exits 0', async () => {
    const { p, taskQueue } = await runningWorker();
    const handle = await startMigrateWithSlowDig(taskQueue, 1_500);
    p.child.kill('SIGTERM');
    expect(await p.exited).to.equal(0);

    const messages = p.lines.map((l) => l['message']);
    expect(messages).to.include('Shutting down');
    expect(messages).to.include('Worker stopped');
    expect(p.lines.filter((l) => l['level'] === 'error')).to.deep.equal([]);
    const history = await handle.fetchHistory();
    const completed = history.events?.filter((e) => e.activityTaskCompletedEventAttributes != null) ?? [];
    expect(completed, 'the in-flight emcoGetAppPlacement completed').to.have.length(1);
  });

  it('cancels an activity that outlives the shutdown grace time, then exits 0', async () => {
    const { p, taskQueue } = await runningWorker({ TAC_WORKER_SHUTDOWN_GRACE: '300ms' });
    const handle = await startMigrateWithSlowDig(taskQueue, 60_000);
    p.child.kill('SIGTERM');
    expect(await p.exited).to.equal(0);

    expect(p.lines.map((l) => l['message'])).to.include('Worker stopped');
    const history = await handle.fetchHistory();
    expect(history.events?.some((e) => e.activityTaskCompletedEventAttributes != null)).to.equal(false);
    // the workflow is not failed by the shutdown: its activity will run again on another worker
    expect((await handle.describe()).status.name).to.equal('RUNNING');
    await handle.terminate('test done');
  });
});
