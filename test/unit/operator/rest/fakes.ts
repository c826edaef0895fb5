// In-memory stand-ins of the operator's ports for REST unit tests: an IntentStore with the API
// server's create/replace/delete semantics (resourceVersion conflicts included), a lifecycle
// service whose events finish when the test says so, and a Temporal gateway that records calls.
import type { DigRef } from '../../../../common/emco/types.js';
import { silentLogger, type Logger } from '../../../../common/log.js';
import type { TemporalActionIntent } from '../../../../common/model/types.js';
import {
  StoreError,
  type EventOutcome,
  type IntentStore,
  type LifecycleEvent,
  type LifecycleService,
  type MetadataPatch,
  type PolledEvent,
} from '../../../../operator/ports.js';
import type { TemporalPort } from '../../../../operator/rest/route-types.js';
import {
  createRestServer,
  type RestServer,
  type RestServerConfig,
} from '../../../../operator/rest/server.js';
import type { KubernetesAuthApis } from '../../../../operator/rest/kubernetes-auth.js';
import type { ParentCheck } from '../../../../operator/rest/parent-check.js';
import type { WaitResult, WorkflowRef } from '../../../../operator/temporal/temporal-gateway.js';

const key = (ns: string, name: string): string => `${ns}/${name}`;

export class FakeStore implements IntentStore {
  readonly objects = new Map<string, TemporalActionIntent>();
  private version = 1;
  /** Make the next write fail with this error. */
  failNext: StoreError | undefined;

  private stamp(obj: TemporalActionIntent, created?: TemporalActionIntent): TemporalActionIntent {
    const copy = structuredClone(obj);
    copy.metadata.resourceVersion = String(++this.version);
    copy.metadata.uid = created?.metadata.uid ?? `uid-${this.version}`;
    copy.metadata.creationTimestamp = created?.metadata.creationTimestamp ?? new Date(this.version * 1000);
    if (created?.status !== undefined) copy.status = created.status;
    return copy;
  }

  private takeFailure(): void {
    const f = this.failNext;
    this.failNext = undefined;
    if (f !== undefined) throw f;
  }

  /** Bumped by every write (the fake's writes all end in `notify`). */
  private changes = 0;

  listVersion(): number {
    return this.changes;
  }

  listByDig(dig: DigRef, namespace?: string): TemporalActionIntent[] {
    return [...this.objects.values()].filter(
      (o) =>
        (namespace === undefined || o.metadata.namespace === namespace) &&
        o.spec.project === dig.project &&
        o.spec.compositeApp === dig.compositeApp &&
        o.spec.compositeAppVersion === dig.compositeAppVersion &&
        o.spec.deploymentIntentGroup === dig.deploymentIntentGroup,
    );
  }

  get(namespace: string, name: string): TemporalActionIntent | undefined {
    return this.objects.get(key(namespace, name));
  }

  create(intent: TemporalActionIntent): Promise<TemporalActionIntent> {
    this.takeFailure();
    const k = key(intent.metadata.namespace ?? '', intent.metadata.name ?? '');
    if (this.objects.has(k))
      return Promise.reject(new StoreError('AlreadyExists', `create ${k}: already exists`));
    const stored = this.stamp(intent);
    this.objects.set(k, stored);
    this.notify();
    return Promise.resolve(stored);
  }

  replace(intent: TemporalActionIntent): Promise<TemporalActionIntent> {
    this.takeFailure();
    const k = key(intent.metadata.namespace ?? '', intent.metadata.name ?? '');
    const current = this.objects.get(k);
    if (current === undefined) return Promise.reject(new StoreError('NotFound', `replace ${k}: not found`));
    const rv = intent.metadata.resourceVersion;
    if (rv !== undefined && rv !== current.metadata.resourceVersion) {
      return Promise.reject(new StoreError('Conflict', `replace ${k}: the object has been modified`));
    }
    const stored = this.stamp(intent, current);
    this.objects.set(k, stored);
    this.notify();
    return Promise.resolve(stored);
  }

  delete(namespace: string, name: string): Promise<void> {
    this.takeFailure();
    if (!this.objects.delete(key(namespace, name))) {
      return Promise.reject(new StoreError('NotFound', `delete ${key(namespace, name)}: not found`));
    }
    this.notify();
    return Promise.resolve();
  }

