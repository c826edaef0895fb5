import { expect } from 'chai';
import fc from 'fast-check';
import { BoundedCache, Router, templateOf } from '../../../../operator/rest/router.js';

function router(): Router<string> {
  const r = new Router<string>();
  r.add({ method: 'GET', pattern: '/v2/projects/:project/items', value: 'list' });
  r.add({ method: 'POST', pattern: '/v2/projects/:project/items', value: 'create' });
  r.add({ method: 'GET', pattern: '/v2/projects/:project/items/:item', value: 'get' });
  r.add({ method: 'GET', pattern: '/v2/projects/:project/items/:item/status', value: 'status' });
  return r;
}

describe('operator/rest/router', () => {
  it('matches routes and decodes variables', () => {
    const m = router().match('GET', '/v2/projects/p 1/items/a%b');
    expect(m.kind).to.equal('found');
    if (m.kind !== 'found') return;
    expect(m.route.value).to.equal('get');
    expect(m.params).to.deep.equal({ project: 'p 1', item: 'a%b' });
  });

  it('answers method-not-allowed for a known path with another method', () => {
    expect(router().match('DELETE', '/v2/projects/p/items').kind).to.equal('method-not-allowed');
    expect(router().match('HEAD', '/v2/projects/p/items/x').kind).to.equal('method-not-allowed');
  });

  it('does not tolerate a trailing slash or an empty variable', () => {
    expect(router().match('GET', '/v2/projects/p/items/').kind).to.equal('not-found');
    expect(router().match('GET', '/v2/projects//items').kind).to.equal('not-found');
    expect(router().match('GET', '/v2/projects/p/nothing').kind).to.equal('not-found');
  });

  it('routes a decoded slash as a separator (as gorilla/mux on URL.Path)', () => {
    const m = router().match('GET', '/v2/projects/p/items/a/status');
    expect(m.kind === 'found' && m.route.value).to.equal('status');
  });

  it('accepts long variables (EMCO names reach 128 characters, projects more)', () => {
    const long = 'x'.repeat(5000);
    const m = router().match('GET', `/v2/projects/${long}/items`);
    expect(m.kind === 'found' && m.params.project).to.equal(long);
  });

  it('round-trips any segment without a slash (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('/')),
        (segment) => {
          const m = router().match('GET', `/v2/projects/${segment}/items`);
          expect(m.kind).to.equal('found');
          if (m.kind === 'found') expect(m.params.project).to.equal(segment);
        },
      ),
    );
  });

  it('writes templates in OpenAPI form', () => {
    expect(templateOf('/v2/projects/:project/items/:item')).to.equal('/v2/projects/{project}/items/{item}');
  });

  it('keeps at most its capacity in the route cache, dropping the oldest entry first', () => {
    const cache = new BoundedCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 10);
    expect(cache.size, 'replacing an entry does not evict').to.equal(2);
    cache.set('c', 3);
    expect(cache.get('a')).to.equal(undefined);
    expect(cache.get('b')).to.equal(2);
    expect(cache.get('c')).to.equal(3);
    expect(cache.size).to.equal(2);
  });
});
