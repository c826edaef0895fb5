// Owns validation of decoded TAC intents: EMCO's effective schema rules with gojsonschema's message
// texts, in a fixed order (metadata before spec; per value enum, maxLength, pattern), plus the rules
// this project adds so that every accepted intent can be stored as a TemporalActionIntent resource.
import {
  DESCRIPTION_MAX_LENGTH,
  EMCO_NAME_MAX_LENGTH,
  EMCO_NAME_PATTERN,
  ENDPOINT_NAME_MAX_LENGTH,
  ENDPOINT_NAME_PATTERN,
  HOOK_TYPES,
  HOOK_TYPE_MAX_LENGTH,
  HOOK_TYPE_PATTERN,
  PORT_MAX,
  PORT_MIN,
  USER_DATA_MAX_LENGTH,
  WORKFLOW_CLIENT_NAME_PATTERN,
} from './constraints.js';
import { isValidTimeout } from '../domain/durations.js';
import type { GoActivityOptions, GoRetryPolicy, TacIntent } from './types.js';
import { sortedKeys } from './go-encode.js';

const EMCO_NAME_RE = new RegExp(EMCO_NAME_PATTERN);
const ENDPOINT_NAME_RE = new RegExp(ENDPOINT_NAME_PATTERN);
const WORKFLOW_CLIENT_NAME_RE = new RegExp(WORKFLOW_CLIENT_NAME_PATTERN);

/** Length in Unicode code points (gojsonschema counts runes, not UTF-16 units). */
function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function isAsciiLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

/**
 * Whether `value` matches EMCO's unanchored HOOK_TYPE_PATTERN `[a-zA-Z]+-[a-zA-Z]+`, i.e. holds a
 * `-` with an ASCII letter on each side. One pass: the pattern itself, run by a backtracking
 * engine on a long run of letters, costs quadratic time (minutes for a megabyte).
 */
export function matchesHookTypePattern(value: string): boolean {
  for (let i = value.indexOf('-'); i !== -1; i = value.indexOf('-', i + 1)) {
    if (isAsciiLetter(value[i - 1]) && isAsciiLetter(value[i + 1])) return true;
  }
  return false;
}

function maxLengthLine(max: number): string {
  return `String length must be less than or equal to ${max}`;
}

function patternLine(pattern: string): string {
  return `Does not match pattern '${pattern}'`;
}

/** The hookType enum line; lists all eight accepted values (EMCO-COMPAT difference 1). */
export const HOOK_TYPE_ENUM_LINE = `spec.hookType must be one of the following: ${HOOK_TYPES.map((t) => JSON.stringify(t)).join(', ')}`;

export const RETRY_POLICY_NULL_LINE = 'Invalid type. Expected: object, given: null';

export const HOOK_BLOCKING_TIMEOUT_LINE =
  'spec.hookBlockingTimeout must be a non-negative whole number of seconds or a duration string such as "90s" or "10m"';

function checkRetryPolicy(policy: GoRetryPolicy, path: string, lines: string[]): void {
  if (policy.InitialInterval < 0n) lines.push(`${path}.InitialInterval must not be negative`);
  if (policy.MaximumInterval < 0n) lines.push(`${path}.MaximumInterval must not be negative`);
  if (policy.MaximumAttempts < 0) lines.push(`${path}.MaximumAttempts must not be negative`);
}

function checkActivityOptions(options: GoActivityOptions, path: string, lines: string[]): void {
  for (const field of [
    'ScheduleToCloseTimeout',
    'ScheduleToStartTimeout',
    'StartToCloseTimeout',
    'HeartbeatTimeout',
  ] as const) {
    if (options[field] < 0n) lines.push(`${path}.${field} must not be negative`);
  }
  if (options.RetryPolicy === null) lines.push(RETRY_POLICY_NULL_LINE);
  else checkRetryPolicy(options.RetryPolicy, `${path}.RetryPolicy`, lines);
}

