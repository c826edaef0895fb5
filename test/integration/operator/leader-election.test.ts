import { expect } from 'chai';
import { CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import { classifyKubeError } from '../../../operator/kube/errors.js';
import { LeaderElector, type LeaderElectorOptions } from '../../../operator/kube/leader-election.js';
import { kubeConfig, uniqueName, waitFor } from '../../support/env.js';

const NAMESPACE = 'default';

interface Candidate {
  identity: string;
  elector: LeaderElector;
  started: number;
  stopped: number;
}

describe('operator/kube/leader-election on the API server', () => {
  const running: Candidate[] = [];
  let leases: CoordinationV1Api;

  before(() => {
    leases = kubeConfig().makeApiClient(CoordinationV1Api);
  });

  function candidate(identity: string, leaseName: string, timing: Partial<LeaderElectorOptions>): Candidate {
    const c: Candidate = { identity, elector: undefined as unknown as LeaderElector, started: 0, stopped: 0 };
    c.elector = new LeaderElector(kubeConfig(), {
      leaseName,
      namespace: NAMESPACE,
      identity,
      ...timing,
      onStartedLeading: () => void c.started++,
      onStoppedLeading: () => void c.stopped++,
    });
    running.push(c);
    return c;
  }

  function readLease(name: string): Promise<V1Lease> {
    return leases.readNamespacedLease({ name, namespace: NAMESPACE });
  }

  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.elector.stop()));
  });

  it('lets exactly one of two candidates lead, and the other take over a leader that stopped renewing', async () => {
    const leaseName = uniqueName('lease');
    const timing = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 };
    const a = candidate(uniqueName('a'), leaseName, timing);
    const b = candidate(uniqueName('b'), leaseName, timing);
    a.elector.start();
    b.elector.start();

    let bothLed = false;
    let steadyPolls = 0;
    await waitFor(
      () => {
        const leaders = [a, b].filter((c) => c.elector.isLeader()).length;
        if (leaders > 1) bothLed = true;
        steadyPolls = leaders === 1 ? steadyPolls + 1 : 0;
        return steadyPolls >= 10;
      },
      { what: 'one steady leader', timeoutMs: 15_000 },
    );
    expect(bothLed).to.equal(false);
    const [leader, standby] = a.elector.isLeader() ? [a, b] : [b, a];
    expect(leader.started).to.equal(1);
    expect(standby.started).to.equal(0);
    expect((await readLease(leaseName)).spec?.holderIdentity).to.equal(leader.identity);

    // A leader that dies without releasing: renewals stop, the lease is left as it was.
    await leader.elector.stop({ release: false });
    expect(leader.stopped).to.equal(1);
    expect((await readLease(leaseName)).spec?.holderIdentity).to.equal(leader.identity);
    await waitFor(() => standby.elector.isLeader(), {
      what: 'the standby to take over',
      timeoutMs: timing.leaseDurationMs + 5000,
    });
    const lease = await readLease(leaseName);
    expect(lease.spec?.holderIdentity).to.equal(standby.identity);
    expect(lease.spec?.leaseTransitions).to.equal(1);
    expect(lease.spec?.leaseDurationSeconds).to.equal(3);
  });

  it('releases the lease on a graceful stop so that the standby takes over long before it would expire', async () => {
    const leaseName = uniqueName('lease');
    const timing = { leaseDurationMs: 30_000, renewDeadlineMs: 20_000, retryPeriodMs: 500 };
    const a = candidate(uniqueName('a'), leaseName, timing);
    a.elector.start();
    await waitFor(() => a.elector.isLeader(), { what: 'the first candidate to lead', timeoutMs: 10_000 });
    const b = candidate(uniqueName('b'), leaseName, timing);
    b.elector.start();
    await waitFor(() => b.elector.currentLeader() === a.identity, { what: 'the standby to see the leader' });
    expect(b.elector.isLeader()).to.equal(false);

    await a.elector.stop();
    expect(a.stopped).to.equal(1);
    expect(a.elector.isLeader()).to.equal(false);
    await waitFor(() => b.elector.isLeader(), {
      what: 'the standby to take over the released lease',
      timeoutMs: 5000,
    });
    expect((await readLease(leaseName)).spec?.holderIdentity).to.equal(b.identity);
  });

  it("classifies the API server's own Lease errors", async () => {
    const name = uniqueName('lease');
    const missing = await leases.readNamespacedLease({ name, namespace: NAMESPACE }).then(
      () => undefined,
      (err: unknown) => classifyKubeError(err),
    );
    expect(missing).to.include({ kind: 'NotFound', status: 404, reason: 'NotFound' });
    expect(missing?.message).to.equal(`leases.coordination.k8s.io "${name}" not found`);

    const created = await leases.createNamespacedLease({
      namespace: NAMESPACE,
      body: { metadata: { name }, spec: { holderIdentity: 'x' } },
    });
    const duplicate = await leases
      .createNamespacedLease({ namespace: NAMESPACE, body: { metadata: { name }, spec: {} } })
      .then(
        () => undefined,
        (err: unknown) => classifyKubeError(err),
      );
    expect(duplicate).to.include({ kind: 'AlreadyExists', status: 409 });

    await leases.replaceNamespacedLease({
      name,
      namespace: NAMESPACE,
      body: { ...created, spec: { holderIdentity: 'y' } },
    });
    const stale = await leases
      .replaceNamespacedLease({
        name,
        namespace: NAMESPACE,
        body: { ...created, spec: { holderIdentity: 'z' } },
      })
      .then(
        () => undefined,
        (err: unknown) => classifyKubeError(err),
      );
    expect(stale).to.include({ kind: 'Conflict', status: 409, reason: 'Conflict' });
    expect(stale?.message).to.match(/the object has been modified/);
    await leases.deleteNamespacedLease({ name, namespace: NAMESPACE });
  });
});