  synced(): boolean {
    return true;
  }

  cached(namespace: string, name: string): TemporalActionIntent | undefined {
    return this.objects.get(key(namespace, name));
  }

  patchMetadata(
    namespace: string,
    name: string,
    patch: MetadataPatch,
    resourceVersion?: string,
  ): Promise<TemporalActionIntent> {
    this.takeFailure();
    const k = key(namespace, name);
    const current = this.objects.get(k);
    if (current === undefined) return Promise.reject(new StoreError('NotFound', `patch ${k}: not found`));
    if (resourceVersion !== undefined && resourceVersion !== current.metadata.resourceVersion) {
      return Promise.reject(new StoreError('Conflict', `patch ${k}: the object has been modified`));
    }
    const next = structuredClone(current);
    if (patch.finalizers !== undefined) {
      if (patch.finalizers === null) delete next.metadata.finalizers;
      else next.metadata.finalizers = [...patch.finalizers];
    }
    const annotations: Record<string, string> = { ...(next.metadata.annotations ?? {}) };
    for (const [name, value] of Object.entries(patch.annotations ?? {})) {
      if (value === null) delete annotations[name];
      else annotations[name] = value;
    }
    next.metadata.annotations = annotations;
    next.metadata.resourceVersion = String(++this.version);
    this.objects.set(k, next);
    this.notify();
    return Promise.resolve(structuredClone(next));
  }

  replaceStatus(obj: TemporalActionIntent): Promise<TemporalActionIntent> {
    this.takeFailure();
    const k = key(obj.metadata.namespace ?? '', obj.metadata.name ?? '');
    const current = this.objects.get(k);
    if (current === undefined) return Promise.reject(new StoreError('NotFound', `status ${k}: not found`));
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== current.metadata.resourceVersion) {
      return Promise.reject(new StoreError('Conflict', `status ${k}: the object has been modified`));
    }
    const next = structuredClone(current);
    if (obj.status !== undefined) next.status = structuredClone(obj.status);
    next.metadata.resourceVersion = String(++this.version);
    this.objects.set(k, next);
    this.notify();
    return Promise.resolve(structuredClone(next));
  }

  async update<T>(
    _namespace: string,
    _name: string,
    write: () => Promise<T>,
    retryable: (err: StoreError) => boolean,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        if (!(err instanceof StoreError) || !retryable(err) || attempt >= 5) throw err;
      }
    }
  }

  private readonly waiters = new Set<() => boolean>();

  waitFor(
    namespace: string,
    name: string,
    check: (obj: TemporalActionIntent | undefined) => boolean,
    timeoutMs: number,
  ): Promise<boolean> {
    const test = (): boolean => check(this.get(namespace, name));
    if (test()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(test());
      }, timeoutMs);
      const waiter = (): boolean => {
        if (!test()) return false;
        clearTimeout(timer);
        resolve(true);
        return true;
      };
      this.waiters.add(waiter);
    });
  }

  /** Re-checks every waitFor (call after a change made behind the store's back). */
  notify(): void {
    this.changes++;
    for (const waiter of [...this.waiters]) if (waiter()) this.waiters.delete(waiter);
  }
}

export class FakeLifecycle implements LifecycleService {
  readonly fired: LifecycleEvent[] = [];
  private readonly outcomes = new Map<string, EventOutcome>();
  private readonly finishers = new Map<string, (o: EventOutcome) => void>();
  /** When set, events finish at once with this result (else they wait for finish()). */
  immediate: ((event: LifecycleEvent) => EventOutcome) | undefined;

  fire(event: LifecycleEvent): Promise<EventOutcome> {
    this.fired.push(event);
    const eventId = event.eventId ?? 'generated';
    const running: EventOutcome = {
      eventId,
      dig: event.dig,
      hookType: event.hookType,
      succeeded: true,
      intents: [],
      startTime: new Date(0).toISOString(),
    };
    this.outcomes.set(eventId, running);
    if (this.immediate !== undefined) {
      const done = this.immediate(event);
      this.outcomes.set(eventId, done);
      return Promise.resolve(done);
    }
    return new Promise((resolve) => {
      this.finishers.set(eventId, (o) => {
        this.outcomes.set(eventId, o);
        resolve(o);
      });
    });
  }

