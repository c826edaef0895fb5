// Owns condition bookkeeping on the status: setting a condition keeps its lastTransitionTime
// unless its status flips (the Kubernetes API conventions; cert-manager does the same).
import type { Condition } from '../../common/model/types.js';

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/** Returns the conditions with `next` set; lastTransitionTime moves only when status changes. */
export function setCondition(conditions: readonly Condition[], next: ConditionInput, now: Date): Condition[] {
  const existing = conditions.find((c) => c.type === next.type);
  const lastTransitionTime =
    existing !== undefined && existing.status === next.status
      ? existing.lastTransitionTime
      : now.toISOString();
  const updated: Condition = { ...next, lastTransitionTime };
  const others = conditions.filter((c) => c.type !== next.type);
  return [...others, updated].sort(
    (a, b) => CONDITION_ORDER.indexOf(a.type) - CONDITION_ORDER.indexOf(b.type),
  );
}

/** Condition types the operator writes, in the order they appear in status. */
export const CONDITION_ORDER = ['Ready', 'Reconciling', 'Stalled', 'Succeeded'];
