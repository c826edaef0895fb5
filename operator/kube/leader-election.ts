// Owns Lease-based leader election among operator replicas (coordination.k8s.io/v1): acquiring,
// renewing and releasing one Lease, and telling the program when it starts and stops leading.
import {
  CoordinationV1Api,
  V1MicroTime,
  type KubeConfig,
  type V1Lease,
  type V1LeaseSpec,
} from '@kubernetes/client-node';
import { errorFields, silentLogger, type Logger } from '../../common/log.js';
import { classifyKubeError, isAlreadyExists, isConflict, isNotFound } from './errors.js';

export interface LeaderElectorOptions {
  leaseName: string;
  namespace: string;
  /** Unique per process (e.g. pod name plus a random suffix); written as holderIdentity. */
  identity: string;
  /** How long a lease stays valid after its last observed change, in ms (whole seconds on the wire). Default 15 000. */
  leaseDurationMs?: number;
  /** A leader that could not renew for this long stops leading, in ms. Default 10 000. */
  renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew, in ms. Default 2 000. */
  retryPeriodMs?: number;
  /** Called when this process becomes leader (each term). Should start the leader-only work and return. */
  onStartedLeading(): void;
  /** Called when a term ends: renewals failed past the deadline, another holder took over, or stop(). */
  onStoppedLeading(): void;
  /** Called when the observed holder changes (this identity included). */
  onNewLeader?(identity: string): void;
}

/** The three Lease calls the elector makes; injectable for tests. Errors are client-node's. */
export interface LeaseApi {
  /** Resolves undefined when the Lease does not exist. */
  read(namespace: string, name: string): Promise<V1Lease | undefined>;
  create(namespace: string, lease: V1Lease): Promise<V1Lease>;
  /** Replaces with optimistic concurrency on metadata.resourceVersion (409 Conflict when stale). */
  replace(namespace: string, name: string, lease: V1Lease): Promise<V1Lease>;
}

export interface ElectionClock {
  /** Monotonic milliseconds: observed times and deadlines are local, never the remote renewTime. */
  now(): number;
  setTimer(fn: () => void, delayMs: number): () => void;
}

export interface LeaderElectorDeps {
  logger?: Logger;
  clock?: ElectionClock;
  /** Default: CoordinationV1Api of the given KubeConfig. */
  leaseApi?: LeaseApi;
  /** Wall clock for the Lease's acquireTime/renewTime (informational). Default Date.now. */
  wallNow?: () => number;
}

const systemClock: ElectionClock = {
  now: () => performance.now(),
  setTimer(fn, delayMs) {
    const t = setTimeout(fn, delayMs);
    t.unref();
    return () => clearTimeout(t);
  },
};

/** A Lease call that did not answer within the time left to it. */
export class LeaseTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`lease call did not answer within ${Math.round(timeoutMs)} ms`);
    this.name = 'LeaseTimeoutError';
  }
}

