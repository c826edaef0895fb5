// The bytes of the intent read routes: item bodies memoized per object, EMCO's list body, and the
// per-DIG list cache that rebuilds only when the DIG's version moves.
import { expect } from 'chai';
import { ListBodyCache, itemBody, listBody } from '../../../../operator/rest/intent-json.js';
import { intent } from '../../../support/builders.js';

describe('operator/rest/intent-json', () => {
  it('encodes an item once per object, and again for a new object', () => {
    let encoded = 0;
    const encode = (): string => {
      encoded++;
      return `{"n":${encoded}}\n`;
    };
    const first = intent();
    expect(itemBody(first, encode).toString()).to.equal('{"n":1}\n');
    expect(itemBody(first, encode).toString()).to.equal('{"n":1}\n');
    expect(encoded).to.equal(1);
    expect(itemBody(structuredClone(first), encode).toString()).to.equal('{"n":2}\n');
  });

  it('memoizes nothing when the intent cannot be encoded', () => {
    const obj = intent();
    expect(() =>
      itemBody(obj, () => {
        throw new Error('not an EMCO intent');
      }),
    ).to.throw('not an EMCO intent');
    expect(itemBody(obj, () => '{}\n').toString()).to.equal('{}\n');
  });

  it("writes EMCO's list: null for none, else the items in a JSON array, with a newline", () => {
    expect(listBody([]).toString()).to.equal('null\n');
    const items = [Buffer.from('{"a":1}\n'), Buffer.from('{"b":"x,y"}\n')];
    const text = listBody(items).toString();
    expect(text).to.equal('[{"a":1},{"b":"x,y"}]\n');
    expect(JSON.parse(text)).to.deep.equal([{ a: 1 }, { b: 'x,y' }]);
    expect(items[0]?.toString(), 'items are left as they were').to.equal('{"a":1}\n');
  });

  it('rebuilds a DIG list only when its version moves', () => {
    const cache = new ListBodyCache();
    let builds = 0;
    const build = (): Buffer => Buffer.from(`[${++builds}]\n`);
    expect(cache.body('dig1', 1, build).toString()).to.equal('[1]\n');
    expect(cache.body('dig1', 1, build).toString(), 'same version').to.equal('[1]\n');
    expect(cache.body('dig1', 2, build).toString(), 'a member changed').to.equal('[2]\n');
    expect(cache.body('dig2', 2, build).toString(), 'another DIG').to.equal('[3]\n');
    expect(cache.body('dig1', 2, build).toString()).to.equal('[2]\n');
    expect(builds).to.equal(3);
  });

  it('keeps at most its capacity of DIGs, dropping the least recently listed', () => {
    const cache = new ListBodyCache(2);
    let builds = 0;
    const build = (): Buffer => Buffer.from(String(++builds));
    cache.body('a', 1, build);
    cache.body('b', 1, build);
    cache.body('a', 1, build); // a is now the most recently used
    cache.body('c', 1, build); // evicts b
    expect(cache.size).to.equal(2);
    expect(cache.body('a', 1, build).toString(), 'kept').to.equal('1');
    expect(cache.body('b', 1, build).toString(), 'rebuilt').to.equal('4');
  });
});
