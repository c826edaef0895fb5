import { expect } from 'chai';
import fc from 'fast-check';
import {
  DurationValueError,
  durationToNanos,
  nanosToIntOrDuration,
  TimeoutValueError,
  timeoutMs,
} from '../../../../common/domain/durations.js';

describe('resource durations', () => {
  it('reads integers as nanoseconds and strings as Go durations', () => {
    expect(durationToNanos(0)).to.equal(0n);
    expect(durationToNanos(60_000_000_000)).to.equal(60_000_000_000n);
    expect(durationToNanos('1m')).to.equal(60_000_000_000n);
    expect(durationToNanos('9007199254740993ns')).to.equal(9_007_199_254_740_993n);
  });

  it('rejects fractions, unsafe integers and bad strings with DurationValueError', () => {
    for (const bad of [1.5, 2 ** 53, 'soon', '3000000h', '']) {
      expect(() => durationToNanos(bad), String(bad)).to.throw(DurationValueError);
    }
  });

  it('writes integers JSON.parse reads exactly, and exact strings beyond', () => {
    expect(nanosToIntOrDuration(0n)).to.equal(0);
    expect(nanosToIntOrDuration(9_007_199_254_740_991n)).to.equal(9_007_199_254_740_991);
    expect(nanosToIntOrDuration(9_007_199_254_740_992n)).to.equal('9007199254740992ns');
    expect(nanosToIntOrDuration((1n << 63n) - 1n)).to.equal('9223372036854775807ns');
  });

  it('round-trips every non-negative int64 through JSON (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }), (ns) => {
        const stored = JSON.parse(JSON.stringify({ d: nanosToIntOrDuration(ns) })) as { d: number | string };
        expect(durationToNanos(stored.d)).to.equal(ns);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('timeoutMs', () => {
  it('reads numbers as seconds and strings as Go durations, the default when unset', () => {
    expect(timeoutMs(90, 1)).to.equal(90_000);
    expect(timeoutMs('1m30s', 1)).to.equal(90_000);
    expect(timeoutMs('1500us', 1)).to.equal(1);
    expect(timeoutMs(undefined, 7)).to.equal(7);
    expect(timeoutMs(null, 7)).to.equal(7);
  });

  it('rejects what the EMCO timeout code rejects, with the same error', () => {
    for (const bad of ['90', 1.5, -1, 'soon']) {
      expect(() => timeoutMs(bad, 1), String(bad)).to.throw(TimeoutValueError);
    }
  });
});
