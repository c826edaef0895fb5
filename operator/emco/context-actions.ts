// Owns what EMCO's action-controller calls mean: which hook an UpdateAppContext, TerminateAppContext
// or PostEvent fires for an app context, the workers deployed before pre hooks and terminated
// after post events, and EMCO's answer texts. The hooks themselves run through the lifecycle
// service, the same implementation of an event as the REST lifecycle endpoint. A call is keyed by
// (app context, hook): a repeat attaches to the event in flight or gets its recorded outcome,
// because the event id is derived from that key and the lifecycle service records each intent's
// run under it in the intent's status (so this holds across operator restarts too).
import { createHash } from 'node:crypto';
import { runOrder, sameHook } from '../../common/domain/runs.js';
import type { DigRef } from '../../common/emco/types.js';
import { errorFields, type Logger } from '../../common/log.js';
import type { TemporalActionIntent } from '../../common/model/types.js';
import type { EventOutcome, HookType, IntentStore, LifecycleService } from '../ports.js';
import { readWorkers } from '../rest/emco-worker-store.js';
import type { AppContextReader } from './app-context.js';
import type { WorkerOrchestrator, WorkerTarget } from './orchestrator-workers.js';

/** EMCO's PostEvent event types (the proto enum's values). */
export const EVENT_TYPES = { INSTANTIATE: 0, TERMINATE: 1, UPDATE: 2 } as const;

export type ContextCall =
  | { method: 'UpdateAppContext'; appContext: string; intentName: string; updateFromAppContext: string }
  | { method: 'TerminateAppContext'; appContext: string }
  | { method: 'PostEvent'; appContext: string; eventType: number };

export interface ActionResult {
  ok: boolean;
  /** EMCO's success text, or the error text (also the gRPC error's message). */
  message: string;
  /** The lifecycle event that ran, when one did. */
  outcome?: EventOutcome;
}

export const SUCCESS_TEXT: Record<ContextCall['method'], string> = {
  UpdateAppContext: 'Context updated successfully.',
  TerminateAppContext: 'Context Terminated successfully.',
  PostEvent: 'Post Context Updated successfully.',
};

const POST_HOOKS: readonly HookType[] = ['post-install', 'post-termination', 'post-update'];

/** The pre hook whose workers a post hook terminates. */
const PRE_OF: Partial<Record<HookType, HookType>> = {
  'post-install': 'pre-install',
  'post-termination': 'pre-termination',
  'post-update': 'pre-update',
};

/** Go's strconv.Atoi on the orchestrator's "update from" context: a number selects pre-update. */
export function isGoInt(text: string): boolean {
  return /^[+-]?\d{1,19}$/.test(text);
}

/** The hook a call fires, or an error text for an event type EMCO does not define. */
export function hookOf(call: ContextCall): HookType | { error: string } {
  switch (call.method) {
    case 'UpdateAppContext':
      return isGoInt(call.updateFromAppContext) ? 'pre-update' : 'pre-install';
    case 'TerminateAppContext':
      return 'pre-termination';
    case 'PostEvent':
      return POST_HOOKS[call.eventType] ?? { error: `PostEvent: unknown event type ${call.eventType}` };
  }
}

/**
 * The lifecycle event id of (app context, hook): stable, so every repeat of a call names the same
 * event. Ids that are not plain tokens are hashed to keep the event id within its pattern.
 */
export function contextEventId(appContext: string, hook: HookType): string {
  const token = /^[A-Za-z0-9_-]{1,64}$/.test(appContext)
    ? appContext
    : `h${createHash('sha256').update(appContext).digest('hex').slice(0, 32)}`;
  return `emco-${token}-${hook}`;
}

function failureText(call: ContextCall, outcome: EventOutcome): string {
  const failed =
    outcome.intents.find((i) => i.intent === outcome.failedIntent) ??
    outcome.intents.find((i) => i.phase !== 'Succeeded' && i.phase !== 'Skipped');
  const why = failed?.message ?? failed?.phase ?? 'failed';
  const name = outcome.failedIntent ?? failed?.intent ?? '(unknown)';
  // EMCO names every pre hook "pre-install" in this text, and every post hook "PostEvent".
  const where = call.method === 'PostEvent' ? 'PostEvent hook' : 'pre-install hook';
  return `Failed to run workflow in ${where}: ${name}: ${why}`;
}

