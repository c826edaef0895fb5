// Owns turning an untyped object (informer event, API response, REST-built resource) into a typed
// TemporalActionIntent, validated once at the edge against the CRD's schema plus the checks a
// pattern cannot express (durations that overflow int64 nanoseconds).
import { isValidTimeout } from '../domain/durations.js';
import { API_VERSION, KIND } from './constants.js';
import { durationToNanos } from '../domain/durations.js';
import { validateTaiSchema, type ErrorObject } from './schema.js';
import type { IntOrDuration, TaiRetryPolicy, TemporalActionIntent } from './types.js';

/** An object that is not a valid TemporalActionIntent; `field` is the dotted path of the first problem. */
export class TaiValidationError extends Error {
  override readonly name = 'TaiValidationError';
  readonly field: string;
  readonly reason: string;

  constructor(field: string, reason: string, options?: { cause?: unknown }) {
    super(`${field === '' ? '(root)' : field}: ${reason}`, options);
    this.field = field;
    this.reason = reason;
  }
}

function pointerToPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function reasonOf(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum':
      return `must be one of: ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return `must match the pattern '${String(params['pattern'])}'`;
    default:
      return e.message ?? e.keyword;
  }
}

/** The most useful first error: int-or-string alternatives are reported as one problem. */
function firstProblem(errors: readonly ErrorObject[]): { field: string; reason: string } {
  const anyOfBranch = /\/anyOf\/\d+\//;
  for (const e of errors) {
    if (anyOfBranch.test(e.schemaPath)) continue;
    const path = pointerToPath(e.instancePath);
    if (e.keyword === 'required') {
      path.push(String((e.params as Record<string, unknown>)['missingProperty']));
      return { field: path.join('.'), reason: 'is required' };
    }
    if (e.keyword === 'anyOf') {
      const prefix = e.schemaPath.replace(/\/anyOf$/, '/anyOf/');
      const specific = errors.find(
        (b) => b.instancePath === e.instancePath && b.schemaPath.startsWith(prefix) && b.keyword !== 'type',
      );
      return {
        field: path.join('.'),
        reason: specific !== undefined ? reasonOf(specific) : 'must be an integer or a string',
      };
    }
    return { field: path.join('.'), reason: reasonOf(e) };
  }
  const e = errors[0];
  return {
    field: pointerToPath(e?.instancePath ?? '').join('.'),
    reason: e !== undefined ? reasonOf(e) : 'invalid',
  };
}

function checkDuration(value: IntOrDuration | undefined, field: string): void {
  if (value === undefined) return;
  try {
    durationToNanos(value);
  } catch (err) {
    throw new TaiValidationError(field, err instanceof Error ? err.message : String(err), { cause: err });
  }
}

function checkRetryPolicy(policy: TaiRetryPolicy | undefined, field: string): void {
  if (policy === undefined) return;
  checkDuration(policy.initialInterval, `${field}.initialInterval`);
  checkDuration(policy.maximumInterval, `${field}.maximumInterval`);
}

/** Duration strings that match the pattern but do not fit int64 nanoseconds. */
function checkDurations(tai: TemporalActionIntent): void {
  const { spec } = tai;
  if (spec.hookBlockingTimeout !== undefined && !isValidTimeout(spec.hookBlockingTimeout)) {
    throw new TaiValidationError(
      'spec.hookBlockingTimeout',
      'must be a non-negative whole number of seconds or a duration string that fits 292 years',
    );
  }
  const start = spec.temporal?.workflowStartOptions;
  const startPath = 'spec.temporal.workflowStartOptions';
  checkDuration(start?.workflowExecutionTimeout, `${startPath}.workflowExecutionTimeout`);
  checkDuration(start?.workflowRunTimeout, `${startPath}.workflowRunTimeout`);
  checkDuration(start?.workflowTaskTimeout, `${startPath}.workflowTaskTimeout`);
  checkRetryPolicy(start?.retryPolicy, `${startPath}.retryPolicy`);
  for (const [name, options] of Object.entries(spec.temporal?.workflowParams?.activityOptions ?? {})) {
    const path = `spec.temporal.workflowParams.activityOptions.${name}`;
    checkDuration(options.scheduleToCloseTimeout, `${path}.scheduleToCloseTimeout`);
    checkDuration(options.scheduleToStartTimeout, `${path}.scheduleToStartTimeout`);
    checkDuration(options.startToCloseTimeout, `${path}.startToCloseTimeout`);
    checkDuration(options.heartbeatTimeout, `${path}.heartbeatTimeout`);
    checkRetryPolicy(options.retryPolicy, `${path}.retryPolicy`);
  }
}

/**
 * Validates `obj` against the CRD's schema (the same rules the API server applies) and returns it
 * typed. apiVersion and kind are filled in when missing (list items may omit them). Throws
 * TaiValidationError naming the first offending field. Does not copy or change `obj` otherwise.
 */
export function parseTemporalActionIntent(obj: unknown): TemporalActionIntent {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new TaiValidationError('', 'must be an object');
  }
  if (!validateTaiSchema(obj)) {
    const { field, reason } = firstProblem(validateTaiSchema.errors ?? []);
    throw new TaiValidationError(field, reason);
  }
  const record = obj as Record<string, unknown>;
  if (typeof record['metadata'] !== 'object' || record['metadata'] === null) {
    throw new TaiValidationError('metadata', 'is required');
  }
  const tai = (record['apiVersion'] === undefined || record['kind'] === undefined
    ? { apiVersion: API_VERSION, kind: KIND, ...record }
    : record) as unknown as TemporalActionIntent;
  checkDurations(tai);
  return tai;
}