/**
 * Validates a decoded intent; returns the `Invalid Input:` lines (empty when valid).
 *
 * EMCO's rules and texts: metadata.name (maxLength 128, name pattern), description (1024),
 * userData1/userData2 (512), spec.hookType (enum, maxLength 64, pattern), and an object
 * RetryPolicy in every activityOptions entry. The enum accepts eight spellings. Added rules (each
 * line names its field): hookBlockingTimeout, clientEndpointName as a host, clientEndpointPort
 * 0..65535, workflowClientName as a route segment, no negative durations or attempts.
 */
export function validateTacIntent(intent: TacIntent): string[] {
  const lines: string[] = [];
  const { metadata, spec } = intent;

  if (runeCount(metadata.name) > EMCO_NAME_MAX_LENGTH) lines.push(maxLengthLine(EMCO_NAME_MAX_LENGTH));
  if (!EMCO_NAME_RE.test(metadata.name)) lines.push(patternLine(EMCO_NAME_PATTERN));
  if (runeCount(metadata.description) > DESCRIPTION_MAX_LENGTH)
    lines.push(maxLengthLine(DESCRIPTION_MAX_LENGTH));
  if (runeCount(metadata.userData1) > USER_DATA_MAX_LENGTH) lines.push(maxLengthLine(USER_DATA_MAX_LENGTH));
  if (runeCount(metadata.userData2) > USER_DATA_MAX_LENGTH) lines.push(maxLengthLine(USER_DATA_MAX_LENGTH));

  if (!(HOOK_TYPES as readonly string[]).includes(spec.hookType)) lines.push(HOOK_TYPE_ENUM_LINE);
  if (runeCount(spec.hookType) > HOOK_TYPE_MAX_LENGTH) lines.push(maxLengthLine(HOOK_TYPE_MAX_LENGTH));
  if (!matchesHookTypePattern(spec.hookType)) lines.push(patternLine(HOOK_TYPE_PATTERN));

  if (spec.hookBlockingTimeout !== undefined && !isValidTimeout(spec.hookBlockingTimeout)) {
    lines.push(HOOK_BLOCKING_TIMEOUT_LINE);
  }

  const { clientEndpointName, clientEndpointPort } = spec.workflowClient;
  if (
    clientEndpointName !== '' &&
    (runeCount(clientEndpointName) > ENDPOINT_NAME_MAX_LENGTH || !ENDPOINT_NAME_RE.test(clientEndpointName))
  ) {
    lines.push('spec.workflowClient.clientEndpointName must be a host name or an IP address');
  }
  if (clientEndpointPort < BigInt(PORT_MIN) || clientEndpointPort > BigInt(PORT_MAX)) {
    lines.push(`spec.workflowClient.clientEndpointPort must be between ${PORT_MIN} and ${PORT_MAX}`);
  }

  const { workflowClientName, workflowStartOptions: start, workflowParams } = spec.temporal;
  if (workflowClientName !== '' && !WORKFLOW_CLIENT_NAME_RE.test(workflowClientName)) {
    lines.push(`spec.temporal.workflowClientName must match the pattern '${WORKFLOW_CLIENT_NAME_PATTERN}'`);
  }
  const startPath = 'spec.temporal.workflowStartOptions';
  for (const field of ['WorkflowExecutionTimeout', 'WorkflowRunTimeout', 'WorkflowTaskTimeout'] as const) {
    if (start[field] < 0n) lines.push(`${startPath}.${field} must not be negative`);
  }
  if (start.RetryPolicy !== null) checkRetryPolicy(start.RetryPolicy, `${startPath}.RetryPolicy`, lines);

  const activityOptions = workflowParams.activityOptions ?? {};
  for (const name of sortedKeys(activityOptions)) {
    const options = activityOptions[name];
    if (options !== undefined) {
      checkActivityOptions(options, `spec.temporal.workflowParams.activityOptions.${name}`, lines);
    }
  }
  return lines;
}

/** The 400 body for validation failures: `Invalid Input:` and one line per problem, newline-terminated. */
export function invalidInputBody(lines: readonly string[]): string {
  return `Invalid Input:${lines.map((l) => `\n${l}`).join('')}\n`;
}
