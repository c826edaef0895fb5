// Owns the bound on /invoke calls in flight: a slot is taken before the body is read and given
// back when the answer is decided, so a burst cannot pile up starts against Temporal.

export interface InvokeLimit {
  /** Takes a slot; false when all are taken (the caller answers 429). */
  tryAcquire(): boolean;
  release(): void;
  readonly inFlight: number;
}

export function createInvokeLimit(max: number): InvokeLimit {
  if (!Number.isInteger(max) || max < 1)
    throw new RangeError(`invoke limit must be a positive integer, got ${max}`);
  let inFlight = 0;
  return {
    tryAcquire() {
      if (inFlight >= max) return false;
      inFlight++;
      return true;
    },
    release() {
      if (inFlight > 0) inFlight--;
    },
    get inFlight() {
      return inFlight;
    },
  };
}
