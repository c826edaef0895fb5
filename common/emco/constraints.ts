// Owns the value rules an intent must meet, shared by REST validation (validate.ts) and the CRD's
// OpenAPI schema (crds/…yaml states the same patterns and bounds; a unit test keeps them equal).
export { DURATION_STRING_PATTERN } from '../domain/go-duration.js';
export { MAX_TIMEOUT_SECONDS } from '../domain/durations.js';

/** EMCO TAC's six hook types, in the order EMCO's schema lists them. */
export const EMCO_HOOK_TYPES = [
  'pre-install',
  'post-install',
  'pre-update',
  'post-update',
  'pre-termination',
  'post-termination',
] as const;

/** Every accepted hookType: EMCO's six plus the seed's `pre-terminate` / `post-terminate` (EMCO-COMPAT 1). */
export const HOOK_TYPES = [...EMCO_HOOK_TYPES, 'pre-terminate', 'post-terminate'] as const;

export type HookType = (typeof HOOK_TYPES)[number];

/** EMCO's name pattern (metadata.name of every EMCO resource); ASCII only. */
export const EMCO_NAME_PATTERN = '^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$';
export const EMCO_NAME_MAX_LENGTH = 128;
export const DESCRIPTION_MAX_LENGTH = 1024;
export const USER_DATA_MAX_LENGTH = 512;

/** EMCO's unanchored hookType pattern and length bound (checked after the enum). */
export const HOOK_TYPE_PATTERN = '[a-zA-Z]+-[a-zA-Z]+';
export const HOOK_TYPE_MAX_LENGTH = 64;

/**
 * `workflowClient.clientEndpointName`: a DNS host name (labels of letters, digits, `-`, `_`), an
 * IPv4 address, or an IPv6 address with or without brackets. Not checked by EMCO; checked here
 * because the operator builds a URL from it.
 */
export const ENDPOINT_NAME_PATTERN =
  '^([A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9_])?)*' +
  '|\\[?[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}(:[0-9]{1,3}(\\.[0-9]{1,3}){3})?\\]?)$';
export const ENDPOINT_NAME_MAX_LENGTH = 253;
export const PORT_MIN = 0;
export const PORT_MAX = 65535;

/** `temporal.workflowClientName`: the workflow client's route `/invoke/{wfclient:[a-zA-Z0-9-_]+}`. */
export const WORKFLOW_CLIENT_NAME_PATTERN = '^[a-zA-Z0-9_-]+$';

/** Largest integer a JS reader (JSON.parse) gets exactly: bigger durations are stored as strings. */
export const MAX_SAFE_INTEGER = Number.MAX_SAFE_INTEGER;
