import { expect } from 'chai';
import { ApiException, type V1Lease } from '@kubernetes/client-node';
import {
  LeaderElector,
  type LeaderElectorOptions,
  type LeaseApi,
} from '../../../../operator/kube/leader-election.js';
import { FakeClock, recordingLogger, settle, type LogEntry } from '../fakes.js';

function status(code: number, reason: string): ApiException<string> {
  return new ApiException(
    code,
    'Unknown API Status Code!',
    JSON.stringify({ kind: 'Status', code, reason, message: reason }),
    {},
  );
}

/** One Lease with resourceVersion checks, failure injection, and JSON round trips like the wire. */
class FakeLeaseServer {
  lease: V1Lease | undefined;
  private rv = 0;
  failure: Error | undefined;
  hang = false;
  conflictsLeft = 0;

  set(lease: V1Lease): void {
    this.lease = wire({ ...lease, metadata: { ...lease.metadata, resourceVersion: String(++this.rv) } });
  }

  get holder(): string | undefined {
    return this.lease?.spec?.holderIdentity;
  }

  get version(): number {
    return this.rv;
  }

  readonly api: LeaseApi = {
    read: () => this.answer(() => (this.lease === undefined ? undefined : wire(this.lease))),
    create: (_ns, lease) =>
      this.answer(() => {
        if (this.lease !== undefined) throw status(409, 'AlreadyExists');
        this.set(lease);
        return wire(this.lease as unknown as V1Lease);
      }),
    replace: (_ns, _name, lease) =>
      this.answer(() => {
        if (this.conflictsLeft > 0) {
          this.conflictsLeft--;
          throw status(409, 'Conflict');
        }
        if (lease.metadata?.resourceVersion !== this.lease?.metadata?.resourceVersion)
          throw status(409, 'Conflict');
        this.set(lease);
        return wire(this.lease as unknown as V1Lease);
      }),
  };

  private answer<T>(fn: () => T): Promise<T> {
    if (this.hang) return new Promise<T>(() => undefined);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<T>((resolve) => resolve(fn()));
  }
}

/** What goes over the wire and back: MicroTime instances become strings. */
function wire(lease: V1Lease): V1Lease {
  return JSON.parse(JSON.stringify(lease)) as V1Lease;
}

interface Candidate {
  elector: LeaderElector;
  started: number;
  stopped: number;
  leaders: string[];
  entries: LogEntry[];
}

const TIMING = { leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 100 };

function candidate(
  identity: string,
  server: FakeLeaseServer,
  clock: FakeClock,
  overrides: Partial<LeaderElectorOptions> = {},
): Candidate {
  const { logger, entries } = recordingLogger();
  const c: Candidate = {
    elector: undefined as unknown as LeaderElector,
    started: 0,
    stopped: 0,
    leaders: [],
    entries,
  };
  c.elector = new LeaderElector(
    undefined,
    {
      leaseName: 'tac-operator',
      namespace: 'tac-system',
      identity,
      ...TIMING,
      onStartedLeading: () => void c.started++,
      onStoppedLeading: () => void c.stopped++,
      onNewLeader: (id) => void c.leaders.push(id),
      ...overrides,
    },
    { clock, leaseApi: server.api, logger, wallNow: () => 1_700_000_000_000 + clock.now() },
  );
  return c;
}

/** Moves fake time forward in small steps, letting the election loops run in between. */
async function elapse(clock: FakeClock, ms: number, step = 10): Promise<void> {
  await settle();
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    await settle();
  }
}

