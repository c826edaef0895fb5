// Owns the canonical JSON of EMCO documents: the REST echo of TAC intents (json.NewEncoder: Go field
// order, every zero field, trailing newline) and the `/invoke` body (json.Marshal, no newline).
import { encodeTyped } from './go-encode.js';
import { WF_TEMPORAL_SPEC, WORKFLOW_HOOK_INTENT } from './go-types.js';
import type { TacIntent, TemporalSpec } from './types.js';

/**
 * The canonical echo of an intent (POST/PUT/GET body): Go's field order and names, every zero
 * field (`RetryPolicy: null`, `Memo: null`, ...), empty workflowParams maps left out, map keys
 * sorted, HTML-sensitive characters escaped, and a trailing newline. `hookBlocking` and
 * `hookBlockingTimeout` appear only when set.
 */
export function encodeTacIntent(intent: TacIntent): string {
  return `${encodeTyped(intent, { kind: 'struct', def: WORKFLOW_HOOK_INTENT })}\n`;
}

/** The list response: a JSON array of canonical intents, or `null` when there are none (EMCO's nil slice). */
export function encodeTacIntentList(intents: readonly TacIntent[]): string {
  if (intents.length === 0) return 'null\n';
  const items = intents.map((intent) => encodeTyped(intent, { kind: 'struct', def: WORKFLOW_HOOK_INTENT }));
  return `[${items.join(',')}]\n`;
}

/** json.Marshal of the temporal spec: the body TAC posts to `/invoke/{workflowClientName}` (no newline). */
export function encodeTemporalSpec(spec: TemporalSpec): string {
  return encodeTyped(spec, { kind: 'struct', def: WF_TEMPORAL_SPEC });
}