export interface ContextActionsDeps {
  lifecycle: LifecycleService;
  contexts: AppContextReader;
  store: IntentStore;
  /** Namespace whose intents run (the REST API's, where EMCO clients create them). */
  namespace: string;
  /** With an EMCO orchestrator configured: deploys and terminates workers. */
  workers?: WorkerOrchestrator;
  /** Passed to workflows as activityParams.emco.emcoURL. */
  emcoUrl?: string;
  logger: Logger;
}

export class ContextActions {
  private readonly inFlight = new Map<string, Promise<ActionResult>>();

  constructor(private readonly deps: ContextActionsDeps) {}

  /** Runs a call (or attaches to the same call in flight). Never throws: failures are results. */
  handle(call: ContextCall): Promise<ActionResult> {
    const hook = hookOf(call);
    if (typeof hook !== 'string') return Promise.resolve({ ok: false, message: hook.error });
    const eventId = contextEventId(call.appContext, hook);
    const running = this.inFlight.get(eventId);
    if (running !== undefined) {
      this.deps.logger.info('Repeated call attached to the event in flight', {
        eventId,
        method: call.method,
      });
      return running;
    }
    const promise = this.run(call, hook, eventId).finally(() => this.inFlight.delete(eventId));
    this.inFlight.set(eventId, promise);
    return promise;
  }

  private async run(call: ContextCall, hook: HookType, eventId: string): Promise<ActionResult> {
    const log = this.deps.logger.child({ eventId, method: call.method, appContext: call.appContext, hook });
    let dig: DigRef;
    try {
      dig = await this.deps.contexts.dig(call.appContext);
    } catch (err) {
      const prefix = call.method === 'PostEvent' ? 'PostEvent Failed' : 'Failed';
      const message = `${prefix} to get the appContext with ID: ${call.appContext}.: ${err instanceof Error ? err.message : String(err)}`;
      log.warn('App context not readable', { ...errorFields(err) });
      return { ok: false, message };
    }
    log.info('Action controller call', { dig });
    try {
      await this.workerStep(call, hook, dig);
    } catch (err) {
      log.warn('Worker step failed', errorFields(err));
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
    let outcome: EventOutcome;
    try {
      outcome = await this.deps.lifecycle.fire({
        dig,
        hookType: hook,
        eventId,
        appContextId: call.appContext,
        namespace: this.deps.namespace,
        ...(this.deps.emcoUrl !== undefined ? { emcoUrl: this.deps.emcoUrl } : {}),
      });
    } catch (err) {
      log.error('Lifecycle event could not run', errorFields(err));
      return {
        ok: false,
        message: `the lifecycle event could not run: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
    if (!outcome.succeeded) return { ok: false, message: failureText(call, outcome), outcome };
    return { ok: true, message: SUCCESS_TEXT[call.method], outcome };
  }

  /** Pre hooks deploy the workers of their intents; post events terminate those of the matching pre hook. */
  private async workerStep(call: ContextCall, hook: HookType, dig: DigRef): Promise<void> {
    const workers = this.deps.workers;
    if (workers === undefined) return;
    if (call.method === 'PostEvent') {
      const pre = PRE_OF[hook];
      if (pre !== undefined) await workers.terminate(this.workersOf(dig, pre));
      return;
    }
    await workers.deploy(this.workersOf(dig, hook));
  }

  /** The workers registered under the DIG's intents of a hook, in the hooks' run order. */
  workersOf(dig: DigRef, hook: HookType): WorkerTarget[] {
    const intents: TemporalActionIntent[] = this.deps.store
      .listByDig(dig, this.deps.namespace)
      .filter((i) => sameHook(i.spec.hookType, hook))
      .sort(runOrder);
    return intents.flatMap((intent) =>
      readWorkers(intent).map((w) => ({
        name: w.metadata.name,
        dig: {
          project: dig.project,
          compositeApp: w.spec.compositeApp,
          compositeAppVersion: w.spec.compositeAppVersion,
          deploymentIntentGroup: w.spec.deploymentIntentGroup,
        },
        readyTimeoutMs: Number(w.spec.startToCloseTimeout),
      })),
    );
  }
}
