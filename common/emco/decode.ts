// Owns decoding EMCO request bodies into typed documents: the TAC intent (POST/PUT), the temporal
// spec (the workflow client's /invoke), the cancel request and the status query, each as Go's
// json.NewDecoder(body).Decode(&v) would, with its error texts (see EmcoDecodeError).
import { decodeDocument, type GoDecodeOptions } from './go-decode.js';
import { CANCEL_REQUEST, STATUS_QUERY, WF_TEMPORAL_SPEC, WORKFLOW_HOOK_INTENT } from './go-types.js';
import { readFirstValue, toBytes } from './json-scanner.js';
import type { CancelRequest, StatusQuery, TacIntent, TemporalSpec, WorkflowParams } from './types.js';

/**
 * Canonical form of decoded workflowParams: an empty map is held as null (Go's omitempty makes the
 * two indistinguishable on the wire), and a null activityParams entry as an empty map.
 */
function normalizeWorkflowParams(params: WorkflowParams): WorkflowParams {
  const { activityOptions, activityParams } = params;
  if (activityOptions !== null && Object.keys(activityOptions).length === 0) params.activityOptions = null;
  if (activityParams !== null) {
    if (Object.keys(activityParams).length === 0) params.activityParams = null;
    else {
      for (const key of Object.keys(activityParams)) {
        if (activityParams[key] === null) activityParams[key] = {};
      }
    }
  }
  return params;
}

/**
 * Decodes a TAC intent body (REST POST/PUT). Besides EMCO's fields it keeps the seed's
 * `spec.hookBlocking` (only when true: false is the default and, like EMCO, is not echoed) and
 * `spec.hookBlockingTimeout` (integer seconds or a string, kept as given; validateTacIntent checks it).
 * Throws EmcoDecodeError (`eof` for an empty body, `syntax`, `type`).
 */
export function decodeTacIntent(body: string | Uint8Array): TacIntent {
  const intent = decodeDocument(readFirstValue(toBytes(body)), WORKFLOW_HOOK_INTENT) as unknown as TacIntent;
  if (intent.spec.hookBlocking !== true) delete intent.spec.hookBlocking;
  normalizeWorkflowParams(intent.spec.temporal.workflowParams);
  return intent;
}

export interface DecodeTemporalSpecOptions {
  /** Also accept Go duration strings ("30s", "1m30s", "250ms") for duration fields (converted to ns). */
  allowDurationStrings?: boolean;
}

/**
 * Decodes the `/invoke` body (EMCO WfTemporalSpec). Durations are int64 nanoseconds; with
 * `allowDurationStrings` a Go duration string is accepted too. Throws EmcoDecodeError.
 */
export function decodeTemporalSpec(
  body: string | Uint8Array,
  options: DecodeTemporalSpecOptions = {},
): TemporalSpec {
  const goOptions: GoDecodeOptions = { allowDurationStrings: options.allowDurationStrings === true };
  const spec = decodeDocument(
    readFirstValue(toBytes(body)),
    WF_TEMPORAL_SPEC,
    goOptions,
  ) as unknown as TemporalSpec;
  normalizeWorkflowParams(spec.workflowParams);
  return spec;
}

/** Decodes a `/cancel` body (EMCO WfhTemporalCancelRequest). Throws EmcoDecodeError. */
export function decodeCancelRequest(body: string | Uint8Array): CancelRequest {
  return decodeDocument(readFirstValue(toBytes(body)), CANCEL_REQUEST) as unknown as CancelRequest;
}

/**
 * Decodes a `/status` JSON body (EMCO WfTemporalStatusQuery), plus the optional
 * `waitForResultTimeout` (integer seconds or a duration string, kept as given). Throws EmcoDecodeError.
 */
export function decodeStatusQuery(body: string | Uint8Array): StatusQuery {
  return decodeDocument(readFirstValue(toBytes(body)), STATUS_QUERY) as unknown as StatusQuery;
}
