// Owns lifecycle events: it runs a DIG's intents of one hook in order by asking the controller for
// a run (an annotation on each intent, so any replica can take the event and a restarted operator
// still finds the request), waits for the recorded outcome in the cache, and stops at the first
// failed blocking intent. It never starts a workflow itself: the reconciler does.
import { randomUUID } from 'node:crypto';
import { errorFields, type Logger } from '../../common/log.js';
import { type Run, type TemporalActionIntent } from '../../common/model/types.js';
import { ANNOTATION_NAME, ANNOTATION_RUN_REQUEST, FINALIZER } from '../../common/domain/annotations.js';
import { timeoutMs } from '../../common/domain/durations.js';
import { objectKey } from '../../common/domain/keys.js';
import { activeRun, isTerminal, knownRun, runOrder, sameHook } from '../../common/domain/runs.js';
import type { OperatorMetrics } from '../metrics.js';
import type {
  EventOutcome,
  IntentOutcome,
  IntentStore,
  LifecycleEvent,
  LifecycleService,
  MetadataPatch,
  PolledEvent,
} from '../ports.js';
import { StoreError } from '../ports.js';
import { parseRunRequest, type RunRequest } from '../runs/run-identity.js';

/** Events kept for polling callers (oldest dropped first). */
const MAX_REMEMBERED = 1000;
/** Margin on top of an intent's own limits before the event gives up waiting for the operator. */
const WAIT_MARGIN_MS = 30_000;

export interface LifecycleDeps {
  /** Requests go through the store, whose cache shows them at once (the leader in this process reacts). */
  store: IntentStore;
  logger: Logger;
  metrics?: OperatorMetrics;
  /** `startLookupMs`: how long the operator may take to start (or confirm the start of) one run,
   * per attempt; `maxStartAttempts`: how many invokes an unconfirmed start may take. */
  config: { defaultBlockingTimeoutMs: number; startLookupMs: number; maxStartAttempts: number };
}

/** What is kept of one event for polling callers. */
interface EventRecord {
  pollId: string;
  eventId: string;
  namespace: string;
  outcome?: EventOutcome;
  failure?: string;
}

/** The key of an event's scope: namespace, DIG, hook type (as spelled) and event id. */
function scopeKey(event: LifecycleEvent & { eventId: string }): string {
  const d = event.dig;
  return JSON.stringify([
    event.namespace ?? '',
    d.project,
    d.compositeApp,
    d.compositeAppVersion,
    d.deploymentIntentGroup,
    event.hookType,
    event.eventId,
  ]);
}

export class Lifecycle implements LifecycleService {
  /** By scope key, oldest first (bounded by MAX_REMEMBERED). */
  private readonly records = new Map<string, EventRecord>();
  private readonly scopes = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<EventOutcome>>();

  constructor(private readonly deps: LifecycleDeps) {}

  pollId(event: LifecycleEvent & { eventId: string }): string {
    return this.record(scopeKey(event), event).pollId;
  }

  poll(pollId: string): PolledEvent | undefined {
    const key = this.scopes.get(pollId);
    const record = key === undefined ? undefined : this.records.get(key);
    if (record === undefined) return undefined;
    return {
      eventId: record.eventId,
      namespace: record.namespace,
      ...(record.outcome !== undefined ? { outcome: record.outcome } : {}),
      ...(record.failure !== undefined ? { failure: record.failure } : {}),
    };
  }

  fire(event: LifecycleEvent): Promise<EventOutcome> {
    const scoped = { ...event, eventId: event.eventId ?? randomUUID() };
    const key = scopeKey(scoped);
    const running = this.inFlight.get(key);
    if (running !== undefined) return running;
    const record = this.record(key, scoped);
    if (record.outcome?.endTime !== undefined) return Promise.resolve(record.outcome);
    delete record.failure;
    const promise = this.run(scoped, key).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    promise.catch((err: unknown) => {
      this.record(key, scoped).failure = err instanceof Error ? err.message : String(err);
    });
    return promise;
  }

  /** The event's record, created (with a fresh poll id) when missing; the oldest go beyond the bound. */
  private record(key: string, event: LifecycleEvent & { eventId: string }): EventRecord {
    let record = this.records.get(key);
    if (record !== undefined) return record;
    record = { pollId: randomUUID(), eventId: event.eventId, namespace: event.namespace ?? '' };
    this.records.set(key, record);
    this.scopes.set(record.pollId, key);
    while (this.records.size > MAX_REMEMBERED) {
      const oldest = this.records.entries().next().value;
      if (oldest === undefined) break;
      this.records.delete(oldest[0]);
      this.scopes.delete(oldest[1].pollId);
    }
    return record;
  }