describe('operator/kube/leader-election', () => {
  let clock: FakeClock;
  let server: FakeLeaseServer;

  beforeEach(() => {
    clock = new FakeClock();
    server = new FakeLeaseServer();
  });

  it('creates an absent lease, leads, and renews every retry period', async () => {
    const a = candidate('a', server, clock);
    a.elector.start();
    await settle();
    expect(a.elector.isLeader()).to.equal(true);
    expect(a.started).to.equal(1);
    expect(a.leaders).to.deep.equal(['a']);
    expect(server.lease?.spec).to.include({
      holderIdentity: 'a',
      leaseDurationSeconds: 1,
      leaseTransitions: 0,
    });
    expect(server.lease?.spec?.renewTime).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const before = server.version;
    await elapse(clock, 1000);
    expect(server.version - before).to.be.within(9, 11);
    expect(a.elector.isLeader()).to.equal(true);
    expect(a.started).to.equal(1);
    expect(server.lease?.spec?.acquireTime).to.equal('2023-11-14T22:13:20.000000Z');
    await a.elector.stop();
  });

  it('keeps a standby waiting while the leader renews, and lets it take over leaseDuration after the last change', async () => {
    const a = candidate('a', server, clock);
    const b = candidate('b', server, clock);
    a.elector.start();
    await settle();
    b.elector.start();
    await elapse(clock, 3000);
    expect([a.elector.isLeader(), b.elector.isLeader()]).to.deep.equal([true, false]);
    expect(b.elector.currentLeader()).to.equal('a');

    await a.elector.stop({ release: false });
    expect(a.stopped).to.equal(1);
    expect(server.holder).to.equal('a');
    const lastChange = clock.now();
    await elapse(clock, 850);
    expect(b.elector.isLeader()).to.equal(false);
    await elapse(clock, 300);
    expect(b.elector.isLeader()).to.equal(true);
    expect(clock.now() - lastChange).to.be.at.least(1000);
    expect(server.lease?.spec).to.include({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(b.leaders).to.deep.equal(['a', 'b']);
    await b.elector.stop();
  });

  it('judges expiry by its own observation time, not by the remote renewTime', async () => {
    server.set({
      metadata: { name: 'tac-operator', namespace: 'tac-system' },
      spec: { holderIdentity: 'ghost', leaseDurationSeconds: 1, renewTime: new Date('2000-01-01T00:00:00Z') },
    });
    const b = candidate('b', server, clock);
    b.elector.start();
    await elapse(clock, 900);
    expect(b.elector.isLeader()).to.equal(false);
    await elapse(clock, 200);
    expect(b.elector.isLeader()).to.equal(true);
    await b.elector.stop();
  });

  it('treats a 409 conflict as "try again next period"', async () => {
    server.set({ metadata: { name: 'tac-operator', namespace: 'tac-system' }, spec: { holderIdentity: '' } });
    server.conflictsLeft = 1;
    const a = candidate('a', server, clock);
    a.elector.start();
    await settle();
    expect(a.elector.isLeader()).to.equal(false);
    expect(a.entries.some((e) => e.level === 'warn')).to.equal(false);
    await elapse(clock, 100);
    expect(a.elector.isLeader()).to.equal(true);
    await a.elector.stop();
  });

  it('stops leading when renewals fail for renewDeadline, and leads again once the API answers', async () => {
    const a = candidate('a', server, clock);
    a.elector.start();
    await settle();
    server.failure = status(503, 'ServiceUnavailable');
    await elapse(clock, 500);
    expect(a.elector.isLeader()).to.equal(true);
    await elapse(clock, 200);
    expect(a.elector.isLeader()).to.equal(false);
    expect(a.stopped).to.equal(1);
    const warn = a.entries.find((e) => e.message === 'Failed to renew the lease');
    expect(warn).to.include({ kind: 'Unavailable', status: 503, error: 'ServiceUnavailable' });
    expect(a.entries.find((e) => e.message === 'Stopped leading')).to.include({
      reason: 'no renewal within 600 ms',
    });
    server.failure = undefined;
    await elapse(clock, 100);
    expect(a.elector.isLeader()).to.equal(true);
    expect(a.started).to.equal(2);
    await a.elector.stop();
  });

  it('counts a renewal that hangs as failing', async () => {
    const a = candidate('a', server, clock);
    a.elector.start();
    await settle();
    server.hang = true;
    await elapse(clock, 700);
    expect(a.elector.isLeader()).to.equal(false);
    expect(a.stopped).to.equal(1);
    expect(a.entries.find((e) => e.message === 'Failed to renew the lease')?.error).to.match(
      /^lease call did not answer within \d+ ms$/,
    );
    server.hang = false;
    const stopping = a.elector.stop();
    await elapse(clock, 700);
    await stopping;
  });

  it('steps down at once when the lease shows another holder', async () => {
    const a = candidate('a', server, clock);
    a.elector.start();
    await settle();
    const lease = server.lease;
    server.set({ ...lease, spec: { ...lease?.spec, holderIdentity: 'intruder' } });
    await elapse(clock, 100);
    expect(a.elector.isLeader()).to.equal(false);
    expect(a.entries.find((e) => e.message === 'Stopped leading')).to.include({
      reason: 'lease taken over by intruder',
    });
    expect(a.leaders).to.deep.equal(['a', 'intruder']);
    await a.elector.stop();
    expect(server.holder).to.equal('intruder');
  });

  it('stop() releases the lease so that a standby takes over at its next attempt', async () => {
    const a = candidate('a', server, clock);
    const b = candidate('b', server, clock);
    a.elector.start();
    await settle();
    b.elector.start();
    await elapse(clock, 500);
    await a.elector.stop();
    expect(a.elector.isLeader()).to.equal(false);
    expect(a.stopped).to.equal(1);
    expect(server.lease?.spec).to.include({ holderIdentity: '', leaseDurationSeconds: 1 });
    await elapse(clock, 100);
    expect(b.elector.isLeader()).to.equal(true);
    expect(a.elector.stop()).to.equal(a.elector.stop());
    a.elector.start();
    await elapse(clock, 500);
    expect(a.elector.isLeader()).to.equal(false);
    await b.elector.stop();
  });

  it('logs callbacks that throw and keeps going', async () => {
    const a = candidate('a', server, clock, {
      onStartedLeading: () => {
        throw new Error('controller failed to start');
      },
    });
    a.elector.start();
    await settle();
    expect(a.elector.isLeader()).to.equal(true);
    expect(
      a.entries.find((e) => e.message === 'Leader election callback onStartedLeading failed'),
    ).to.include({
      error: 'controller failed to start',
    });
    await a.elector.stop();
  });

  it('rejects timings that cannot be safe', () => {
    const base = {
      leaseName: 'l',
      namespace: 'n',
      identity: 'i',
      onStartedLeading: () => {},
      onStoppedLeading: () => {},
    };
    const deps = { leaseApi: server.api };
    expect(
      () => new LeaderElector(undefined, { ...base, leaseDurationMs: 5000, renewDeadlineMs: 5000 }, deps),
    ).to.throw(
      RangeError,
      'need 0 < retryPeriodMs < renewDeadlineMs < leaseDurationMs, got 2000, 5000, 5000',
    );
    expect(
      () =>
        new LeaderElector(
          undefined,
          { ...base, leaseDurationMs: 900, renewDeadlineMs: 500, retryPeriodMs: 100 },
          deps,
        ),
    ).to.throw(RangeError, 'leaseDurationMs must be at least 1000, got 900');
    expect(() => new LeaderElector(undefined, base)).to.throw(
      RangeError,
      'a KubeConfig or a leaseApi is required',
    );
  });
});
