// Owns the operator's internal interfaces between its parts: the intent store (the Kubernetes side,
// read from the informer cache with read-your-writes) and the lifecycle service (fires hooks and
// reports per-intent outcomes). The REST API and the controller meet only through these.
import type { DigRef } from '../common/emco/types.js';
import type { TemporalActionIntent } from '../common/model/types.js';

/** Hook types as events name them; `-terminate` and `-termination` spellings fire the same hook. */
import type { HookType } from '../common/emco/constraints.js';

export type { HookType };

export interface LifecycleEvent {
  dig: DigRef;
  hookType: HookType;
  /** Idempotency key: firing the same event id twice returns the first outcome instead of re-running. */
  eventId?: string;
  /** EMCO app context id, passed to workflows in activityParams.emco.appcontextId. */
  appContextId?: string;
  /** EMCO orchestrator URL, passed to workflows in activityParams.emco.emcoURL. */
  emcoUrl?: string;
  /** Restrict to intents in this namespace (default: every watched namespace). */
  namespace?: string;
}

export type IntentOutcomePhase =
  | 'Succeeded' // blocking: workflow completed; non-blocking: workflow started
  | 'Failed'
  | 'TimedOut'
  | 'Cancelled'
  | 'Terminated'
  | 'Skipped'; // not started because an earlier blocking intent of the event failed

export interface IntentOutcome {
  /** EMCO intent name. */
  intent: string;
  namespace: string;
  resourceName: string;
  blocking: boolean;
  phase: IntentOutcomePhase;
  workflowId?: string;
  runId?: string;
  message?: string;
  startTime?: string;
  endTime?: string;
}

export interface EventOutcome {
  eventId: string;
  dig: DigRef;
  hookType: HookType;
  /** True when every intent that ran ended well (blocking Succeeded, non-blocking started). */
  succeeded: boolean;
  /** Name of the first failed blocking intent, when any. */
  failedIntent?: string;
  intents: IntentOutcome[];
  startTime: string;
  endTime?: string;
}

/** What polling an event shows: where it ran, and its outcome or why it could not run. */
export interface PolledEvent {
  eventId: string;
  /** Namespace of the event's intents ('' = every watched namespace): polling is authorized there. */
  namespace: string;
  /** The outcome so far (no `endTime` while running). */
  outcome?: EventOutcome;
  /** Why the event could not run at all (it threw), until it is fired again. */
  failure?: string;
}

export interface LifecycleService {
  /**
   * Runs an event to the end (bounded by the intents' blocking timeouts). Never throws for run
   * failures. An event id is scoped by namespace, DIG and hook type: the same id in another scope
   * is another event, so nobody can pre-fire (and pre-answer) someone else's event.
   */
  fire(event: LifecycleEvent): Promise<EventOutcome>;
  /** The random, stable poll id of an event fired by this process (created on first use). */
  pollId(event: LifecycleEvent & { eventId: string }): string;
  /** What a poll id shows, or undefined for an unknown (or forgotten) one. */
  poll(pollId: string): PolledEvent | undefined;
}

/** Thrown by the store for Kubernetes API failures, classified once. */
export type StoreErrorKind =
  'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'Forbidden' | 'Unavailable';

export class StoreError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** A JSON merge patch of metadata (null removes an entry). */
export interface MetadataPatch {
  finalizers?: string[] | null;
  annotations?: Record<string, string | null>;
}

/**
 * The one intent repository: reads come from the informer cache, writes go through the API server
 * and their results are in the cache before the promise resolves (read-your-writes), so the
 * controller, lifecycle events and the REST API never see an older object than they wrote.
 */
export interface IntentStore {
  /** Intents of one DIG (all watched namespaces unless given), oldest first (creationTimestamp, then name). */
  listByDig(dig: DigRef, namespace?: string): TemporalActionIntent[];
  /**
   * Changes whenever what `listByDig(dig)` returns may change (a member added, changed, deleted);
   * equal numbers mean the same objects, so anything derived from the list can be kept.
   */
  listVersion(dig: DigRef): number;
  get(namespace: string, name: string): TemporalActionIntent | undefined;
  /** Creates through the API server; the cache shows the result before the promise resolves. */
  create(intent: TemporalActionIntent): Promise<TemporalActionIntent>;
  /** Replaces the spec/metadata (not status); resourceVersion optional (absent = last write wins). */
  replace(intent: TemporalActionIntent): Promise<TemporalActionIntent>;
  delete(namespace: string, name: string): Promise<void>;
  /** The cached object as it is, also while it is being deleted (the controller's view). */
  cached(namespace: string, name: string): TemporalActionIntent | undefined;
  /** Merge-patches metadata; with a resourceVersion it fails with Conflict when stale. */
  patchMetadata(
    namespace: string,
    name: string,
    patch: MetadataPatch,
    resourceVersion?: string,
  ): Promise<TemporalActionIntent>;
  /** Replaces the status subresource; fails with Conflict when `obj`'s resourceVersion is stale. */
  replaceStatus(obj: TemporalActionIntent): Promise<TemporalActionIntent>;
  /**
   * Read-modify-write with optimistic concurrency: `write` reads what it needs from the cache and
   * writes; when it fails with a StoreError `retryable` accepts, the store waits (bounded) until
   * the cache shows `namespace/name` at another version than before, then calls `write` again, at
   * most a few times. Throws the last error.
   */
  update<T>(
    namespace: string,
    name: string,
    write: () => Promise<T>,
    retryable: (err: StoreError) => boolean,
  ): Promise<T>;
  /**
   * Resolves true once `check` holds for the cached `namespace/name` (undefined when gone or
   * deleted), false when `timeoutMs` passes first; re-checked on every change of that object.
   */
  waitFor(
    namespace: string,
    name: string,
    check: (obj: TemporalActionIntent | undefined) => boolean,
    timeoutMs: number,
  ): Promise<boolean>;
  /** Whether the cache has synced once (readiness). */
  synced(): boolean;
}
