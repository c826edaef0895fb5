// Owns EMCO's worker intent document (TAC's `model.WorkerIntent`, the workers sub-API body): its Go
// struct description, Go-style decoding, the effective validation of `deploy_worker.json`, and
// the canonical echo.
import { decodeDocument } from '../../common/emco/go-decode.js';
import { encodeTyped } from '../../common/emco/go-encode.js';
import { GO_INT, GO_STRING, METADATA, type GoStruct } from '../../common/emco/go-types.js';
import { readFirstValue, toBytes, type JsonNode } from '../../common/emco/json-scanner.js';
import type { TacIntentMetadata } from '../../common/emco/types.js';

export interface WorkerSpec {
  /** Go int: milliseconds EMCO compares with the elapsed deploy time. */
  startToCloseTimeout: bigint;
  /** The worker's own DIG, composite app and version (same project as the URL). */
  deploymentIntentGroup: string;
  compositeApp: string;
  compositeAppVersion: string;
}

export interface WorkerIntent {
  metadata: TacIntentMetadata;
  spec: WorkerSpec;
}

export const WORKER_SPEC: GoStruct = {
  name: 'WorkerSpec',
  typeName: 'model.WorkerSpec',
  fields: [
    { name: 'startToCloseTimeout', type: GO_INT },
    { name: 'deploymentIntentGroup', type: GO_STRING },
    { name: 'compositeApp', type: GO_STRING },
    { name: 'compositeAppVersion', type: GO_STRING },
  ],
};

export const WORKER_INTENT: GoStruct = {
  name: 'WorkerIntent',
  typeName: 'model.WorkerIntent',
  fields: [
    { name: 'metadata', type: { kind: 'struct', def: METADATA } },
    { name: 'spec', type: { kind: 'struct', def: WORKER_SPEC } },
  ],
};

/** Binds an already parsed JSON value (throws EmcoDecodeError of kind `type`). */
export function workerFromNode(node: JsonNode): WorkerIntent {
  return decodeDocument(node, WORKER_INTENT) as unknown as WorkerIntent;
}

/** Decodes a request body as Go's json.Decoder would (throws EmcoDecodeError; `eof` for no body). */
export function decodeWorkerIntent(body: string | Uint8Array): WorkerIntent {
  return workerFromNode(readFirstValue(toBytes(body)));
}

const NAME_PATTERN = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const NAME_PATTERN_TEXT = "Does not match pattern '^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$'";

function maxLength(value: string, limit: number, out: string[]): void {
  if ([...value].length > limit) out.push(`String length must be less than or equal to ${limit}`);
}

/**
 * The problems `deploy_worker.json` reports for a decoded worker, in a fixed order (metadata
 * before spec; within one value maxLength before pattern). Empty when valid.
 */
export function validateWorkerIntent(w: WorkerIntent): string[] {
  const out: string[] = [];
  maxLength(w.metadata.name, 128, out);
  if (!NAME_PATTERN.test(w.metadata.name)) out.push(NAME_PATTERN_TEXT);
  maxLength(w.metadata.description, 1024, out);
  maxLength(w.metadata.userData1, 512, out);
  maxLength(w.metadata.userData2, 512, out);
  maxLength(w.spec.deploymentIntentGroup, 128, out);
  maxLength(w.spec.compositeApp, 128, out);
  maxLength(w.spec.compositeAppVersion, 128, out);
  return out;
}

/** The canonical JSON of a worker, without a trailing newline (Go field order, every field). */
export function encodeWorkerIntent(w: WorkerIntent): string {
  return encodeTyped(w, { kind: 'struct', def: WORKER_INTENT });
}

/** A JSON array of workers (`null` when there are none, as EMCO answers), without newline. */
export function encodeWorkerList(workers: readonly WorkerIntent[]): string {
  return workers.length === 0 ? 'null' : `[${workers.map(encodeWorkerIntent).join(',')}]`;
}
