// Owns the informer's full read of a resource as a streaming list (Kubernetes' watch list): one
// watch with `sendInitialEvents=true`, whose ADDED events are the objects and whose bookmark
// marked `k8s.io/initial-events-end` carries the list's resourceVersion. The API server serves it
// from its watch cache, consistent (`resourceVersionMatch=NotOlderThan` without a version: at least
// as fresh as etcd when asked), object by object: neither side holds the list as one body, and no
// `continue` page can fall through to etcd (measured 3× slower per page than the cache when it
// does). An API server that refuses it before any event (the WatchList feature off, as on
// Kubernetes before 1.32 unless enabled) gets the paged list from then on.
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../common/log.js';
import { classifyKubeError } from './errors.js';
import type { Lister } from './informer.js';
import { dropManagedFields, isRecord } from './raw-objects.js';

/** Starts a watch; events and the end arrive through the callbacks. Resolves to its stop. */
export type WatchStarter = (
  path: string,
  query: Record<string, string | number | boolean>,
  onEvent: (type: string, object: unknown) => void,
  onDone: (err: unknown) => void,
) => Promise<{ abort(): void }>;

export interface WatchListOptions {
  /** Collection path of the resource in one namespace (undefined: all namespaces). */
  pathOf(namespace: string | undefined): string;
  labelSelector?: string;
  /** Objects handed to `prepare` at a time. Default 500. */
  batchSize?: number;
  /** The API server ends the watch after this long, initial events sent or not. Default 600. */
  timeoutSeconds?: number;
}

/** The watch list failed; `statusCode` is the API server's answer when it refused the watch. */
export class WatchListError extends Error {
  readonly statusCode: number | undefined;
  constructor(message: string, options?: { cause?: unknown; statusCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WatchListError';
    this.statusCode = options?.statusCode;
  }
}

/** The API server does not serve watch lists (it answered 400 or 422 before any event). */
class WatchListRefusedError extends Error {
  constructor(options: { cause: unknown }) {
    super('the API server refused sendInitialEvents', options);
    this.name = 'WatchListRefusedError';
  }
}

const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** client-node's Watch, with its HTTP failure (`statusCode`) passed on as the error. */
export function clientNodeWatch(kubeConfig: KubeConfig): WatchStarter {
  const watch = new Watch(kubeConfig);
  return async (path, query, onEvent, onDone) => {
    // client-node ignores a line that does not parse and swallows what the callback throws: the
    // callback here never throws (it reports through onDone).
    const controller = await watch.watch(path, query, (type, object) => onEvent(type, object), onDone);
    return { abort: () => controller.abort() };
  };
}

/** One watch list: resolves to a list body `{ metadata: { resourceVersion }, items }`. */
function watchList(
  start: WatchStarter,
  path: string,
  options: WatchListOptions,
  prepare: ((items: readonly unknown[]) => void) | undefined,
): Promise<unknown> {
  const batchSize = options.batchSize ?? 500;
  return new Promise((resolve, reject) => {
    const items: unknown[] = [];
    let batch: unknown[] = [];
    let events = 0;
    let settled = false;
    let stop: (() => void) | undefined;
    const finish = (err: Error | undefined, resourceVersion?: string): void => {
      if (settled) return;
      settled = true;
      stop?.();
      if (err !== undefined) reject(err);
      else resolve({ metadata: { resourceVersion }, items });
    };
    const flush = (): void => {
      if (batch.length === 0) return;
      const page = batch;
      batch = [];
      prepare?.(page);
    };
    const onEvent = (type: string, object: unknown): void => {
      if (settled) return;
      events++;
      try {
        if (type === 'ADDED' && isRecord(object)) {
          dropManagedFields(object);
          items.push(object);
          batch.push(object);
          if (batch.length >= batchSize) flush();
        } else if (type === 'BOOKMARK' && isRecord(object) && isRecord(object.metadata)) {
          const { annotations, resourceVersion } = object.metadata;
          if (!isRecord(annotations) || annotations[INITIAL_EVENTS_END] !== 'true') return;
          if (typeof resourceVersion !== 'string' || resourceVersion === '')
            throw new WatchListError('the bookmark that ends the initial events has no resourceVersion');
          flush();
          finish(undefined, resourceVersion);
        } else if (type === 'ERROR') {
          const info = classifyKubeError(object);
          throw new WatchListError(`the watch list failed: ${info.message}`, {
            cause: object,
            ...(info.status !== undefined ? { statusCode: info.status } : {}),
          });
        } else {
          // Before the end of its initial events a watch list sends ADDED events only.
          throw new WatchListError(`the watch list sent a ${type} event before its initial events ended`);
        }
      } catch (err) {
        finish(err instanceof Error ? err : new WatchListError('the watch list failed', { cause: err }));
      }
    };
    const onDone = (err: unknown): void => {
      if (settled) return;
      const status = err === null || err === undefined ? undefined : classifyKubeError(err).status;
      if (events === 0 && (status === 400 || status === 422)) {
        finish(new WatchListRefusedError({ cause: err }));
        return;
      }
      finish(
        err === null || err === undefined
          ? new WatchListError('the watch list ended before its initial events did')
          : new WatchListError(`the watch list failed: ${classifyKubeError(err).message}`, {
              cause: err,
              ...(status !== undefined ? { statusCode: status } : {}),
            }),
      );
    };
    const query: Record<string, string | number | boolean> = {
      sendInitialEvents: true,
      resourceVersionMatch: 'NotOlderThan',
      allowWatchBookmarks: true,
      timeoutSeconds: options.timeoutSeconds ?? 600,
      ...(options.labelSelector !== undefined ? { labelSelector: options.labelSelector } : {}),
    };
    start(path, query, onEvent, onDone).then(
      (watch) => {
        if (settled) watch.abort();
        else stop = () => watch.abort();
      },
      (err: unknown) => onDone(err),
    );
  });
}

/**
 * A Lister that reads with a watch list, and with `fallback` (the paged list) once the API server
 * has refused one.
 */
export function watchListLister(
  start: WatchStarter,
  options: WatchListOptions,
  fallback: Lister,
  logger: Logger,
): Lister {
  let refused = false;
  return async (namespace, prepare) => {
    if (refused) return fallback(namespace, prepare);
    try {
      return await watchList(start, options.pathOf(namespace), options, prepare);
    } catch (err) {
      if (!(err instanceof WatchListRefusedError)) throw err;
      refused = true;
      logger.info('The API server does not serve watch lists; listing page by page', {
        status: classifyKubeError(err.cause).status,
      });
      return fallback(namespace, prepare);
    }
  };
}
