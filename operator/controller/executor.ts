// Owns the act part of a reconcile: carries out a planned Step. Stopping a workflow (idempotent by
// its id) happens before the status write; the status is written once, only when it changed; the
// invoke, watches and Events come after, so a start is always recorded before it is attempted.
// Nothing is done once the leader's term (the signal) has ended.
import { errorFields, type Logger } from '../../common/log.js';
import type { TemporalActionIntent } from '../../common/model/types.js';
import type { EventSink } from '../kube/event-recorder.js';
import type { OperatorMetrics } from '../metrics.js';
import type { IntentStore } from '../ports.js';
import type { InvokeResult, Invoker } from '../runs/invoke.js';
import { invokeBody } from '../runs/invoke-body.js';
import type { WorkflowPort } from '../temporal/temporal-gateway.js';
import { recordRunOutcome } from './run-events.js';
import { statusChanged } from './run-status.js';
import type { RunWatcher } from './run-watcher.js';
import type { Action, Step } from './step.js';

export interface ExecutorDeps {
  store: Pick<IntentStore, 'replaceStatus'>;
  temporal: Pick<WorkflowPort, 'cancel' | 'terminate'>;
  invoker: Pick<Invoker, 'invoke'>;
  events: EventSink;
  watcher: Pick<RunWatcher, 'watch' | 'forget'>;
  metrics?: OperatorMetrics;
  /** EMCO URL for activityParams.emco when the lifecycle event named none. */
  emcoOrchestratorUrl?: string;
}

export interface Executed {
  /** The object after the step (the written one when status changed). */
  intent: TemporalActionIntent;
  /** The workflow client's answer, when the step invoked it. */
  invoked?: InvokeResult;
}

const BEFORE_WRITE: ReadonlySet<Action['type']> = new Set(['cancel', 'terminate']);

export class Executor {
  constructor(private readonly deps: ExecutorDeps) {}

  /**
   * Carries out `step` for `key`. Throws what the store or Temporal throw (the queue retries), and
   * `signal`'s reason before any action or write once it aborted (the leader's term ended).
   */
  async execute(
    key: string,
    intent: TemporalActionIntent,
    step: Step,
    log: Logger,
    signal?: AbortSignal,
  ): Promise<Executed> {
    for (const action of step.actions) {
      if (!BEFORE_WRITE.has(action.type)) continue;
      signal?.throwIfAborted();
      await this.act(key, intent, action, log, signal);
    }
    let current = intent;
    if (statusChanged(intent.status, step.status)) {
      signal?.throwIfAborted();
      current = await this.deps.store.replaceStatus({ ...intent, status: step.status });
    }
    let invoked: InvokeResult | undefined;
    for (const action of step.actions) {
      if (BEFORE_WRITE.has(action.type)) continue;
      signal?.throwIfAborted();
      invoked = (await this.act(key, current, action, log, signal)) ?? invoked;
    }
    return { intent: current, ...(invoked !== undefined ? { invoked } : {}) };
  }

  private async act(
    key: string,
    intent: TemporalActionIntent,
    action: Action,
    log: Logger,
    signal?: AbortSignal,
  ): Promise<InvokeResult | undefined> {
    switch (action.type) {
      case 'invoke':
        return this.invoke(intent, action.run, log, signal);
      case 'cancel':
        await this.deps.temporal.cancel(action.ref, signal);
        log.warn('Cancelled workflow', { workflowId: action.ref.workflowId, runId: action.ref.runId });
        return undefined;
      case 'terminate':
        await this.deps.temporal.terminate(action.ref, action.reason, [], signal);
        log.warn('Terminated workflow', { workflowId: action.ref.workflowId, runId: action.ref.runId });
        return undefined;
      case 'watch':
        this.deps.watcher.watch(key, action.ref);
        return undefined;
      case 'forget':
        this.deps.watcher.forget(key);
        return undefined;
      case 'event':
        // Best effort: an Event never holds up or fails a reconcile.
        this.deps.events
          .record(intent, action.event.type, action.event.reason, action.event.message)
          .catch((err: unknown) => log.warn('Could not record an Event', errorFields(err)));
        recordRunOutcome(this.deps.metrics, intent, action.run);
        return undefined;
    }
  }

  private async invoke(
    intent: TemporalActionIntent,
    run: Parameters<typeof invokeBody>[1],
    log: Logger,
    signal?: AbortSignal,
  ): Promise<InvokeResult> {
    const target = {
      host: intent.spec.workflowClient?.clientEndpointName ?? '',
      port: intent.spec.workflowClient?.clientEndpointPort ?? 0,
      clientName: intent.spec.temporal?.workflowClientName ?? '',
      ...(run.workflowId !== undefined ? { workflowId: run.workflowId } : {}),
    };
    const answer = await this.deps.invoker.invoke(
      target,
      invokeBody(intent, run, this.deps.emcoOrchestratorUrl),
      signal,
    );
    const fields = { runId: run.id, workflowId: run.workflowId, attempt: run.attempt };
    if (answer.outcome === 'started')
      log.info('Started workflow', { ...fields, temporalRunId: answer.runId });
    else log.warn(`Workflow start ${answer.outcome}`, { ...fields, message: answer.message });
    return answer;
  }
}
