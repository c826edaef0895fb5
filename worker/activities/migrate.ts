// Owns the activities of the EMCO app-migration workflow: read an app's placement in a DIG,
// point it at the target cluster, run EMCO's DIG update, and read the DIG's ready status. Each is
// one idempotent step the workflow retries; failures say which request failed and how.
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { Logger } from '../../common/log.js';
import type { ClusterRef, DigReadiness } from './dig-status.js';
import { evaluateDigStatus } from './dig-status.js';
import type { DigRef, EmcoClient } from './emco-client.js';
import { EmcoRequestError } from './emco-client.js';
import { EmcoUrlError } from './emco-url-policy.js';

/** Where one app of a DIG is placed: a generic placement intent's app intent. */
export interface AppPlacement {
  genericPlacementIntent: string;
  appIntent: string;
  app: string;
  /** The app intent's `metadata` as EMCO returned it (sent back unchanged on update). */
  metadata: Record<string, unknown>;
  /** The app intent's `spec.intent` (allOf/anyOf cluster selection) as EMCO returned it. */
  intent: Record<string, unknown>;
}

export interface GetAppPlacementInput {
  dig: DigRef;
  /** Only this app; every app of the DIG when absent. */
  app?: string;
}

export interface UpdateAppPlacementInput {
  dig: DigRef;
  placement: AppPlacement;
  /** The new `spec.intent`. */
  intent: Record<string, unknown>;
}

export interface DigStatusInput {
  dig: DigRef;
  apps: string[];
  target: ClusterRef;
}

/** Failure types the workflow and its callers can match on. */
export const EMCO_REQUEST_FAILED = 'EmcoRequestFailed';
export const EMCO_APP_NOT_FOUND = 'EmcoAppNotFound';
/** The workflow's EMCO URL is not in the worker's allow-list: never retried. */
export const EMCO_URL_NOT_ALLOWED = 'EmcoUrlNotAllowed';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nameOf(doc: JsonObject): string {
  const metadata = doc['metadata'];
  return isObject(metadata) && typeof metadata['name'] === 'string' ? metadata['name'] : '';
}

/**
 * Runs one EMCO step. Permanent request errors become non-retryable failures; retryable ones are
 * rethrown as retryable failures; a cancelled step rethrows its cancellation. Messages carry the attempt number so the final failure shows
 * how often the step was tried.
 */
async function step<T>(name: string, logger: Logger, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const attempt = ctx.info.attempt;
  try {
    return await fn(ctx.cancellationSignal);
  } catch (err) {
    // Cancelled (workflow cancel or worker shutdown): report the cancellation itself, so the SDK
    // records a cancelled activity (or a retryable one on shutdown) rather than a failed request.
    const cancelled: unknown = ctx.cancellationSignal.aborted ? ctx.cancellationSignal.reason : undefined;
    if (cancelled instanceof CancelledFailure) throw cancelled;
    if (err instanceof EmcoUrlError) {
      logger.warn('EMCO URL refused', {
        activity: name,
        workflowId: ctx.info.workflowExecution?.workflowId,
        error: err.message,
      });
      throw ApplicationFailure.create({
        message: `${name}: ${err.message}`,
        type: EMCO_URL_NOT_ALLOWED,
        nonRetryable: true,
        cause: err,
      });
    }
    if (!(err instanceof EmcoRequestError)) throw err;
    const message = `${name}: ${err.message} (attempt ${attempt})`;
    logger.warn('EMCO request failed', {
      activity: name,
      attempt,
      retryable: err.retryable,
      status: err.status,
      workflowId: ctx.info.workflowExecution?.workflowId,
      error: err.message,
    });
    const details = [{ status: err.status ?? null, attempt }];
    if (!err.retryable) throw ApplicationFailure.nonRetryable(message, EMCO_REQUEST_FAILED, ...details);
    throw ApplicationFailure.retryable(message, EMCO_REQUEST_FAILED, ...details);
  }
}

