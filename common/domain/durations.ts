// Owns every duration the product reads: timeouts (hookBlockingTimeout, the status query's
// waitForResultTimeout: whole seconds or an unsigned Go duration string) and the durations a
// resource stores (integer nanoseconds or a Go duration string), in int64 nanoseconds or ms.
import { GoDurationError, isDurationString, parseGoDuration } from './go-duration.js';

/** The largest timeout in whole seconds that still fits int64 nanoseconds. */
export const MAX_TIMEOUT_SECONDS = 9_223_372_036;

/** A timeout as bodies and resources carry it: seconds, or a Go duration string. */
export type TimeoutValue = number | string;

/** Thrown for a timeout that is not a non-negative whole number of seconds or a duration string. */
export class TimeoutValueError extends Error {
  override readonly name = 'TimeoutValueError';
}

/** True when `value` is 0..MAX_TIMEOUT_SECONDS whole seconds or an unsigned duration string fitting int64 ns. */
export function isValidTimeout(value: TimeoutValue): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= MAX_TIMEOUT_SECONDS;
  return isDurationString(value);
}

/** The timeout in nanoseconds: numbers are seconds, strings Go durations ("90s", "10m"). Throws TimeoutValueError. */
export function timeoutToNanos(value: TimeoutValue): bigint {
  if (!isValidTimeout(value)) {
    throw new TimeoutValueError(
      `invalid timeout ${JSON.stringify(value)}: expected a non-negative whole number of seconds or a duration string such as "90s" or "10m"`,
    );
  }
  return typeof value === 'number' ? BigInt(value) * 1_000_000_000n : parseGoDuration(value);
}

/**
 * The timeout in whole milliseconds (truncated), `defaultMs` when unset. Reads exactly what
 * `timeoutToNanos` reads and throws TimeoutValueError for the same values.
 */
export function timeoutMs(value: TimeoutValue | null | undefined, defaultMs: number): number {
  if (value === undefined || value === null) return defaultMs;
  return Number(timeoutToNanos(value) / 1_000_000n);
}

/** Thrown for a duration value a resource cannot hold (not an integer, not a Go duration, out of int64). */
export class DurationValueError extends Error {
  override readonly name = 'DurationValueError';
}

/**
 * A resource duration in int64 nanoseconds: an integer is nanoseconds (as in EMCO bodies), a string
 * a Go duration ("30s", "9007199254740993ns"). Throws DurationValueError.
 */
export function durationToNanos(value: number | string): bigint {
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
export function nanosToIntOrDuration(ns: bigint): number | string {
  return ns >= BigInt(Number.MIN_SAFE_INTEGER) && ns <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(ns)
    : `${ns}ns`;
}
