// Owns the "other client" of the write-conflict fault: a loop that keeps patching the metadata
// (a label) and the status (a condition of its own) of a fault's intents, from fresh reads, so
// the operator's writes meet stale resourceVersions and foreign changes while events run.
import type { CustomObjectsApi } from '@kubernetes/client-node';
import {
  GROUP,
  PLURAL,
  VERSION,
  type Condition,
  type TemporalActionIntent,
  type TemporalActionIntentList,
} from '../common/model/types.js';
import { CHAOS_NAMESPACE } from './stack.js';
import { FAULT_LABEL } from './workload.js';

export const TOUCH_LABEL = 'chaos.tac.emco.io/touched';
/** The condition type the other client owns on the intents' status. */
export const FOREIGN_CONDITION = 'ExternalAudit';

export interface ConflictWriter {
  /** Stops the loop; resolves with what its writes met. */
  stop(): Promise<ConflictWrites>;
}

export function withForeignCondition(
  status: TemporalActionIntent['status'],
  n: number,
  now: Date,
): NonNullable<TemporalActionIntent['status']> {
  const others = (status?.conditions ?? []).filter((c) => c.type !== FOREIGN_CONDITION);
  const mine: Condition = {
    type: FOREIGN_CONDITION,
    status: 'True',
    reason: 'Audited',
    message: `audit pass ${n}`,
    lastTransitionTime: now.toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  return { ...status, conditions: [...others, mine] };
}

/** Writes that went through, writes refused with 409 Conflict, and other failures (last one kept). */
export interface ConflictWrites {
  metadata: number;
  status: number;
  conflicts: number;
  errors: number;
  lastError?: string;
}

function isConflict(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 409;
}

export function startConflictWriter(api: CustomObjectsApi, fault: string): ConflictWriter {
  let running = true;
  const writes: ConflictWrites = { metadata: 0, status: 0, conflicts: 0, errors: 0 };
  const failed = (err: unknown): void => {
    // 409 Conflict is the point of this fault: the operator wrote in between.
    if (isConflict(err)) writes.conflicts += 1;
    else {
      writes.errors += 1;
      writes.lastError = err instanceof Error ? err.message : String(err);
    }
  };
  const loop = async (): Promise<void> => {
    for (let n = 0; running && n < 100_000; n++) {
      try {
        const list = (await api.listNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          plural: PLURAL,
          namespace: CHAOS_NAMESPACE,
          labelSelector: `${FAULT_LABEL}=${fault}`,
        })) as TemporalActionIntentList;
        for (const item of list.items) {
          if (!running) break;
          const name = item.metadata?.name ?? '';
          const target = { group: GROUP, version: VERSION, plural: PLURAL, namespace: CHAOS_NAMESPACE, name };
          try {
            const patched = (await api.patchNamespacedCustomObject({
              ...target,
              body: [
                { op: 'add', path: `/metadata/labels/${TOUCH_LABEL.replace('/', '~1')}`, value: String(n) },
              ],
            })) as TemporalActionIntent;
            writes.metadata += 1;
            // A full status replace from that read: a conflict for whoever writes in between.
            await api.replaceNamespacedCustomObjectStatus({
              ...target,
              body: { ...patched, status: withForeignCondition(patched.status, n, new Date()) },
            });
            writes.status += 1;
          } catch (err) {
            failed(err);
          }
        }
      } catch (err) {
        failed(err);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const done = loop();
  return {
    async stop() {
      running = false;
      await done;
      return writes;
    },
  };
}
