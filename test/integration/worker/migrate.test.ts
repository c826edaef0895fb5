import { expect } from 'chai';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { freePort } from '../../../testenv/ports.js';
import { uniqueName } from '../../support/env.js';
import type { TacWorker } from '../../../worker/create-worker.js';
import type { migrate } from '../../../worker/workflows/migrate.js';
import type { WorkflowParamsJson } from '../../../worker/workflows/params.js';
import { EmcoStandIn } from './emco-stand-in.js';
import type { TemporalFixture } from './temporal-fixture.js';
import { startWorker, temporalFixture } from './temporal-fixture.js';

const DIG = { project: 'proj1', compositeApp: 'c1', compositeAppVersion: 'v1', deploymentIntentGroup: 'd1' };

function standIn(): EmcoStandIn {
  return new EmcoStandIn({
    ...DIG,
    placements: {
      'gpi-1': {
        'collectd-intent': { app: 'collectd', clusters: [{ clusterProvider: 'prov1', cluster: 'edge1' }] },
        'other-intent': { app: 'other', clusters: [{ clusterProvider: 'prov1', cluster: 'edge1' }] },
      },
    },
  });
}

/** EMCO workflowParams as TAC sends them (the `emco` map) plus the migration request. */
function migrateParams(emcoURL: string, extra: Record<string, string> = {}) {
  return {
    activityOptions: {
      'all-activities': {
        StartToCloseTimeout: 10_000_000_000,
        RetryPolicy: { InitialInterval: 100_000_000, BackoffCoefficient: 1, MaximumAttempts: 3 },
      },
    },
    activityParams: {
      emco: { emcoURL, ...DIG, appcontextId: '1234567890999' },
      migrate: {
        app: 'collectd',
        targetClusterProvider: 'prov1',
        targetCluster: 'edge2',
        pollInterval: '100ms',
        ...extra,
      },
    },
  };
}

