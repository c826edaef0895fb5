// The bundle's ASCII-only pass: V8 keeps an ASCII module source as a one-byte string.
import { expect } from 'chai';
import { asciiOnly } from '../../../scripts/bundle.js';

describe('scripts/bundle asciiOnly', () => {
  it('leaves ASCII text as it is', () => {
    const source = 'const a = "x"; // plain\n';
    expect(asciiOnly(source)).to.equal(source);
  });

  it('escapes every non-ASCII character, and strings keep their value', () => {
    const text = 'RFC 4291 §2.7 — café 😀';
    const escaped = asciiOnly(`return ${JSON.stringify(text)};`);
    expect(/^[\t-~]*$/.test(escaped)).to.equal(true);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const value = (new Function(escaped) as () => string)();
    expect(value).to.equal(text);
  });

  it('keeps comments comments', () => {
    const escaped = asciiOnly('/** See RFC 4007 §6 */ return 1;');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    expect((new Function(escaped) as () => number)()).to.equal(1);
    expect(escaped).to.include('\\u00a7');
  });
});
