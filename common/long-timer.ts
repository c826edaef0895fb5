// Owns timers of any length. Node fires a setTimeout longer than 2^31 - 1 ms (about 24.8 days) at
// once, with only a warning, so a long hookBlockingTimeout would turn a wait into a busy loop; a
// longer delay is waited out here as a chain of shorter timers.

/** The longest delay one Node timer honours. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** One Node timer: set with a delay of at most MAX_TIMER_MS, cleared by its handle. */
export interface TimerApi {
  set(fn: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

const nodeTimers = (unref: boolean): TimerApi => ({
  set(fn, delayMs) {
    const t = setTimeout(fn, delayMs);
    if (unref) t.unref();
    return t;
  },
  clear(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
});

/**
 * Calls `fn` once after `delayMs` ms, whatever its length (negative or NaN counts as 0, Infinity
 * never fires). Returns a cancel function; cancelling after the call is harmless. With `unref`
 * the timers never keep the process alive.
 */
export function setLongTimeout(
  fn: () => void,
  delayMs: number,
  options: { unref?: boolean; timers?: TimerApi } = {},
): () => void {
  const timers = options.timers ?? nodeTimers(options.unref === true);
  let remaining = Number.isNaN(delayMs) ? 0 : Math.max(0, delayMs);
  let handle: unknown;
  let done = false;
  const arm = (): void => {
    if (remaining === Infinity) return;
    const step = Math.min(remaining, MAX_TIMER_MS);
    handle = timers.set(() => {
      remaining -= step;
      if (done) return;
      if (remaining > 0) return arm();
      done = true;
      fn();
    }, step);
  };
  arm();
  return () => {
    if (done) return;
    done = true;
    if (handle !== undefined) timers.clear(handle);
  };
}