export function createMigrateActivities(deps: { emco: EmcoClient; logger: Logger }) {
  const { emco, logger } = deps;

  async function listNamed(url: string, signal: AbortSignal): Promise<JsonObject[]> {
    const body = await emco.getJson(url, signal);
    if (body === null) return []; // EMCO answers `null` for an empty list
    if (!Array.isArray(body)) {
      throw new EmcoRequestError(
        `GET ${url} answered a ${typeof body} where a list was expected`,
        false,
        200,
      );
    }
    return body.filter(isObject);
  }

  return {
    /** Lists the app intents (of every generic placement intent of the DIG) for `app`. */
    async emcoGetAppPlacement(input: GetAppPlacementInput): Promise<AppPlacement[]> {
      return await step('emcoGetAppPlacement', logger, async (signal) => {
        const digUrl = emco.digUrl(input.dig);
        await emco.getJson(digUrl, signal); // the DIG must exist: 404 here is a clear, permanent error
        const placements: AppPlacement[] = [];
        for (const gpi of await listNamed(`${digUrl}/generic-placement-intents`, signal)) {
          const gpiName = nameOf(gpi);
          const url = `${digUrl}/generic-placement-intents/${encodeURIComponent(gpiName)}/app-intents`;
          for (const appIntent of await listNamed(url, signal)) {
            const spec = isObject(appIntent['spec']) ? appIntent['spec'] : {};
            const app = typeof spec['app'] === 'string' ? spec['app'] : '';
            if (input.app !== undefined && app !== input.app) continue;
            placements.push({
              genericPlacementIntent: gpiName,
              appIntent: nameOf(appIntent),
              app,
              metadata: isObject(appIntent['metadata']) ? appIntent['metadata'] : { name: nameOf(appIntent) },
              intent: isObject(spec['intent']) ? spec['intent'] : {},
            });
          }
        }
        if (placements.length === 0) {
          const what = input.app === undefined ? 'no app intents' : `no app intent for app ${input.app}`;
          throw ApplicationFailure.nonRetryable(
            `emcoGetAppPlacement: DIG ${input.dig.deploymentIntentGroup} has ${what}`,
            EMCO_APP_NOT_FOUND,
          );
        }
        return placements;
      });
    },

    /** Replaces an app intent's cluster selection (PUT of the whole app intent). Idempotent. */
    async emcoUpdateAppPlacement(input: UpdateAppPlacementInput): Promise<void> {
      await step('emcoUpdateAppPlacement', logger, async (signal) => {
        const { placement } = input;
        const url =
          `${emco.digUrl(input.dig)}/generic-placement-intents/${encodeURIComponent(placement.genericPlacementIntent)}` +
          `/app-intents/${encodeURIComponent(placement.appIntent)}`;
        await emco.putJson(
          url,
          { metadata: placement.metadata, spec: { app: placement.app, intent: input.intent } },
          signal,
        );
        logger.info('Updated app placement', { url, app: placement.app });
      });
    },

    /** Asks EMCO to roll the DIG's deployed state forward to its current intents (`POST …/update`). */
    async emcoUpdateDig(input: { dig: DigRef }): Promise<void> {
      await step('emcoUpdateDig', logger, async (signal) => {
        const url = `${emco.digUrl(input.dig)}/update`;
        await emco.post(url, signal);
        logger.info('Requested DIG update', { url });
      });
    },

    /** Reads the DIG's ready status and judges whether the migration has landed. */
    async emcoGetDigStatus(input: DigStatusInput): Promise<DigReadiness> {
      return await step('emcoGetDigStatus', logger, async (signal) => {
        const query = input.apps.length === 1 ? `&app=${encodeURIComponent(input.apps[0] ?? '')}` : '';
        const status = await emco.getJson(`${emco.digUrl(input.dig)}/status?status=ready${query}`, signal);
        return evaluateDigStatus(status, input.apps, input.target);
      });
    },
  };
}