describe('migrate workflow against an EMCO stand-in (real Temporal)', function () {
  this.timeout(120_000);
  let fx: TemporalFixture;
  let worker: TacWorker;
  let running: Promise<void>;
  let taskQueue: string;
  let emco: EmcoStandIn;
  /** The stand-in's port: fixed, so the worker's EMCO URL allow-list can name it. */
  let emcoPort: number;

  before(async () => {
    fx = await temporalFixture();
    emcoPort = await freePort();
    ({ worker, running, taskQueue } = await startWorker(fx, {
      activityDeps: { emcoAllowedUrls: [`http://127.0.0.1:${emcoPort}`] },
    }));
  });
  beforeEach(async () => {
    emco = standIn();
    await emco.start(emcoPort);
  });
  afterEach(async () => {
    await emco.stop();
  });
  after(async () => {
    worker?.shutdown();
    await running;
    await fx?.close();
  });

  const start = (params: WorkflowParamsJson) =>
    fx.client.workflow.start<typeof migrate>('migrate', {
      taskQueue,
      workflowId: uniqueName('migrate'),
      args: [params],
    });

  it('moves the app to the target cluster, updates the DIG and waits until ready', async () => {
    emco.notReadyPolls = 2;
    const handle = await start(migrateParams(emco.url));
    const result = await handle.result();
    expect(result).to.deep.include({
      apps: ['collectd'],
      from: ['prov1+edge1'],
      to: 'prov1+edge2',
      changed: true,
    });
    expect(emco.deployed.get('collectd')).to.deep.equal([{ clusterProvider: 'prov1', cluster: 'edge2' }]);
    expect(emco.deployed.get('other')).to.deep.equal([{ clusterProvider: 'prov1', cluster: 'edge1' }]);

    const put = emco.requests.find((r) => r.method === 'PUT');
    expect(put?.path).to.equal(`${emco.digPath}/generic-placement-intents/gpi-1/app-intents/collectd-intent`);
    expect(JSON.parse(put?.body ?? '{}')).to.deep.equal({
      metadata: { name: 'collectd-intent', description: 'placement', userData1: '', userData2: '' },
      spec: { app: 'collectd', intent: { allOf: [{ clusterProvider: 'prov1', cluster: 'edge2' }] } },
    });
    expect(emco.count('POST', '/update')).to.equal(1);
    expect(emco.count('GET', '/status')).to.equal(3);
    expect(await handle.query('progress')).to.deep.equal({
      step: 'completed',
      apps: ['collectd'],
      lastStatus: 'ready',
    });
  });

  it('retries a failing step, then fails clearly and restores the original placement', async () => {
    emco.faults.push({
      method: 'POST',
      pathSuffix: '/update',
      status: 503,
      body: 'rsync unavailable',
      times: 3,
    });
    const handle = await start(migrateParams(emco.url));
    const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
    expect(err).to.be.instanceOf(WorkflowFailedError);
    const failure = err.cause as ApplicationFailure;
    expect(failure).to.be.instanceOf(ApplicationFailure);
    expect(failure.type).to.equal('MigrateFailed');
    expect(failure.message).to.equal(
      `migrate of collectd to prov1+edge2 failed at updateDig: emcoUpdateDig: POST ${emco.url}${emco.digPath}/update ` +
        'answered 503: rsync unavailable (attempt 3); original placement restored',
    );
    // three attempts of the failing step (all-activities MaximumAttempts), then the rollback's update
    expect(emco.count('POST', '/update')).to.equal(4);
    expect(emco.dig.placements['gpi-1']?.['collectd-intent']?.clusters).to.deep.equal([
      { clusterProvider: 'prov1', cluster: 'edge1' },
    ]);
    expect(emco.deployed.get('collectd')).to.deep.equal([{ clusterProvider: 'prov1', cluster: 'edge1' }]);
  });

  it('recovers when a step fails once and succeeds on retry', async () => {
    emco.faults.push({ method: 'PUT', pathSuffix: '/collectd-intent', status: 500, times: 1 });
    const handle = await start(migrateParams(emco.url));
    expect(await handle.result()).to.deep.include({ to: 'prov1+edge2', changed: true });
    expect(emco.count('PUT', '/collectd-intent')).to.equal(2);
  });

  it('fails at once, without retries, when the app is not in the DIG', async () => {
    const handle = await start(migrateParams(emco.url, { app: 'missing-app' }));
    const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
    expect(err.cause?.message).to.equal(
      'migrate to prov1+edge2 failed at getAppPlacement: emcoGetAppPlacement: DIG d1 has no app intent for app missing-app',
    );
    expect(emco.count('GET', '/generic-placement-intents')).to.equal(1);
  });

  it('fails without retries on a 404 DIG and names the URL', async () => {
    const params = migrateParams(emco.url);
    params.activityParams.emco.deploymentIntentGroup = 'nope';
    const handle = await start(params);
    const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
    expect(err.cause?.message).to.match(
      /^migrate to prov1\+edge2 failed at getAppPlacement: emcoGetAppPlacement: GET http:\/\/127\.0\.0\.1:\d+\/v2\/projects\/proj1\/composite-apps\/c1\/v1\/deployment-intent-groups\/nope answered 404: 404 page not found \(attempt 1\)$/,
    );
  });

  it("refuses, without retries and without any request, an EMCO URL outside the worker's allow-list", async () => {
    const elsewhere = standIn();
    await elsewhere.start();
    try {
      const handle = await start(migrateParams(elsewhere.url));
      const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
      expect(err).to.be.instanceOf(WorkflowFailedError);
      expect(err.cause?.message).to.equal(
        `migrate to prov1+edge2 failed at getAppPlacement: emcoGetAppPlacement: EMCO URL "${elsewhere.url}" is not in ` +
          `the worker's allow-list (TAC_WORKER_EMCO_ALLOWED_URLS; it allows http://127.0.0.1:${emcoPort})`,
      );
      const failed = (await handle.fetchHistory()).events?.filter((e) => e.activityTaskFailedEventAttributes);
      expect(failed).to.have.length(1);
      expect(failed?.[0]?.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo).to.deep.include(
        {
          type: 'EmcoUrlNotAllowed',
          nonRetryable: true,
        },
      );
      expect(elsewhere.requests).to.deep.equal([]);
      expect(emco.requests).to.deep.equal([]);
    } finally {
      await elsewhere.stop();
    }
  });

  it('lists missing parameters', async () => {
    const handle = await start({ activityParams: { migrate: { app: 'x' } } });
    const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
    expect(err.cause?.message).to.equal(
      'migrate: missing parameters in workflowParams.activityParams: emco.project, emco.compositeApp, ' +
        'emco.compositeAppVersion, emco.deploymentIntentGroup, migrate.targetClusterProvider, migrate.targetCluster',
    );
  });
});