export function coordinationLeaseApi(kubeConfig: KubeConfig): LeaseApi {
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  return {
    async read(namespace, name) {
      try {
        return await api.readNamespacedLease({ namespace, name });
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    create: (namespace, body) => api.createNamespacedLease({ namespace, body }),
    replace: (namespace, name, body) => api.replaceNamespacedLease({ namespace, name, body }),
  };
}

type Attempt = 'acquired' | 'held-by-other' | 'conflict';

/** The holder fields of a Lease, for telling whether it changed since the last look. */
function recordOf(spec: V1LeaseSpec | undefined): string {
  const time = (t: unknown): string => (t instanceof Date ? t.toISOString() : String(t));
  return JSON.stringify([
    spec?.holderIdentity ?? '',
    spec?.leaseDurationSeconds ?? null,
    time(spec?.acquireTime),
    time(spec?.renewTime),
    spec?.leaseTransitions ?? null,
  ]);
}

/** client-node reads MicroTime fields back as strings; the API server wants six fractional digits. */
function microTime(value: unknown, fallback: number): V1MicroTime {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  return new V1MicroTime(Number.isFinite(ms) ? ms : fallback);
}

/**
 * Leader election over one Lease, after client-go's leaderelection:
 *
 * - A candidate takes the Lease when it is absent, when its holder is empty (released) or this
 *   identity, or when it has not changed for the holder's leaseDurationSeconds, measured from the
 *   local time this process first saw its current content (clock skew between replicas does not
 *   matter; the remote renewTime is never compared to the local clock).
 * - Writes are replaces with the read resourceVersion; a 409 just means "try next period".
 * - The leader renews every retryPeriod. If no renewal succeeds for renewDeadline (calls that hang
 *   count as failing), or the Lease shows another holder, it stops leading and becomes a candidate
 *   again. Since leaseDuration > renewDeadline, it stops before anyone else may take over.
 * - Failures are logged and retried; nothing here exits the process.
 */
export class LeaderElector {
  private readonly options: Required<Omit<LeaderElectorOptions, 'onNewLeader'>> &
    Pick<LeaderElectorOptions, 'onNewLeader'>;
  private readonly log: Logger;
  private readonly clock: ElectionClock;
  private readonly api: LeaseApi;
  private readonly wallNow: () => number;

  private leading = false;
  private lastRenewAt = 0;
  private observedRecord: string | undefined;
  private observedAt = 0;
  private observedHolder = '';
  private reportedLeader: string | undefined;
  private loop: Promise<void> | undefined;
  private stopRequested = false;
  private wake: (() => void) | undefined;
  private stopping: Promise<void> | undefined;

  /** @throws RangeError unless 0 < retryPeriodMs < renewDeadlineMs < leaseDurationMs and leaseDurationMs ≥ 1000. */
  constructor(
    kubeConfig: KubeConfig | undefined,
    options: LeaderElectorOptions,
    deps: LeaderElectorDeps = {},
  ) {
    const leaseDurationMs = options.leaseDurationMs ?? 15_000;
    const renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    const retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (!(retryPeriodMs > 0 && retryPeriodMs < renewDeadlineMs && renewDeadlineMs < leaseDurationMs)) {
      throw new RangeError(
        `need 0 < retryPeriodMs < renewDeadlineMs < leaseDurationMs, got ${retryPeriodMs}, ${renewDeadlineMs}, ${leaseDurationMs}`,
      );
    }
    if (leaseDurationMs < 1000)
      throw new RangeError(`leaseDurationMs must be at least 1000, got ${leaseDurationMs}`);
    if (options.identity === '') throw new RangeError('identity must not be empty');
    this.options = { ...options, leaseDurationMs, renewDeadlineMs, retryPeriodMs };
    this.log = (deps.logger ?? silentLogger()).child({
      component: 'leader-election',
      lease: `${options.namespace}/${options.leaseName}`,
      identity: options.identity,
    });
    this.clock = deps.clock ?? systemClock;
    this.wallNow = deps.wallNow ?? Date.now;
    if (deps.leaseApi !== undefined) this.api = deps.leaseApi;
    else if (kubeConfig !== undefined) this.api = coordinationLeaseApi(kubeConfig);
    else throw new RangeError('a KubeConfig or a leaseApi is required');
  }

  /** Starts campaigning in the background. Idempotent; a stopped elector does not restart. */
  start(): void {
    if (this.loop !== undefined || this.stopRequested) return;
    this.log.info('Campaigning for leadership');
    this.loop = this.run();
  }

  /**
   * Stops campaigning, waits for an attempt in flight, and ends a current term: releases the Lease
   * (empty holder, leaseDurationSeconds 1, so a standby takes over at its next attempt) unless
   * `release` is false, then calls onStoppedLeading. Stop the leader-only work before calling this,
   * so that no two replicas work at once. A failed release is logged (the Lease then expires).
   */
  stop(options: { release?: boolean } = {}): Promise<void> {
    this.stopping ??= this.shutdown(options.release ?? true);
    return this.stopping;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder last seen on the Lease ('' when released or not seen yet). */
  currentLeader(): string {
    return this.observedHolder;
  }

  private async shutdown(release: boolean): Promise<void> {
    this.stopRequested = true;
    this.wake?.();
    await this.loop;
    // An attempt that acquired while stopping leaves the Lease ours without a term: release it too.
    if (release && (this.leading || this.observedHolder === this.options.identity)) await this.release();
    if (this.leading) this.endTerm('elector stopped', true);
  }

  private async run(): Promise<void> {
    while (!this.stopRequested) {
      await this.tick();
      if (this.stopRequested) break;
      await this.sleep(this.options.retryPeriodMs);
    }
  }

  private async tick(): Promise<void> {
    const { renewDeadlineMs } = this.options;
    const timeoutMs = this.leading
      ? Math.max(0, this.lastRenewAt + renewDeadlineMs - this.clock.now())
      : renewDeadlineMs;
    let attempt: Attempt | 'failed';
    try {
      attempt = await this.withTimeout(this.tryAcquireOrRenew(), timeoutMs);
    } catch (err) {
      attempt = 'failed';
      const info = classifyKubeError(err);
      this.log.warn(this.leading ? 'Failed to renew the lease' : 'Failed to acquire the lease', {
        kind: info.kind,
        status: info.status,
        ...(info.status === undefined ? errorFields(err) : { error: info.message }),
      });
    }
    if (this.stopRequested && !this.leading) return;
    if (attempt === 'acquired') {
      this.lastRenewAt = this.clock.now();
      if (!this.leading) {
        this.leading = true;
        this.log.info('Became leader');
        this.call('onStartedLeading', () => this.options.onStartedLeading());
      }
      return;
    }
    if (!this.leading) return;
    if (attempt === 'held-by-other') {
      this.endTerm(`lease taken over by ${this.observedHolder}`);
    } else if (this.clock.now() - this.lastRenewAt >= renewDeadlineMs) {
      this.endTerm(`no renewal within ${renewDeadlineMs} ms`);
    }
  }

  private async tryAcquireOrRenew(): Promise<Attempt> {
    const { namespace, leaseName, identity } = this.options;
    const lease = await this.api.read(namespace, leaseName);
    if (lease === undefined) {
      try {
        const created = await this.api.create(namespace, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: leaseName, namespace },
          spec: this.nextSpec(undefined),
        });
        this.observe(created);
        return 'acquired';
      } catch (err) {
        if (isAlreadyExists(err)) return 'conflict';
        throw err;
      }
    }
    this.observe(lease);
    const holder = lease.spec?.holderIdentity ?? '';
    const durationMs = (lease.spec?.leaseDurationSeconds ?? this.options.leaseDurationMs / 1000) * 1000;
    if (holder !== '' && holder !== identity && this.observedAt + durationMs > this.clock.now())
      return 'held-by-other';
    try {
      const updated = await this.api.replace(namespace, leaseName, {
        ...lease,
        spec: this.nextSpec(lease.spec),
      });
      this.observe(updated);
      return 'acquired';
    } catch (err) {
      if (isConflict(err)) {
        this.log.debug('Lease changed under us; retrying next period');
        return 'conflict';
      }
      throw err;
    }
  }

  private nextSpec(old: V1LeaseSpec | undefined): V1LeaseSpec {
    const wall = this.wallNow();
    const ours = old !== undefined && old.holderIdentity === this.options.identity;
    const transitions = old?.leaseTransitions ?? 0;
    return {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: Math.ceil(this.options.leaseDurationMs / 1000),
      acquireTime: ours ? microTime(old.acquireTime, wall) : new V1MicroTime(wall),
      renewTime: new V1MicroTime(wall),
      leaseTransitions: old === undefined || ours ? transitions : transitions + 1,
    };
  }

  /** Records the Lease content; the observed time moves only when the content changed. */
  private observe(lease: V1Lease): void {
    const record = recordOf(lease.spec);
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = this.clock.now();
    }
    this.observedHolder = lease.spec?.holderIdentity ?? '';
    if (this.observedHolder !== '' && this.observedHolder !== this.reportedLeader) {
      this.reportedLeader = this.observedHolder;
      this.log.info('Observed a new leader', { leader: this.observedHolder });
      const leader = this.observedHolder;
      const onNewLeader = this.options.onNewLeader;
      if (onNewLeader !== undefined) this.call('onNewLeader', () => onNewLeader(leader));
    }
  }

  private async release(): Promise<void> {
    const { namespace, leaseName, identity } = this.options;
    try {
      const lease = await this.api.read(namespace, leaseName);
      if (lease?.spec?.holderIdentity !== identity) return;
      const now = new V1MicroTime(this.wallNow());
      await this.api.replace(namespace, leaseName, {
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          acquireTime: now,
          renewTime: now,
        },
      });
      this.log.info('Released the lease');
    } catch (err) {
      this.log.warn('Failed to release the lease; it will expire', errorFields(err));
    }
  }

  private endTerm(reason: string, graceful = false): void {
    this.leading = false;
    this.log.log(graceful ? 'info' : 'warn', 'Stopped leading', { reason });
    this.call('onStoppedLeading', () => this.options.onStoppedLeading());
  }

  private call(name: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error(`Leader election callback ${name} failed`, errorFields(err));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.clock.setTimer(resolve, ms);
      this.wake = () => {
        cancel();
        resolve();
      };
    });
  }

  /** Settles with `work`, or rejects with LeaseTimeoutError after `ms`; a late result is ignored. */
  private withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const cancel = this.clock.setTimer(() => reject(new LeaseTimeoutError(ms)), ms);
      work.then(
        (value) => {
          cancel();
          resolve(value);
        },
        (err: unknown) => {
          cancel();
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }
}
