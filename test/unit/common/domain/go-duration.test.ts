import { expect } from 'chai';
import fc from 'fast-check';
import {
  DURATION_STRING_PATTERN,
  GoDurationError,
  formatGoDuration,
  isDurationString,
  parseGoDuration,
} from '../../../../common/domain/go-duration.js';
import { TimeoutValueError, isValidTimeout, timeoutToNanos } from '../../../../common/domain/durations.js';

const INT64_MAX = (1n << 63n) - 1n;

function goError(text: string): string {
  try {
    parseGoDuration(text);
  } catch (err) {
    expect(err).to.be.instanceOf(GoDurationError);
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

describe('parseGoDuration (time.ParseDuration)', () => {
  const cases: Array<[string, bigint]> = [
    ['0', 0n],
    ['+0', 0n],
    ['-0', 0n],
    ['5s', 5_000_000_000n],
    ['30s', 30_000_000_000n],
    ['1478s', 1_478_000_000_000n],
    ['-5s', -5_000_000_000n],
    ['+5s', 5_000_000_000n],
    ['-0s', 0n],
    ['5.0s', 5_000_000_000n],
    ['5.6s', 5_600_000_000n],
    ['5.s', 5_000_000_000n],
    ['.5s', 500_000_000n],
    ['1.0s', 1_000_000_000n],
    ['1.00s', 1_000_000_000n],
    ['1.004s', 1_004_000_000n],
    ['100.00100s', 100_001_000_000n],
    ['10ns', 10n],
    ['11us', 11_000n],
    ['12µs', 12_000n],
    ['12μs', 12_000n],
    ['13ms', 13_000_000n],
    ['14s', 14_000_000_000n],
    ['15m', 900_000_000_000n],
    ['16h', 57_600_000_000_000n],
    ['3h30m', 12_600_000_000_000n],
    ['10.5s4m', 250_500_000_000n],
    ['-2m3.4s', -123_400_000_000n],
    ['1h2m3s4ms5us6ns', 3_723_004_005_006n],
    ['39h9m14.425s', 140_954_425_000_000n],
    ['52763797000ns', 52_763_797_000n],
    ['0.3333333333333333333h', 1_200_000_000_000n],
    ['9007199254740993ns', 9_007_199_254_740_993n],
    ['9223372036854775807ns', INT64_MAX],
    ['9223372036854775.807us', INT64_MAX],
    ['9223372036s854ms775us807ns', INT64_MAX],
    ['-9223372036854775808ns', -(1n << 63n)],
    ['0.100000000000000000000h', 360_000_000_000n],
    ['0.830103483285477580700h', 2_988_372_539_827n],
  ];
  for (const [text, ns] of cases) {
    it(`${text} = ${ns}ns`, () => {
      expect(parseGoDuration(text)).to.equal(ns);
    });
  }

  const errors: Array<[string, string]> = [
    ['', 'time: invalid duration ""'],
    ['3', 'time: missing unit in duration "3"'],
    ['-', 'time: invalid duration "-"'],
    ['s', 'time: invalid duration "s"'],
    ['.', 'time: invalid duration "."'],
    ['-.', 'time: invalid duration "-."'],
    ['.s', 'time: invalid duration ".s"'],
    ['+.s', 'time: invalid duration "+.s"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['5 s', 'time: unknown unit " s" in duration "5 s"'],
    ['1.5µ', 'time: unknown unit "\\xc2\\xb5" in duration "1.5\\xc2\\xb5"'],
    ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
    ['9223372036854775.808us', 'time: invalid duration "9223372036854775.808us"'],
    ['3000000h', 'time: invalid duration "3000000h"'],
    ['-9223372036854775809ns', 'time: invalid duration "-9223372036854775809ns"'],
  ];
  for (const [text, message] of errors) {
    it(`${JSON.stringify(text)} fails: ${message}`, () => {
      expect(goError(text)).to.equal(message);
    });
  }
});

describe('formatGoDuration (Duration.String)', () => {
  const cases: Array<[bigint, string]> = [
    [0n, '0s'],
    [1n, '1ns'],
    [1_100n, '1.1µs'],
    [2_200_000n, '2.2ms'],
    [3_300_000_000n, '3.3s'],
    [-4_400_000_000n, '-4.4s'],
    [60_000_000_000n, '1m0s'],
    [3_723_004_005_006n, '1h2m3.004005006s'],
    [INT64_MAX, '2562047h47m16.854775807s'],
    [-(1n << 63n), '-2562047h47m16.854775808s'],
  ];
  for (const [ns, text] of cases) {
    it(`${ns}ns prints as ${text}`, () => {
      expect(formatGoDuration(ns)).to.equal(text);
    });
  }

  it('parses back what it prints, for every int64', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(1n << 63n), max: INT64_MAX }),
        (ns) => parseGoDuration(formatGoDuration(ns)) === ns,
      ),
      { numRuns: 2000 },
    );
  });
});

describe('duration strings in resources', () => {
  it('the pattern accepts only unsigned durations with units (or "0")', () => {
    const re = new RegExp(DURATION_STRING_PATTERN, 'u');
    for (const ok of [
      '0',
      '1s',
      '1.5h',
      '.5s',
      '5.s',
      '1h2m3s4ms5us6ns',
      '2µs',
      '3μs',
      '9007199254740993ns',
    ]) {
      expect(re.test(ok), ok).to.equal(true);
    }
    for (const bad of ['', '-1s', '+1s', '1', '00', 's', '.s', '1 s', '1d', ' 1s', '1s ']) {
      expect(re.test(bad), bad).to.equal(false);
    }
  });

  it('isDurationString also rejects values beyond int64', () => {
    expect(isDurationString('2562047h')).to.equal(true);
    expect(isDurationString('2562048h')).to.equal(false);
  });
});

describe('timeouts (hookBlockingTimeout, waitForResultTimeout)', () => {
  it('numbers are whole seconds, strings Go durations', () => {
    expect(timeoutToNanos(90)).to.equal(90_000_000_000n);
    expect(timeoutToNanos('90s')).to.equal(90_000_000_000n);
    expect(timeoutToNanos('10m')).to.equal(600_000_000_000n);
    expect(timeoutToNanos(0)).to.equal(0n);
  });

  it('rejects negative, fractional, signed and malformed values', () => {
    for (const bad of [-1, 1.5, 9_223_372_037, '-5s', '+5s', '90', 'soon', '']) {
      expect(isValidTimeout(bad), String(bad)).to.equal(false);
      expect(() => timeoutToNanos(bad)).to.throw(TimeoutValueError, 'non-negative whole number of seconds');
    }
  });
});
