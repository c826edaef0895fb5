import { expect } from 'chai';
import { EmcoDecodeError } from '../../../../common/emco/decode-error.js';
import { quoteChar, readFirstValue, toBytes, type JsonNode } from '../../../../common/emco/json-scanner.js';

function read(body: string | Uint8Array): JsonNode {
  return readFirstValue(typeof body === 'string' ? toBytes(body) : body);
}

function failure(body: string | Uint8Array): EmcoDecodeError {
  try {
    read(body);
  } catch (err) {
    expect(err).to.be.instanceOf(EmcoDecodeError);
    return err as EmcoDecodeError;
  }
  throw new Error(`expected ${JSON.stringify(body)} to fail`);
}

function str(body: string | Uint8Array): string {
  const node = read(body);
  if (node.t !== 'str') throw new Error(`not a string: ${node.t}`);
  return node.v;
}

describe('json-scanner (Go json.Decoder reading)', () => {
  describe('EOF', () => {
    for (const body of ['', ' ', '\n\t\r ']) {
      it(`empty or whitespace-only body ${JSON.stringify(body)} is io.EOF`, () => {
        const e = failure(body);
        expect(e.kind).to.equal('eof');
        expect(e.message).to.equal('EOF');
      });
    }
    for (const body of [
      '{',
      '{"a"',
      '{"a":',
      '{"a":1',
      '{"a":1,',
      '[',
      '[1,',
      '"abc',
      '"\\',
      '"\\u12',
      'tru',
      'nul',
      '-',
      '1.',
      '1e',
      '1e+',
    ]) {
      it(`truncated ${JSON.stringify(body)} is unexpected EOF`, () => {
        const e = failure(body);
        expect(e.kind).to.equal('syntax');
        expect(e.message).to.equal('unexpected EOF');
      });
    }
  });

  describe('syntax errors carry Go’s message', () => {
    const cases: Array<[string, string]> = [
      ['not json', "invalid character 'o' in literal null (expecting 'u')"],
      ['xyz', "invalid character 'x' looking for beginning of value"],
      ['tx', "invalid character 'x' in literal true (expecting 'r')"],
      ['falze', "invalid character 'z' in literal false (expecting 's')"],
      ['{"a" 1}', "invalid character '1' after object key"],
      ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair"],
      ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
      ['{1:2}', "invalid character '1' looking for beginning of object key string"],
      ['[1 2]', "invalid character '2' after array element"],
      ['[1,]', "invalid character ']' looking for beginning of value"],
      ['{"a":01}', "invalid character '1' after object key:value pair"],
      ['{"a":-x}', "invalid character 'x' in numeric literal"],
      ['{"a":1.x}', "invalid character 'x' after decimal point in numeric literal"],
      ['{"a":1ex}', "invalid character 'x' in exponent of numeric literal"],
      ['{"a":"\\x"}', "invalid character 'x' in string escape code"],
      ['{"a":"\\u12g4"}', "invalid character 'g' in \\u hexadecimal character escape"],
      ['{"a":"\u0001"}', "invalid character '\\x01' in string literal"],
      ['{"a":"\n"}', "invalid character '\\n' in string literal"],
      ['{"a":"\t"}', "invalid character '\\t' in string literal"],
      ["'a'", "invalid character '\\'' looking for beginning of value"],
      ['\\', "invalid character '\\\\' looking for beginning of value"],
      ['\u00ef', "invalid character 'Ã' looking for beginning of value"],
    ];
    for (const [body, message] of cases) {
      it(`${JSON.stringify(body)} → ${message}`, () => {
        const e = failure(body);
        expect(e.kind).to.equal('syntax');
        expect(e.message).to.equal(message);
      });
    }

    it('a UTF-8 byte order mark is an invalid character, as in Go', () => {
      expect(failure('\ufeff{}').message).to.equal("invalid character 'ï' looking for beginning of value");
    });

    it('quotes bytes the way Go’s quoteChar does', () => {
      expect(quoteChar(0x00)).to.equal("'\\x00'");
      expect(quoteChar(0x07)).to.equal("'\\a'");
      expect(quoteChar(0x7f)).to.equal("'\\x7f'");
      expect(quoteChar(0x80)).to.equal("'\\u0080'");
      expect(quoteChar(0xa0)).to.equal("'\\u00a0'");
      expect(quoteChar(0xad)).to.equal("'\\u00ad'");
      expect(quoteChar(0xe9)).to.equal("'é'");
      expect(quoteChar(0x22)).to.equal(`'"'`);
    });

    it('reports nesting beyond Go’s limit of 10000', () => {
      expect(read(`${'['.repeat(10000)}${']'.repeat(10000)}`).t).to.equal('arr');
      expect(failure(`${'['.repeat(10001)}${']'.repeat(10001)}`).message).to.equal(
        "invalid character '[' exceeded max depth",
      );
    });
  });

  describe('only the first value is read', () => {
    for (const body of [
      '{"a":1} garbage',
      '{"a":1}}',
      '{"a":1}{"a":2}',
      '{"a":1}\u0000',
      'null x',
      'true false',
    ]) {
      it(`ignores what follows in ${JSON.stringify(body)}`, () => {
        expect(() => read(body)).not.to.throw();
      });
    }

    it('ends a top-level number at the first byte that cannot continue it', () => {
      expect(read('123abc')).to.deep.include({ t: 'num', text: '123' });
      expect(read('0123')).to.deep.include({ t: 'num', text: '0' });
    });

    it('still reports a syntax error inside the first value', () => {
      expect(failure('{"a":[1,}').kind).to.equal('syntax');
    });
  });

  describe('values', () => {
    it('keeps number literals as text (int64 stays exact)', () => {
      const node = read('{"a":9223372036854775807,"b":-0.5e-3}');
      expect(node).to.deep.equal({
        t: 'obj',
        at: 0,
        entries: [
          ['a', { t: 'num', text: '9223372036854775807', at: 5 }],
          ['b', { t: 'num', text: '-0.5e-3', at: 29 }],
        ],
      });
    });

    it('keeps duplicate keys in order', () => {
      const node = read('{"k":1,"K":2,"k":3}');
      expect(node.t === 'obj' && node.entries.map(([k]) => k)).to.deep.equal(['k', 'K', 'k']);
    });

    it('unquotes escapes, including surrogate pairs', () => {
      expect(str('"a\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"')).to.equal('a"\\/\b\f\n\r\té😀');
    });

    it('replaces lone surrogate escapes with U+FFFD, as Go does', () => {
      expect(str('"\\ud800"')).to.equal('\ufffd');
      expect(str('"\\udc00x"')).to.equal('\ufffdx');
      expect(str('"\\ud800\\ud800\\udc00"')).to.equal('\ufffd\u{10000}');
      expect(str('"\\ud800\\u0041"')).to.equal('\ufffdA');
    });

    it('replaces each invalid UTF-8 byte with U+FFFD', () => {
      const bytes = new Uint8Array([0x22, 0x61, 0xff, 0xe2, 0x82, 0x62, 0xed, 0xa0, 0x80, 0xc3, 0xa9, 0x22]);
      expect(str(bytes)).to.equal('a\ufffd\ufffd\ufffdb\ufffd\ufffd\ufffdé');
    });

    it('keeps a byte order mark inside a string', () => {
      expect(str('"\ufeffx"')).to.equal('\ufeffx');
    });

    it('accepts raw non-ASCII and U+2028 in strings', () => {
      expect(str('"ſ\u2028K"')).to.equal('ſ\u2028K');
    });
  });
});
