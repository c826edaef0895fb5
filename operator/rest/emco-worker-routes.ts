// Owns EMCO's workers sub-API below one TAC intent (`…/{tac-intent}/workers[/{worker}]`) with
// EMCO's codes and texts. Workers are kept on their TAC intent resource (see worker-store.ts); the
// TAC intent must exist (409 parent not found otherwise), and it cannot be deleted while it has any.
import { digOf, findIntent, storeErrorReply } from './intent-lookup.js';
import { readEmcoBody, TAC_INTENT } from './intent-routes.js';
import { PARENT_NOT_FOUND } from './parent-check.js';
import { HttpError, jsonText, noContent, textError, type Reply } from './reply.js';
import type { RequestContext, RestServices, RouteDef } from './route-types.js';
import {
  decodeWorkerIntent,
  encodeWorkerIntent,
  encodeWorkerList,
  validateWorkerIntent,
  type WorkerIntent,
} from './emco-worker-intent.js';
import { readWorkers, updateWorkers } from './emco-worker-store.js';

export const TAC_WORKERS = `${TAC_INTENT}/workers`;
export const TAC_WORKER = `${TAC_WORKERS}/:worker`;

export const WORKER_TEXT = {
  notFound: 'The worker you are looking for was not found.',
  exists: 'A worker with this name already exists.',
  deleteNotFound: 'The requested resource not found',
} as const;

function readWorker(ctx: RequestContext): Promise<WorkerIntent> {
  return readEmcoBody(ctx, decodeWorkerIntent, validateWorkerIntent);
}

const parentOf = (s: RestServices, ctx: RequestContext) => () =>
  findIntent(s, digOf(ctx.params), ctx.params.tacIntent ?? '');

async function write(s: RestServices, ctx: RequestContext, mustBeNew: boolean): Promise<Reply> {
  const worker = await readWorker(ctx);
  const name = worker.metadata.name;
  try {
    await updateWorkers(
      s,
      parentOf(s, ctx),
      () => new HttpError(409, PARENT_NOT_FOUND),
      (workers) => {
        const at = workers.findIndex((w) => w.metadata.name === name);
        if (at >= 0 && mustBeNew) throw new HttpError(409, WORKER_TEXT.exists);
        if (at >= 0) return workers.map((w, i) => (i === at ? worker : w));
        return [...workers, worker];
      },
    );
  } catch (err) {
    throw storeErrorReply(err);
  }
  ctx.logger.info('Stored worker intent', { intent: ctx.params.tacIntent, worker: name });
  return jsonText(201, encodeWorkerIntent(worker) + '\n');
}

function getOne(s: RestServices, ctx: RequestContext): Promise<Reply> {
  const parent = parentOf(s, ctx)();
  const worker =
    parent === undefined ? undefined : readWorkers(parent).find((w) => w.metadata.name === ctx.params.worker);
  if (worker === undefined) return Promise.resolve(textError(404, WORKER_TEXT.notFound));
  return Promise.resolve(jsonText(200, encodeWorkerIntent(worker) + '\n'));
}

function list(s: RestServices, ctx: RequestContext): Promise<Reply> {
  const parent = parentOf(s, ctx)();
  return Promise.resolve(
    jsonText(200, encodeWorkerList(parent === undefined ? [] : readWorkers(parent)) + '\n'),
  );
}

async function remove(s: RestServices, ctx: RequestContext): Promise<Reply> {
  const name = ctx.params.worker ?? '';
  const missing = () => new HttpError(404, WORKER_TEXT.deleteNotFound);
  try {
    await updateWorkers(s, parentOf(s, ctx), missing, (workers) => {
      if (!workers.some((w) => w.metadata.name === name)) throw missing();
      return workers.filter((w) => w.metadata.name !== name);
    });
  } catch (err) {
    throw storeErrorReply(err, { notFound: WORKER_TEXT.deleteNotFound });
  }
  ctx.logger.info('Deleted worker intent', { intent: ctx.params.tacIntent, worker: name });
  return noContent('application/json');
}

export function workerRoutes(s: RestServices): RouteDef[] {
  return [
    {
      method: 'POST',
      pattern: TAC_WORKERS,
      summary: 'Create a worker intent of a TAC intent',
      access: { verb: 'update' },
      handler: (ctx) => write(s, ctx, true),
    },
    {
      method: 'GET',
      pattern: TAC_WORKERS,
      summary: 'List the worker intents of a TAC intent',
      access: { verb: 'get' },
      handler: (ctx) => list(s, ctx),
    },
    {
      method: 'GET',
      pattern: TAC_WORKER,
      summary: 'Get one worker intent',
      access: { verb: 'get' },
      handler: (ctx) => getOne(s, ctx),
    },
    {
      method: 'PUT',
      pattern: TAC_WORKER,
      summary:
        "Create or replace the worker intent named in the body (the URL's name is ignored, as in EMCO)",
      access: { verb: 'update' },
      handler: (ctx) => write(s, ctx, false),
    },
    {
      method: 'DELETE',
      pattern: TAC_WORKER,
      summary: 'Delete a worker intent',
      access: { verb: 'update' },
      handler: (ctx) => remove(s, ctx),
    },
  ];
}
