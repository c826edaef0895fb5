// Owns deploying and terminating the "workers" of EMCO hooks (composite apps registered under a TAC
// intent's workers sub-API) through the EMCO orchestrator's REST API, as EMCO's TAC does around
// its pre and post hooks: check each worker DIG's state, instantiate it, check that it is ready,
// and terminate it after the post event.
import { request } from 'undici';
import type { DigRef } from '../../common/emco/types.js';
import type { Logger } from '../../common/log.js';
import { trimTrailing } from '../../common/text.js';

/** A worker to deploy: its own DIG (same project as the hook's DIG) and how long it may take to be ready. */
export interface WorkerTarget {
  /** The worker intent's name (for messages). */
  name: string;
  dig: DigRef;
  /** EMCO's startToCloseTimeout: milliseconds the worker may take to become ready. */
  readyTimeoutMs: number;
}

/** EMCO's texts for worker failures. */
export const NOT_APPROVED = 'Submitted worker not approved to be instantiated, or already instantiated.';
export const NOT_READY = "Timeout reached, and DIG isn't ready.";
export const TERMINATE_FAILED = 'Issue terminating one of the workers';

export class WorkerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkerError';
  }
}

export interface WorkerOrchestrator {
  /** Deploys the workers of pre hooks (in order); throws WorkerError with EMCO's text on failure. */
  deploy(workers: readonly WorkerTarget[]): Promise<void>;
  /** Terminates the workers of pre hooks after their post event; throws WorkerError on failure. */
  terminate(workers: readonly WorkerTarget[]): Promise<void>;
}

export interface OrchestratorWorkersOptions {
  /** Per-request timeout. */
  requestTimeoutMs: number;
  /** Time between ready checks while a worker is not ready. */
  pollMs: number;
  logger: Logger;
}

function digPath(base: string, dig: DigRef): string {
  const e = encodeURIComponent;
  return (
    `${base}/v2/projects/${e(dig.project)}/composite-apps/${e(dig.compositeApp)}/${e(dig.compositeAppVersion)}` +
    `/deployment-intent-groups/${e(dig.deploymentIntentGroup)}`
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The last lifecycle state of a DIG status answer (`states.actions[-1].state`), '' when none. */
export function lastState(status: unknown): string {
  const states = isObject(status) ? status['states'] : undefined;
  const actions = isObject(states) ? states['actions'] : undefined;
  if (!Array.isArray(actions) || actions.length === 0) return '';
  const last: unknown = actions[actions.length - 1];
  return isObject(last) && typeof last['state'] === 'string' ? last['state'] : '';
}

/** Whether a `status?status=ready` answer says the DIG is ready. */
export function isReady(status: unknown): boolean {
  return isObject(status) && status['readyStatus'] === 'Ready';
}

/** Whether a worker in this state gets instantiated; `Instantiated` ones are left alone, others refused. */
export function deployDecision(state: string): 'instantiate' | 'skip' | 'refuse' {
  if (state === 'Approved' || state === 'Terminated') return 'instantiate';
  if (state === 'Instantiated') return 'skip';
  return 'refuse';
}

export class OrchestratorWorkers implements WorkerOrchestrator {
  private readonly base: string;

  constructor(
    orchestratorUrl: string,
    private readonly options: OrchestratorWorkersOptions,
  ) {
    this.base = trimTrailing(orchestratorUrl, '/');
  }

  private async call(method: 'GET' | 'POST', url: string): Promise<{ status: number; body: unknown }> {
    const t = this.options.requestTimeoutMs;
    const res = await request(url, {
      method,
      headersTimeout: t,
      bodyTimeout: t,
      ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}),
    });
    const text = await res.body.text();
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.statusCode, body };
  }

  private async status(dig: DigRef, query = ''): Promise<unknown> {
    const { status, body } = await this.call('GET', `${digPath(this.base, dig)}/status${query}`);
    if (status !== 200) throw new Error(`status of ${dig.deploymentIntentGroup} answered ${status}`);
    return body;
  }

  async deploy(workers: readonly WorkerTarget[]): Promise<void> {
    const log = this.options.logger;
    const toDeploy: WorkerTarget[] = [];
    for (const w of workers) {
      let state: string;
      try {
        state = lastState(await this.status(w.dig));
      } catch (err) {
        throw new WorkerError(NOT_APPROVED, { cause: err });
      }
      const decision = deployDecision(state);
      log.info('Worker state checked', { worker: w.name, dig: w.dig, state, decision });
      if (decision === 'refuse') throw new WorkerError(NOT_APPROVED);
      if (decision === 'instantiate') toDeploy.push(w);
    }
    const started = Date.now();
    for (const w of toDeploy) {
      let answer: { status: number; body: unknown };
      try {
        answer = await this.call('POST', `${digPath(this.base, w.dig)}/instantiate`);
      } catch (err) {
        throw new WorkerError(`Failed to instantiate worker ${w.name}`, { cause: err });
      }
      if (answer.status < 200 || answer.status >= 300) {
        throw new WorkerError(
          `Failed to instantiate worker ${w.name}: the orchestrator answered ${answer.status}`,
        );
      }
      log.info('Worker instantiated', { worker: w.name, dig: w.dig });
    }
    for (const w of toDeploy) await this.waitReady(w, started);
  }

  /** Polls until ready or until the worker's startToCloseTimeout has passed since the deploy began. */
  private async waitReady(w: WorkerTarget, started: number): Promise<void> {
    const deadline = started + w.readyTimeoutMs;
    for (;;) {
      let ready = false;
      try {
        ready = isReady(await this.status(w.dig, '?status=ready'));
      } catch (err) {
        this.options.logger.warn('Worker ready check failed', { worker: w.name, error: String(err) });
      }
      if (ready) return;
      const left = deadline - Date.now();
      if (left <= 0) throw new WorkerError(NOT_READY);
      await new Promise((r) => setTimeout(r, Math.min(this.options.pollMs, left)));
    }
  }

  async terminate(workers: readonly WorkerTarget[]): Promise<void> {
    for (const w of workers) {
      try {
        const state = lastState(await this.status(w.dig));
        // Only a deployed worker is terminated; a retried post event finds it Terminated already.
        if (state !== 'Instantiated') {
          this.options.logger.info('Worker not instantiated; nothing to terminate', {
            worker: w.name,
            state,
          });
          continue;
        }
        const { status } = await this.call('POST', `${digPath(this.base, w.dig)}/terminate`);
        if (status < 200 || status >= 300) throw new Error(`terminate answered ${status}`);
        this.options.logger.info('Worker terminated', { worker: w.name, dig: w.dig });
      } catch (err) {
        throw new WorkerError(TERMINATE_FAILED, { cause: err });
      }
    }
  }
}