  private remember(key: string, event: LifecycleEvent & { eventId: string }, outcome: EventOutcome): void {
    this.record(key, event).outcome = outcome;
  }

  private async run(event: LifecycleEvent & { eventId: string }, key: string): Promise<EventOutcome> {
    const log = this.deps.logger.child({ eventId: event.eventId, hookType: event.hookType, dig: event.dig });
    const intents = this.deps.store
      .listByDig(event.dig, event.namespace)
      .filter((i) => sameHook(i.spec.hookType, event.hookType))
      .sort(runOrder);
    const outcome: EventOutcome = {
      eventId: event.eventId,
      dig: event.dig,
      hookType: event.hookType,
      succeeded: true,
      intents: [],
      startTime: new Date().toISOString(),
    };
    this.remember(key, event, outcome);
    log.info('Lifecycle event started', { intents: intents.map(objectKey) });
    for (const intent of intents) {
      if (!outcome.succeeded) {
        outcome.intents.push(
          this.describe(intent, {
            phase: 'Skipped',
            message: `not started: ${outcome.failedIntent ?? ''} failed`,
          }),
        );
        continue;
      }
      const result = await this.runIntent(intent, event, log);
      outcome.intents.push(result);
      // A blocking intent must succeed; any intent must at least start (as in EMCO, where a start
      // failure fails the hook).
      const startFailed = result.phase === 'Failed' && result.runId === undefined;
      if ((result.blocking && result.phase !== 'Succeeded') || startFailed) {
        outcome.succeeded = false;
        outcome.failedIntent = result.intent;
      }
    }
    outcome.endTime = new Date().toISOString();
    this.remember(key, event, outcome);
    this.deps.metrics?.lifecycleEvents.inc({
      hook_type: event.hookType,
      outcome: outcome.succeeded ? 'Succeeded' : 'Failed',
    });
    log.info('Lifecycle event finished', {
      succeeded: outcome.succeeded,
      failedIntent: outcome.failedIntent,
    });
    return outcome;
  }

  private async runIntent(
    intent: TemporalActionIntent,
    event: LifecycleEvent & { eventId: string },
    log: Logger,
  ): Promise<IntentOutcome> {
    const ns = intent.metadata?.namespace ?? '';
    const name = intent.metadata?.name ?? '';
    const blocking = intent.spec.hookBlocking === true;
    if (knownRun(intent.status, event.eventId) === undefined) {
      const failed = await this.requestRun(intent, event, log);
      if (failed !== undefined) return failed;
    }
    const busyMs =
      activeRun(intent.status) !== undefined
        ? timeoutMs(intent.spec.hookBlockingTimeout, this.deps.config.defaultBlockingTimeoutMs)
        : 0;
    const budget =
      this.deps.config.startLookupMs * this.deps.config.maxStartAttempts +
      WAIT_MARGIN_MS +
      busyMs +
      (blocking ? timeoutMs(intent.spec.hookBlockingTimeout, this.deps.config.defaultBlockingTimeoutMs) : 0);
    let superseded = false;
    const settled = (current: TemporalActionIntent | undefined): boolean => {
      if (current === undefined) return true;
      const run = knownRun(current.status, event.eventId);
      // An unconfirmed start (no answer from the workflow client) keeps the event waiting: the
      // workflow may well have started, and the operator finds it by its id (or starts it again
      // when it did not), so the event answers what Temporal will record, not a guess.
      if (run !== undefined) return isTerminal(run.phase) || (!blocking && run.phase === 'Running');
      const pending = parseRunRequest(current.metadata?.annotations?.[ANNOTATION_RUN_REQUEST]);
      superseded = pending !== undefined && pending.id !== event.eventId;
      return superseded;
    };
    await this.deps.store.waitFor(ns, name, settled, budget);
    const current = this.deps.store.get(ns, name);
    if (current === undefined)
      return this.describe(intent, { phase: 'Failed', message: 'the intent was deleted during the event' });
    const run = knownRun(current.status, event.eventId);
    if (run === undefined) {
      return this.describe(current, {
        phase: 'Failed',
        message: superseded
          ? 'another lifecycle event requested a run of this intent first'
          : `the run did not start within ${budget} ms`,
      });
    }
    return this.fromRun(current, run, blocking);
  }

