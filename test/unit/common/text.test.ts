import { expect } from 'chai';
import fc from 'fast-check';
import { trimLeading, trimTrailing } from '../../../common/text.js';

describe('common/text', () => {
  it('trims a run of one character at the end or the start only', () => {
    expect(trimTrailing('http://x/api///', '/')).to.equal('http://x/api');
    expect(trimTrailing('///', '/')).to.equal('');
    expect(trimTrailing('a/b', '/')).to.equal('a/b');
    expect(trimTrailing('', '/')).to.equal('');
    expect(trimLeading('--a-b--', '-')).to.equal('a-b--');
    expect(trimLeading('abc', '-')).to.equal('abc');
  });

  it('agrees with the anchored patterns it replaces', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('/', '-', 'a', '0') }), (s) => {
        // eslint-disable-next-line regexp/no-super-linear-move -- the reference, on short generated strings
        expect(trimTrailing(s, '/')).to.equal(s.replace(/\/+$/, ''));
        expect(trimLeading(s, '-')).to.equal(s.replace(/^-+/, ''));
      }),
    );
  });

  it('takes linear time on a long run followed by another character', () => {
    const s = '/'.repeat(1_000_000) + 'x';
    expect(trimTrailing(s, '/')).to.equal(s);
  });
});