  finish(eventId: string, outcome: Partial<EventOutcome> = {}): void {
    const current = this.outcomes.get(eventId);
    if (current === undefined) throw new Error(`no event ${eventId}`);
    this.finishers.get(eventId)?.({ ...current, endTime: new Date(1000).toISOString(), ...outcome });
  }

  outcome(eventId: string): EventOutcome | undefined {
    return this.outcomes.get(eventId);
  }

  /** `poll-<eventId>`: predictable here, random in the real service. */
  pollId(event: LifecycleEvent & { eventId: string }): string {
    return `poll-${event.eventId}`;
  }

  poll(pollId: string): PolledEvent | undefined {
    const eventId = pollId.startsWith('poll-') ? pollId.slice('poll-'.length) : '';
    const outcome = this.outcomes.get(eventId);
    if (outcome === undefined) return undefined;
    const namespace = this.fired.find((e) => e.eventId === eventId)?.namespace ?? '';
    return { eventId, namespace, outcome };
  }
}

export interface TemporalCall {
  op: string;
  ref: WorkflowRef;
  args?: unknown[];
}

export class FakeTemporal implements TemporalPort {
  readonly calls: TemporalCall[] = [];
  waitResult: WaitResult = { done: true, status: 'COMPLETED', result: { greeting: 'hi' } };
  failWith: Error | undefined;

  private record(op: string, ref: WorkflowRef, args?: unknown[]): void {
    this.calls.push({ op, ref: { ...ref }, ...(args !== undefined ? { args } : {}) });
    if (this.failWith !== undefined) throw this.failWith;
  }
  describeRaw(ref: WorkflowRef): Promise<unknown> {
    this.record('describe', ref);
    return Promise.resolve({
      workflowExecutionInfo: { execution: { workflowId: ref.workflowId }, status: 1 },
    });
  }
  history(ref: WorkflowRef): Promise<unknown[]> {
    this.record('history', ref);
    return Promise.resolve([{ eventId: 1, eventType: 1 }]);
  }
  query(ref: WorkflowRef, queryType: string, args: unknown[]): Promise<unknown> {
    this.record('query', ref, [queryType, ...args]);
    return Promise.resolve({ answer: queryType });
  }
  waitForResult(ref: WorkflowRef, timeoutMs: number): Promise<WaitResult> {
    this.record('wait', ref, [timeoutMs]);
    return Promise.resolve(this.waitResult);
  }
  cancel(ref: WorkflowRef): Promise<void> {
    this.record('cancel', ref);
    return Promise.resolve();
  }
  terminate(ref: WorkflowRef, reason: string, details?: unknown[]): Promise<void> {
    this.record('terminate', ref, [reason, details]);
    return Promise.resolve();
  }
  uiLink(ref: WorkflowRef): string | undefined {
    return `http://ui/${ref.workflowId}`;
  }
}

export interface Harness {
  url: string;
  store: FakeStore;
  lifecycle: FakeLifecycle;
  temporal: FakeTemporal;
  server: RestServer;
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    config?: Partial<RestServerConfig>;
    authz?: KubernetesAuthApis;
    parentCheck?: ParentCheck;
    ready?: () => boolean;
    logger?: Logger;
  } = {},
): Promise<Harness> {
  const store = new FakeStore();
  const lifecycle = new FakeLifecycle();
  const temporal = new FakeTemporal();
  const server = createRestServer({
    store,
    lifecycle,
    temporal,
    logger: options.logger ?? silentLogger(),
    config: {
      defaultNamespace: 'tac',
      maxBodyBytes: 1 << 20,
      requestTimeoutMs: 5000,
      auth: 'none',
      temporalAddress: 'temporal:7233',
      ...options.config,
    },
    ...(options.authz !== undefined ? { authz: options.authz } : {}),
    ...(options.parentCheck !== undefined ? { parentCheck: options.parentCheck } : {}),
    health: { ready: options.ready ?? (() => true) },
  });
  const port = await server.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    lifecycle,
    temporal,
    server,
    close: () => server.close(),
  };
}
