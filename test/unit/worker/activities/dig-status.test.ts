import { expect } from 'chai';
import { evaluateDigStatus } from '../../../../worker/activities/dig-status.js';

const target = { clusterProvider: 'p', cluster: 'c2' };

function status(
  readyStatus: string,
  clusters: Array<{ cluster: string; readyStatus?: string }>,
  deployedStatus = 'Instantiated',
) {
  return {
    deployedStatus,
    readyStatus,
    apps: [{ name: 'app1', clusters: clusters.map((c) => ({ clusterProvider: 'p', ...c })) }],
  };
}

describe('evaluateDigStatus', () => {
  it('is ready when the app runs on the target only and is ready', () => {
    expect(
      evaluateDigStatus(status('Ready', [{ cluster: 'c2', readyStatus: 'Ready' }]), ['app1'], target),
    ).to.deep.equal({
      ready: true,
      failed: false,
      deployedStatus: 'Instantiated',
      readyStatus: 'Ready',
      detail: 'ready',
    });
  });

  it('waits while EMCO is not ready, the app is still on the source, or not on the target yet', () => {
    expect(evaluateDigStatus(status('NotReady', [{ cluster: 'c2' }]), ['app1'], target).detail).to.equal(
      'readyStatus is NotReady',
    );
    expect(
      evaluateDigStatus(status('Ready', [{ cluster: 'c1' }, { cluster: 'c2' }]), ['app1'], target).detail,
    ).to.equal('app app1 is still on p+c1');
    expect(evaluateDigStatus(status('Ready', [{ cluster: 'c1' }]), ['app1'], target).detail).to.equal(
      'app app1 is not on p+c2 yet',
    );
    expect(
      evaluateDigStatus(status('Ready', [{ cluster: 'c2', readyStatus: 'NotReady' }]), ['app1'], target)
        .detail,
    ).to.equal('app app1 on p+c2 is NotReady');
    expect(evaluateDigStatus(status('Ready', []), ['app2'], target).detail).to.equal(
      'app app2 is not in the status yet',
    );
    expect(evaluateDigStatus({}, ['app1'], target)).to.include({
      ready: false,
      failed: false,
      detail: 'readyStatus is missing',
    });
  });

  it('reports a failed lifecycle state as failed', () => {
    expect(evaluateDigStatus(status('NotReady', [], 'UpdateFailed'), ['app1'], target)).to.include({
      ready: false,
      failed: true,
      detail: 'deployedStatus is UpdateFailed',
    });
  });

  it('trusts the overall readyStatus when the answer lists no apps', () => {
    expect(evaluateDigStatus({ readyStatus: 'Ready' }, ['app1'], target).ready).to.equal(true);
  });
});
