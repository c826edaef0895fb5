import { expect } from 'chai';
import fc from 'fast-check';
import {
  BadRequestTargetError,
  cleanPath,
  cleanRedirectLocation,
  escapePath,
  parseRequestTarget,
  unescapePath,
} from '../../../../operator/rest/go-path.js';

describe('operator/rest/go-path', () => {
  describe('cleanPath (gorilla/mux cleanPath)', () => {
    const cases: Array<[string, string]> = [
      ['/v2/projects', '/v2/projects'],
      ['//v2//projects', '/v2/projects'],
      ['/v2/./projects', '/v2/projects'],
      ['/v2/x/../projects', '/v2/projects'],
      ['/../v2', '/v2'],
      ['/v2/projects/', '/v2/projects/'],
      ['/v2/projects/.', '/v2/projects'],
      ['/v2/projects//', '/v2/projects/'],
      ['', '/'],
      ['v2', '/v2'],
    ];
    for (const [input, want] of cases) {
      it(`cleans ${JSON.stringify(input)} to ${want}`, () => {
        expect(cleanPath(input)).to.equal(want);
      });
    }
  });

  describe('unescapePath (Go url.PathUnescape)', () => {
    it('decodes an encoded slash and keeps +', () => {
      expect(unescapePath('/a%2Fb+c')).to.equal('/a/b+c');
    });
    it('decodes UTF-8 sequences', () => {
      expect(unescapePath('/%E2%82%AC')).to.equal('/€');
    });
    it('rejects a malformed escape', () => {
      expect(() => unescapePath('/a%zz')).to.throw(BadRequestTargetError, 'invalid URL escape "%zz"');
      expect(() => unescapePath('/a%2')).to.throw(BadRequestTargetError);
    });
  });

  describe('parseRequestTarget', () => {
    it('splits path and raw query', () => {
      expect(parseRequestTarget('/a%20b?x=%20&y')).to.deep.equal({
        path: '/a b',
        rawQuery: 'x=%20&y',
        hasQuery: true,
      });
    });
    it('accepts the absolute form', () => {
      expect(parseRequestTarget('http://host:9064/metrics?a=1')).to.deep.equal({
        path: '/metrics',
        rawQuery: 'a=1',
        hasQuery: true,
      });
    });
  });

  describe('cleanRedirectLocation', () => {
    it('is undefined for a clean path', () => {
      expect(cleanRedirectLocation(parseRequestTarget('/v2/projects/p'))).to.equal(undefined);
    });
    it('points at the cleaned path and keeps the query', () => {
      expect(cleanRedirectLocation(parseRequestTarget('/v2//projects/./p/../q?x=1'))).to.equal(
        '/v2/projects/q?x=1',
      );
    });
    it('re-escapes the decoded path the way Go writes URLs', () => {
      expect(cleanRedirectLocation(parseRequestTarget('/v2/a%2F%2Fb/c%20d'))).to.equal('/v2/a/b/c%20d');
      expect(escapePath('/a?b#c!d:e@f')).to.equal('/a%3Fb%23c%21d:e@f');
    });
    it('never redirects a clean path to itself (property)', () => {
      fc.assert(
        fc.property(fc.array(fc.stringMatching(/^[a-z.%2F/]{0,6}$/), { maxLength: 6 }), (segments) => {
          const target = { path: '/' + segments.join('/'), rawQuery: '', hasQuery: false };
          const location = cleanRedirectLocation(target);
          if (location === undefined) return;
          const next = parseRequestTarget(location);
          expect(cleanRedirectLocation(next)).to.equal(undefined);
        }),
      );
    });
  });
});
