// Owns the lifecycle endpoint's request body: its JSON schema (checked with ajv) and the plain
// one-line-per-problem texts of a 400.
import { Ajv, type ErrorObject } from 'ajv';
import type { HookType } from '../ports.js';
import { HttpError } from './reply.js';

import { HOOK_TYPES } from '../../common/emco/constraints.js';

export { HOOK_TYPES };

export interface LifecycleRequest {
  hookType: HookType;
  appContextId?: string;
  emcoURL?: string;
  /** Idempotency key: the same id fires the event once and answers with its outcome after. */
  eventId?: string;
  /** Namespace whose intents run (default: the REST API's namespace). */
  namespace?: string;
  /** Answer 202 at once and let the caller poll. */
  async?: boolean;
}

export const EVENT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$';

export const lifecycleRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['hookType'],
  properties: {
    hookType: { type: 'string', enum: HOOK_TYPES },
    appContextId: { type: 'string', maxLength: 256 },
    emcoURL: { type: 'string', maxLength: 2048 },
    eventId: { type: 'string', pattern: EVENT_ID_PATTERN },
    namespace: { type: 'string', maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
    async: { type: 'boolean' },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile<LifecycleRequest>(lifecycleRequestSchema);

function field(e: ErrorObject): string {
  const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  return path === '' ? 'the body' : path;
}

/** One readable line per ajv error. */
export function describeSchemaError(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `missing required field "${String(p.missingProperty)}"`;
    case 'additionalProperties':
      return `unknown field "${String(p.additionalProperty)}"`;
    case 'enum':
      return `${field(e)} must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'type':
      return `${field(e)} must be ${String(p.type) === 'object' ? 'a JSON object' : `of type ${String(p.type)}`}`;
    case 'pattern':
      return `${field(e)} must match ${String(p.pattern)}`;
    case 'maxLength':
      return `${field(e)} must be at most ${String(p.limit)} characters long`;
    default:
      return `${field(e)} ${e.message ?? 'is invalid'}`;
  }
}

const EXAMPLE = '{"hookType": "pre-install"}';

/** Parses and checks a lifecycle request body; throws HttpError 400 with every problem. */
export function parseLifecycleRequest(body: Buffer): LifecycleRequest {
  const text = body.toString('utf8');
  if (text.trim() === '') {
    throw new HttpError(400, `Invalid lifecycle event: the body is empty; send at least ${EXAMPLE}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `Invalid lifecycle event: the body is not JSON (${(err as Error).message})`, {
      cause: err,
    });
  }
  if (!validate(value)) {
    const lines = (validate.errors ?? []).map(describeSchemaError);
    throw new HttpError(400, `Invalid lifecycle event:\n${[...new Set(lines)].join('\n')}`);
  }
  return value;
}

/** `?async=` as given in a query string: `true`/`1`/'' → true, `false`/`0` → false, absent → undefined. */
export function parseAsyncFlag(rawQuery: string): boolean | undefined {
  const params = new URLSearchParams(rawQuery);
  for (const key of params.keys()) {
    if (key !== 'async') throw new HttpError(400, `Unknown query parameter: ${key}`);
  }
  const values = params.getAll('async');
  if (values.length === 0) return undefined;
  const v = values[values.length - 1] ?? '';
  if (v === 'true' || v === '1' || v === '') return true;
  if (v === 'false' || v === '0') return false;
  throw new HttpError(400, `Invalid query parameter async=${JSON.stringify(v)}: use true or false`);
}
