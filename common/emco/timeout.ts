// Owns the seed's timeout values (hookBlockingTimeout, the status query's waitForResultTimeout):
// a whole number of seconds or an unsigned Go duration string, converted to int64 nanoseconds.
import { MAX_TIMEOUT_SECONDS } from './constraints.js';
import { isDurationString, parseGoDuration } from './go-duration.js';
import type { HookBlockingTimeout } from './types.js';

/** Thrown for a timeout that is not a non-negative whole number of seconds or a duration string. */
export class TimeoutValueError extends Error {
  override readonly name = 'TimeoutValueError';
}

/** True when `value` is 0..MAX_TIMEOUT_SECONDS whole seconds or an unsigned duration string fitting int64 ns. */
export function isValidTimeout(value: HookBlockingTimeout): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= MAX_TIMEOUT_SECONDS;
  return isDurationString(value);
}

/** The timeout in nanoseconds: numbers are seconds, strings Go durations ("90s", "10m"). Throws TimeoutValueError. */
export function timeoutToNanos(value: HookBlockingTimeout): bigint {
  if (!isValidTimeout(value)) {
    throw new TimeoutValueError(
      `invalid timeout ${JSON.stringify(value)}: expected a non-negative whole number of seconds or a duration string such as "90s" or "10m"`,
    );
  }
  return typeof value === 'number' ? BigInt(value) * 1_000_000_000n : parseGoDuration(value);
}
