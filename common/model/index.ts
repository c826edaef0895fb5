// Owns the public surface of the TemporalActionIntent model: constants, types, parsing against the
// CRD schema, conversions to and from EMCO intents, duration helpers.
export * from './constants.js';
export type * from './types.js';
export { TaiValidationError, parseTemporalActionIntent } from './parse.js';
export {
  CRD_FILE_NAME,
  CRD_OPENAPI_SCHEMA,
  CRD_PATH,
  CrdSchemaError,
  toAjvSchema,
  validateTaiSchema,
} from './schema.js';
export {
  ResourceConversionError,
  resourceToTacIntent,
  tacIntentToResource,
  temporalSpecOf,
} from './convert.js';
export {
  DURATION_STRING_PATTERN,
  DurationValueError,
  GoDurationError,
  TimeoutValueError,
  durationToNanos,
  formatGoDuration,
  isDurationString,
  isValidTimeout,
  nanosToIntOrDuration,
  parseGoDuration,
  timeoutToNanos,
} from './durations.js';
