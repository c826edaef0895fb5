// Owns durations as resources hold them (integer nanoseconds or a Go duration string) and their
// conversion to and from EMCO's int64 nanoseconds without losing precision in JSON.parse.
import { GoDurationError, parseGoDuration } from '../emco/go-duration.js';
import type { IntOrDuration } from './types.js';

export {
  DURATION_STRING_PATTERN,
  GoDurationError,
  formatGoDuration,
  isDurationString,
  parseGoDuration,
} from '../emco/go-duration.js';
export { TimeoutValueError, isValidTimeout, timeoutToNanos } from '../emco/timeout.js';

/** Thrown for a duration value a resource cannot hold (not an integer, not a Go duration, out of int64). */
export class DurationValueError extends Error {
  override readonly name = 'DurationValueError';
}

/**
 * A resource duration in int64 nanoseconds: an integer is nanoseconds (as in EMCO bodies), a string
 * a Go duration ("30s", "9007199254740993ns"). Throws DurationValueError.
 */
export function durationToNanos(value: IntOrDuration): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new DurationValueError(`duration ${value} is not a whole number of nanoseconds below 2^53`);
    }
    return BigInt(value);
  }
  try {
    return parseGoDuration(value);
  } catch (err) {
    if (err instanceof GoDurationError) throw new DurationValueError(err.message, { cause: err });
    throw err;
  }
}

/**
 * How a resource stores int64 nanoseconds: a JSON integer when JSON.parse reads it exactly
 * (|ns| <= 2^53-1), else the exact duration string `<ns>ns`.
 */
export function nanosToIntOrDuration(ns: bigint): IntOrDuration {
  return ns >= BigInt(Number.MIN_SAFE_INTEGER) && ns <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(ns)
    : `${ns}ns`;
}
