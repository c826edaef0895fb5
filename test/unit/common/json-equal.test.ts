import { expect } from 'chai';
import fc from 'fast-check';
import { jsonEqual } from '../../../common/json-equal.js';

/** What comparing JSON round-trip copies says (the meaning jsonEqual keeps, without the text). */
function byText(a: unknown, b: unknown): boolean {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  const copy = (v: unknown): unknown => sorted(JSON.parse(JSON.stringify(v) ?? 'null'));
  return JSON.stringify(copy(a)) === JSON.stringify(copy(b));
}

const leaf = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, -0, Number.NaN, Number.POSITIVE_INFINITY),
  fc.constantFrom('', 'a', 'b', 'Ready'),
  fc.constant(new Date(0)),
);
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'type'), tie('value'), { maxKeys: 3 }),
  ),
}));

describe('common/json-equal', () => {
  it('answers what comparing JSON round-trip copies answers (property)', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(jsonEqual(a, b)).to.equal(byText(a, b));
        expect(jsonEqual(a, a)).to.equal(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('treats undefined properties as absent and undefined array elements as null', () => {
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).to.equal(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).to.equal(true);
    expect(jsonEqual([undefined], [null])).to.equal(true);
    expect(jsonEqual({ a: null }, {})).to.equal(false);
    expect(jsonEqual({ a: 1 }, { b: 1 })).to.equal(false);
  });

  it('ignores key order and tells arrays from objects', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).to.equal(true);
    expect(jsonEqual([], {})).to.equal(false);
    expect(jsonEqual({ 0: 'a' }, ['a'])).to.equal(false);
    expect(jsonEqual([1, 2], [2, 1])).to.equal(false);
  });

  it('compares a Date as its ISO text and non-finite numbers as null', () => {
    expect(jsonEqual({ t: new Date(0) }, { t: '1970-01-01T00:00:00.000Z' })).to.equal(true);
    expect(jsonEqual(Number.NaN, null)).to.equal(true);
    expect(jsonEqual(Number.POSITIVE_INFINITY, 0)).to.equal(false);
  });

  it('compares values nested deeper than its recursion limit by their text', () => {
    let a: unknown = 'x';
    let b: unknown = 'x';
    for (let i = 0; i < 100; i++) {
      a = { n: a };
      b = { n: b };
    }
    expect(jsonEqual(a, b)).to.equal(true);
    expect(jsonEqual(a, { n: 'y' })).to.equal(false);
  });
});
