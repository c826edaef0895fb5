// Owns where worker intents (EMCO's workers sub-API) live: a JSON array in the annotation
// `tac.emco.io/workers` of their TAC intent resource, in insertion order. Writes replace the
// resource with its resourceVersion and retry on conflicts, so concurrent edits are not lost.
import { ANNOTATION_WORKERS } from '../../common/domain/annotations.js';
import { objectKey } from '../../common/domain/keys.js';
import { readFirstValue, toBytes } from '../../common/emco/json-scanner.js';
import type { TemporalActionIntent } from '../../common/model/types.js';
import { StoreError } from '../ports.js';
import { HttpError } from './reply.js';
import type { RestServices } from './route-types.js';
import { encodeWorkerList, workerFromNode, type WorkerIntent } from './emco-worker-intent.js';

/** The workers recorded on an intent (empty when none). Throws HttpError 500 for a damaged annotation. */
export function readWorkers(obj: TemporalActionIntent): WorkerIntent[] {
  const text = obj.metadata?.annotations?.[ANNOTATION_WORKERS];
  if (text === undefined || text.trim() === '' || text.trim() === 'null') return [];
  try {
    const node = readFirstValue(toBytes(text));
    if (node.t !== 'arr') throw new Error('not a JSON array');
    return node.items.map(workerFromNode);
  } catch (err) {
    throw new HttpError(
      500,
      `the ${ANNOTATION_WORKERS} annotation of ${objectKey(obj)} is damaged: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}

/** The intent with `workers` recorded (the annotation removed when the list is empty). */
export function withWorkers(
  obj: TemporalActionIntent,
  workers: readonly WorkerIntent[],
): TemporalActionIntent {
  const annotations = { ...(obj.metadata?.annotations ?? {}) };
  if (workers.length === 0) delete annotations[ANNOTATION_WORKERS];
  else annotations[ANNOTATION_WORKERS] = encodeWorkerList(workers);
  return { ...obj, metadata: { ...obj.metadata, annotations } };
}

/**
 * Read-modify-write of an intent's workers, retried by the store on conflicts. `lookup` finds the
 * current intent (undefined → the `missing` error is thrown); `change` returns the new list or
 * throws an HttpError.
 */
export async function updateWorkers(
  s: RestServices,
  lookup: () => TemporalActionIntent | undefined,
  missing: () => HttpError,
  change: (workers: WorkerIntent[]) => WorkerIntent[],
): Promise<void> {
  const first = lookup();
  if (first === undefined) throw missing();
  try {
    await s.store.update(
      first.metadata.namespace ?? '',
      first.metadata.name ?? '',
      async () => {
        const obj = lookup();
        if (obj === undefined) throw missing();
        await s.store.replace(withWorkers(obj, change(readWorkers(obj))));
      },
      (err) => err.kind === 'Conflict',
    );
  } catch (err) {
    if (err instanceof StoreError && err.kind === 'NotFound') throw missing();
    throw err;
  }
}
