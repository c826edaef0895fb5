// A reconciler wired with its real observer, planner, executor and finalizer over fakes of the
// Kubernetes, Temporal and invoke ports, for unit tests of whole reconciles.
import { RUN_ID_MEMO_KEY } from '../../../../common/domain/annotations.js';
import type { TemporalActionIntent } from '../../../../common/model/types.js';
import { Executor } from '../../../../operator/controller/executor.js';
import { Finalizer } from '../../../../operator/controller/finalizer.js';
import { Observer } from '../../../../operator/controller/observer.js';
import { Reconciler } from '../../../../operator/controller/reconciler.js';
import type { PlannerConfig, WatchedCompletion } from '../../../../operator/controller/step.js';
import type { EventSink, EventType } from '../../../../operator/kube/event-recorder.js';
import type { InvokeResult, InvokeTarget } from '../../../../operator/runs/invoke.js';
import type {
  WaitResult,
  WorkflowPort,
  WorkflowRef,
  WorkflowState,
} from '../../../../operator/temporal/temporal-gateway.js';
import { FakeStore } from '../rest/fakes.js';
import { recordingLogger } from '../fakes.js';

/** Temporal as a map of workflows; cancel and terminate close them at the clock's time. */
export class FakeTemporal implements WorkflowPort {
  readonly workflows = new Map<string, WorkflowState>();
  readonly calls: string[] = [];
  waits = 0;
  failures = new Map<string, string>();

  constructor(private readonly now: () => Date) {}

  start(workflowId: string, tacRunId: string, runId = 'r1'): WorkflowState {
    const state: WorkflowState = {
      workflowId,
      runId,
      type: 'wf',
      taskQueue: 'q',
      status: 'RUNNING',
      startTime: this.now(),
      memo: { [RUN_ID_MEMO_KEY]: tacRunId },
    };
    this.workflows.set(workflowId, state);
    return state;
  }

  close(workflowId: string, status: WorkflowState['status'], failure?: string): void {
    const state = this.workflows.get(workflowId);
    if (state === undefined) throw new Error(`no workflow ${workflowId}`);
    state.status = status;
    state.closeTime = this.now();
    if (failure !== undefined) this.failures.set(workflowId, failure);
  }

  describe(ref: WorkflowRef): Promise<WorkflowState | undefined> {
    this.calls.push(`describe ${ref.workflowId}`);
    const state = this.workflows.get(ref.workflowId);
    const match = state !== undefined && (ref.runId === undefined || ref.runId === state.runId);
    return Promise.resolve(match ? { ...state } : undefined);
  }

  closeFailure(ref: WorkflowRef): Promise<string | undefined> {
    this.calls.push(`closeFailure ${ref.workflowId}`);
    return Promise.resolve(this.failures.get(ref.workflowId));
  }

  cancel(ref: WorkflowRef): Promise<void> {
    this.calls.push(`cancel ${ref.workflowId}`);
    if (this.workflows.get(ref.workflowId)?.status === 'RUNNING') this.close(ref.workflowId, 'CANCELLED');
    return Promise.resolve();
  }

  terminate(ref: WorkflowRef, reason: string): Promise<void> {
    this.calls.push(`terminate ${ref.workflowId}: ${reason}`);
    if (this.workflows.get(ref.workflowId)?.status === 'RUNNING') this.close(ref.workflowId, 'TERMINATED');
    return Promise.resolve();
  }

  /** A long poll that never returns: a reconcile must never wait on it. */
  waitForResult(): Promise<WaitResult> {
    this.waits++;
    return new Promise(() => undefined);
  }
}

export class FakeInvoker {
  readonly calls: {
    target: InvokeTarget;
    body: Record<string, unknown>;
    seen: TemporalActionIntent | undefined;
  }[] = [];
  /** What the next invoke answers (and does, e.g. start the workflow on the fake Temporal). */
  answer: (body: Record<string, unknown>) => InvokeResult = () => ({ outcome: 'started', runId: 'r1' });

  constructor(private readonly look: () => TemporalActionIntent | undefined) {}

  invoke(target: InvokeTarget, body: string): Promise<InvokeResult> {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    this.calls.push({ target, body: parsed, seen: structuredClone(this.look()) });
    return Promise.resolve(this.answer(parsed));
  }
}

export class FakeEvents implements EventSink {
  readonly recorded: { type: EventType; reason: string; message: string }[] = [];
  record(_intent: TemporalActionIntent, type: EventType, reason: string, message: string): Promise<void> {
    this.recorded.push({ type, reason, message });
    return Promise.resolve();
  }
}

export class FakeWatcher {
  readonly watched = new Map<string, WorkflowRef>();
  /** Completions the (fake) long polls saw; a test sets them with `sawComplete`. */
  readonly completions = new Map<string, WatchedCompletion>();
  watch(key: string, ref: WorkflowRef): void {
    this.watched.set(key, ref);
  }
  forget(key: string): void {
    this.watched.delete(key);
    this.completions.delete(key);
  }
  /** `tacRunId`: the TAC run id the workflow carried, as the watcher read it. */
  sawComplete(key: string, seenAt: Date, tacRunId: string): void {
    const ref = this.watched.get(key);
    if (ref?.runId === undefined) throw new Error(`no watch of a known run for ${key}`);
    this.completions.set(key, { workflowId: ref.workflowId, runId: ref.runId, seenAt, tacRunId });
  }
  completed(key: string, ref: WorkflowRef): WatchedCompletion | undefined {
    const seen = this.completions.get(key);
    return seen?.workflowId === ref.workflowId && seen.runId === ref.runId ? seen : undefined;
  }
}

export const PLANNER: PlannerConfig = {
  defaultBlockingTimeoutMs: 600_000,
  timeoutPolicy: 'cancel',
  allowedEndpoints: ['127.0.0.1'],
  startLookupMs: 30_000,
  maxStartAttempts: 3,
};

export interface Harness {
  reconciler: Reconciler;
  store: FakeStore;
  temporal: FakeTemporal;
  invoker: FakeInvoker;
  events: FakeEvents;
  watcher: FakeWatcher;
  clock: { t: number };
  current(): TemporalActionIntent | undefined;
  key: string;
}

export function harness(
  obj: TemporalActionIntent,
  options: { planner?: Partial<PlannerConfig>; deletionGraceMs?: number; start?: string } = {},
): Harness {
  const clock = { t: Date.parse(options.start ?? '2026-11-26T12:00:00Z') };
  const now = (): Date => new Date(clock.t);
  const store = new FakeStore();
  const ns = obj.metadata.namespace ?? '';
  const name = obj.metadata.name ?? '';
  store.objects.set(`${ns}/${name}`, structuredClone(obj));
  const current = (): TemporalActionIntent | undefined => store.cached(ns, name);
  const temporal = new FakeTemporal(now);
  const invoker = new FakeInvoker(current);
  const events = new FakeEvents();
  const watcher = new FakeWatcher();
  const reconciler = new Reconciler({
    store,
    finalizer: new Finalizer({
      store,
      temporal,
      watcher,
      events,
      deletionGraceMs: options.deletionGraceMs ?? 10_000,
      now,
    }),
    observer: new Observer(temporal, ['127.0.0.1'], watcher),
    executor: new Executor({ store, temporal, invoker, events, watcher }),
    watcher,
    planner: { ...PLANNER, ...options.planner },
    logger: recordingLogger().logger,
    now,
  });
  return { reconciler, store, temporal, invoker, events, watcher, clock, current, key: `${ns}/${name}` };
}
