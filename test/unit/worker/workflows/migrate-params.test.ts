import { expect } from 'chai';
import { ApplicationFailure } from '@temporalio/common';
import { migrateInputFromParams } from '../../../../worker/workflows/migrate-params.js';

const EMCO = {
  emcoURL: 'http://1.1.1.1:2',
  project: 'proj1',
  compositeApp: 'c1',
  compositeAppVersion: 'v1',
  deploymentIntentGroup: 'd1',
  appcontextId: '1234567890999',
};

describe('migrateInputFromParams', () => {
  it('reads the DIG from the emco map TAC fills in, and the request from the migrate map', () => {
    const input = migrateInputFromParams({
      activityParams: {
        emco: EMCO,
        migrate: {
          app: 'collectd',
          targetClusterProvider: 'p',
          targetCluster: 'c2',
          readyTimeout: '2m',
          rollbackOnFailure: 'false',
        },
      },
    });
    expect(input).to.deep.equal({
      dig: {
        emcoURL: 'http://1.1.1.1:2',
        project: 'proj1',
        compositeApp: 'c1',
        compositeAppVersion: 'v1',
        deploymentIntentGroup: 'd1',
      },
      app: 'collectd',
      target: { clusterProvider: 'p', cluster: 'c2' },
      readyTimeoutMs: 120_000,
      pollIntervalMs: 5_000,
      rollbackOnFailure: false,
      appcontextId: '1234567890999',
    });
  });

  it("accepts EMCO's reference all-activities map and a provider+cluster target", () => {
    const input = migrateInputFromParams({
      activityParams: {
        'all-activities': { ...EMCO, targetClusterProvider: 'p', targetClusterName: 'c3' },
      },
    });
    expect(input.target).to.deep.equal({ clusterProvider: 'p', cluster: 'c3' });
    expect(input.app).to.equal(undefined);
    const combined = migrateInputFromParams({
      activityParams: { emco: EMCO, migrate: { targetCluster: 'prov+edge' } },
    });
    expect(combined.target).to.deep.equal({ clusterProvider: 'prov', cluster: 'edge' });
  });

  it('lets the migrate map override the emco map', () => {
    const input = migrateInputFromParams({
      activityParams: { emco: EMCO, migrate: { deploymentIntentGroup: 'd2', targetCluster: 'p+c' } },
    });
    expect(input.dig.deploymentIntentGroup).to.equal('d2');
  });

  it('lists every missing parameter in one non-retryable failure', () => {
    expect(() => migrateInputFromParams({ activityParams: { emco: { project: 'x' } } }))
      .to.throw(ApplicationFailure)
      .with.property(
        'message',
        'migrate: missing parameters in workflowParams.activityParams: emco.compositeApp, emco.compositeAppVersion, ' +
          'emco.deploymentIntentGroup, migrate.targetClusterProvider, migrate.targetCluster',
      );
  });

  it('rejects a bad rollbackOnFailure', () => {
    expect(() =>
      migrateInputFromParams({
        activityParams: { emco: EMCO, migrate: { targetCluster: 'p+c', rollbackOnFailure: 'maybe' } },
      }),
    ).to.throw(ApplicationFailure, 'rollbackOnFailure must be "true" or "false"');
  });
});