  /** Asks the controller for a run (an annotation); the intent's Failed outcome when that failed. */
  private async requestRun(
    intent: TemporalActionIntent,
    event: LifecycleEvent & { eventId: string },
    log: Logger,
  ): Promise<IntentOutcome | undefined> {
    const request: RunRequest = {
      id: event.eventId,
      hookType: event.hookType,
      eventId: event.eventId,
      requestedAt: new Date().toISOString(),
      ...(event.appContextId !== undefined ? { appContextId: event.appContextId } : {}),
      ...(event.emcoUrl !== undefined ? { emcoUrl: event.emcoUrl } : {}),
    };
    try {
      await this.writeRequest(intent, { [ANNOTATION_RUN_REQUEST]: JSON.stringify(request) });
      return undefined;
    } catch (err) {
      log.warn('Could not request a run', { intent: objectKey(intent), ...errorFields(err) });
      return this.describe(intent, {
        phase: 'Failed',
        message: `could not request the run: ${errorFields(err).error as string}`,
      });
    }
  }

  /**
   * Writes the run request. An intent without the operator's finalizer gets it in the same patch,
   * so the controller need not write it before the run (one API write less per event): that patch
   * replaces the finalizer list, so it is made only on the version read (a conflict means someone
   * else changed the intent, maybe its finalizers) and falls back to the request alone, leaving
   * the finalizer to the controller, which adds it before anything starts, as without this step.
   */
  private async writeRequest(
    intent: TemporalActionIntent,
    annotations: Record<string, string>,
  ): Promise<void> {
    const ns = intent.metadata?.namespace ?? '';
    const name = intent.metadata?.name ?? '';
    const finalizers = intent.metadata?.finalizers ?? [];
    const version = intent.metadata?.resourceVersion;
    // No finalizer may be added to an intent being deleted (the API server refuses it).
    if (
      !finalizers.includes(FINALIZER) &&
      intent.metadata?.deletionTimestamp === undefined &&
      version !== undefined
    ) {
      const patch: MetadataPatch = { annotations, finalizers: [...finalizers, FINALIZER] };
      try {
        await this.deps.store.patchMetadata(ns, name, patch, version);
        return;
      } catch (err) {
        if (!(err instanceof StoreError && err.kind === 'Conflict')) throw err;
      }
    }
    await this.deps.store.patchMetadata(ns, name, { annotations });
  }

  private fromRun(intent: TemporalActionIntent, run: Run, blocking: boolean): IntentOutcome {
    if (run.phase === 'Pending') {
      // The budget ran out before the start was confirmed: the event cannot count on this run.
      const message = run.failureMessage ?? 'the run had not started yet';
      return this.describe(intent, { phase: 'Failed', run, message, blocking });
    }
    if (run.phase === 'Running') {
      // Non-blocking and started: done for the event. Blocking and still running: out of budget.
      return blocking
        ? this.describe(intent, { phase: 'Failed', run, message: 'the run was still running', blocking })
        : this.describe(intent, { phase: 'Succeeded', run, message: 'workflow started (non-blocking)' });
    }
    return this.describe(intent, {
      phase: run.phase,
      run,
      ...(run.failureMessage !== undefined ? { message: run.failureMessage } : {}),
      blocking,
    });
  }

  private describe(
    intent: TemporalActionIntent,
    o: { phase: IntentOutcome['phase']; run?: Run; message?: string; blocking?: boolean },
  ): IntentOutcome {
    return {
      intent: intent.metadata?.annotations?.[ANNOTATION_NAME] ?? intent.metadata?.name ?? '',
      namespace: intent.metadata?.namespace ?? '',
      resourceName: intent.metadata?.name ?? '',
      blocking: o.blocking ?? intent.spec.hookBlocking === true,
      phase: o.phase,
      ...(o.run?.workflowId !== undefined ? { workflowId: o.run.workflowId } : {}),
      ...(o.run?.runId !== undefined ? { runId: o.run.runId } : {}),
      ...(o.run?.startTime !== undefined ? { startTime: o.run.startTime } : {}),
      ...(o.run?.endTime !== undefined ? { endTime: o.run.endTime } : {}),
      ...(o.message !== undefined ? { message: o.message } : {}),
    };
  }
}
