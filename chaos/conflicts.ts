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
  /** Stops the loop; resolves with the writes that went through. */
  stop(): Promise<{ metadata: number; status: number }>;
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

export function startConflictWriter(api: CustomObjectsApi, fault: string): ConflictWriter {
  let running = true;
  const writes = { metadata: 0, status: 0 };
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
            await api.patchNamespacedCustomObject({
              ...target,
              body: [
                { op: 'add', path: `/metadata/labels/${TOUCH_LABEL.replace('/', '~1')}`, value: String(n) },
              ],
            });
            writes.metadata += 1;
            // A full status replace from this (soon stale) read: a conflict for whoever writes next.
            await api.replaceNamespacedCustomObjectStatus({
              ...target,
              body: { ...item, status: withForeignCondition(item.status, n, new Date()) },
            });
            writes.status += 1;
          } catch {
            // 409 Conflict is the point of this fault: the operator wrote in between.
          }
        }
      } catch {
        // The list failed (e.g. API server busy): try again on the next pass.
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
