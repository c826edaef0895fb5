// Owns the public surface of the EMCO codec: one import for the REST API, the workflow client and
// the operator (types, decode, validate, encode, names, durations).
export type * from './types.js';
export { EmcoDecodeError, type EmcoDecodeErrorKind } from './decode-error.js';
export {
  decodeCancelRequest,
  decodeStatusQuery,
  decodeTacIntent,
  decodeTemporalSpec,
  type DecodeTemporalSpecOptions,
} from './decode.js';
export { parseStatusQueryString, StatusQueryError } from './status-query.js';
export {
  HOOK_BLOCKING_TIMEOUT_LINE,
  HOOK_TYPE_ENUM_LINE,
  RETRY_POLICY_NULL_LINE,
  invalidInputBody,
  validateTacIntent,
} from './validate.js';
export { encodeTacIntent, encodeTacIntentList, encodeTemporalSpec } from './encode.js';
export {
  compareGoStrings,
  encodeGoJson,
  encodeGoString,
  formatGoFloat,
  type EncodeGoJsonOptions,
} from './go-encode.js';
export {
  DURATION_STRING_PATTERN,
  GoDurationError,
  formatGoDuration,
  isDurationString,
  parseGoDuration,
} from './go-duration.js';
export { TimeoutValueError, isValidTimeout, timeoutToNanos } from './timeout.js';
export * from './constraints.js';
export {
  RESOURCE_NAME_MAX_LENGTH,
  digOf,
  emcoNameOf,
  identityOf,
  isDns1123Subdomain,
  isIntent,
  isValidEmcoName,
  resourceNameFor,
  sameDig,
  type IdentitySource,
  type IntentIdentity,
} from './names.js';
