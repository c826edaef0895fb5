// The string pool of the informer cache: repeated values shared in place, bounded, objects left
// equal to what they were.
import { expect } from 'chai';
import { StringPool } from '../../../../operator/kube/string-pool.js';
import { intent } from '../../../support/builders.js';

/** Two strings with equal text built at run time (so they are distinct heap strings). */
const fresh = (text: string): string => [...text].join('');

describe('operator/kube/string-pool', () => {
  it('leaves objects equal to what they were, dates and numbers included', () => {
    const pool = new StringPool();
    const obj = intent();
    const before = structuredClone(obj);
    expect(pool.share(obj)).to.equal(obj);
    expect(obj).to.deep.equal(before);
    expect(obj.metadata.creationTimestamp).to.be.instanceOf(Date);
  });

  it('pools the values of objects and arrays, nested, and later values find the pooled copy', () => {
    const pool = new StringPool();
    const a = { spec: { hookType: fresh('pre-install'), list: [fresh('x'), { y: fresh('y') }] } };
    const b = { spec: { hookType: fresh('pre-install'), list: [fresh('x'), { y: fresh('y') }] } };
    pool.share(a);
    pool.share(b);
    expect(pool.size).to.equal(3);
    expect(b).to.deep.equal(a);
  });

  it('keeps long values out of the pool and stops adding new values once full', () => {
    const pool = new StringPool(2, 8);
    pool.share({ long: 'a'.repeat(9) });
    expect(pool.size, 'longer than the limit').to.equal(0);
    pool.share({ a: 'one', b: 'two', c: 'three' });
    expect(pool.size).to.equal(2);
    const later = { a: fresh('one'), c: fresh('three') };
    pool.share(later);
    expect(later).to.deep.equal({ a: 'one', c: 'three' });
    expect(pool.size).to.equal(2);
  });

  it('stops at a bounded depth on pathological nesting', () => {
    let deep: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < 100; i++) deep = { next: deep };
    expect(() => new StringPool().share(deep)).to.not.throw();
  });
});
