import { expect } from 'chai';
import { EmcoClient, EmcoRequestError } from '../../../../worker/activities/emco-client.js';
import type { HttpClient, HttpRequest } from '../../../../worker/activities/http-client.js';
import { HttpTransportError } from '../../../../worker/activities/http-client.js';
import { EmcoUrlError, EmcoUrlPolicy } from '../../../../worker/activities/emco-url-policy.js';

const ANY = new EmcoUrlPolicy(['http://x', 'http://emco:9015', 'https://other']);

function fakeHttp(answer: (req: HttpRequest) => { status: number; text: string } | Error) {
  const seen: HttpRequest[] = [];
  const http: HttpClient = {
    send(req) {
      seen.push(req);
      const out = answer(req);
      return out instanceof Error ? Promise.reject(out) : Promise.resolve(out);
    },
  };
  return { http, seen };
}

const REF = { project: 'p 1', compositeApp: 'ca', compositeAppVersion: 'v1', deploymentIntentGroup: 'dig' };

async function rejection(p: Promise<unknown>): Promise<EmcoRequestError> {
  const err = await p.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
  expect(err).to.be.instanceOf(EmcoRequestError);
  return err as EmcoRequestError;
}

describe('EmcoClient', () => {
  it('builds DIG URLs from the ref or the default base URL, escaping segments', () => {
    const client = new EmcoClient(fakeHttp(() => ({ status: 200, text: '' })).http, 'http://emco:9015/', ANY);
    expect(client.digUrl(REF)).to.equal(
      'http://emco:9015/v2/projects/p%201/composite-apps/ca/v1/deployment-intent-groups/dig',
    );
    expect(client.digUrl({ ...REF, emcoURL: 'https://other' })).to.match(/^https:\/\/other\/v2\//);
  });

  it('fails permanently without any EMCO URL or with a non-http one', () => {
    const client = new EmcoClient(fakeHttp(() => ({ status: 200, text: '' })).http, undefined, ANY);
    expect(() => client.digUrl(REF)).to.throw(EmcoRequestError, 'no EMCO URL');
    expect(() => client.digUrl({ ...REF, emcoURL: 'ftp://x' })).to.throw(
      EmcoRequestError,
      'must start with http',
    );
  });

  it('parses JSON answers and sends JSON bodies', async () => {
    const { http, seen } = fakeHttp((req) => ({ status: req.method === 'GET' ? 200 : 201, text: '{"a":1}' }));
    const client = new EmcoClient(http, undefined, ANY);
    expect(await client.getJson('http://x/a')).to.deep.equal({ a: 1 });
    await client.putJson('http://x/b', { b: 2 });
    expect(seen[1]).to.deep.include({ method: 'PUT', url: 'http://x/b', json: { b: 2 } });
  });

  it('classifies 5xx/429 as retryable and other 4xx as permanent, with status and body in the message', async () => {
    const answers = [
      { status: 503, text: 'busy' },
      { status: 429, text: '' },
      { status: 404, text: 'not\nfound' },
    ];
    const client = new EmcoClient(
      fakeHttp(() => answers.shift() ?? { status: 200, text: '' }).http,
      undefined,
      ANY,
    );
    const e503 = await rejection(client.post('http://x/update'));
    expect(e503).to.include({
      retryable: true,
      status: 503,
      message: 'POST http://x/update answered 503: busy',
    });
    expect(await rejection(client.post('http://x/update'))).to.include({ retryable: true, status: 429 });
    const e404 = await rejection(client.getJson('http://x/dig'));
    expect(e404).to.include({
      retryable: false,
      status: 404,
      message: 'GET http://x/dig answered 404: not found',
    });
  });

  it('treats a transport error as retryable unless the request was aborted, and non-JSON as retryable', async () => {
    const refused = new EmcoClient(
      fakeHttp(() => new HttpTransportError('GET http://x failed: connect ECONNREFUSED', false)).http,
      undefined,
      ANY,
    );
    expect(await rejection(refused.getJson('http://x'))).to.include({ retryable: true, status: undefined });
    const aborted = new EmcoClient(
      fakeHttp(() => new HttpTransportError('aborted', true)).http,
      undefined,
      ANY,
    );
    expect(await rejection(aborted.getJson('http://x'))).to.include({ retryable: false });
    const html = new EmcoClient(fakeHttp(() => ({ status: 200, text: '<html>' })).http, undefined, ANY);
    expect((await rejection(html.getJson('http://x'))).message).to.equal(
      'GET http://x answered 200 with a body that is not JSON: <html>',
    );
  });

  it('refuses an EMCO URL outside the allow-list before any request', () => {
    const { http, seen } = fakeHttp(() => ({ status: 200, text: '' }));
    const client = new EmcoClient(http, undefined, new EmcoUrlPolicy(['http://emco:9015/base']));
    expect(client.digUrl({ ...REF, emcoURL: 'http://emco:9015/base/' })).to.match(
      /^http:\/\/emco:9015\/base\/v2\//,
    );
    expect(() => client.digUrl({ ...REF, emcoURL: 'http://evil:9015/base' })).to.throw(
      EmcoUrlError,
      `EMCO URL "http://evil:9015/base" is not in the worker's allow-list (TAC_WORKER_EMCO_ALLOWED_URLS; it allows http://emco:9015/base)`,
    );
    expect(seen).to.have.length(0);
  });
});

describe('EmcoUrlPolicy', () => {
  const policy = new EmcoUrlPolicy(['http://emco.emco.svc:9015', 'https://emco.example/api']);
  const allowed = (url: string) => {
    try {
      policy.check(url);
      return true;
    } catch (err) {
      expect(err).to.be.instanceOf(EmcoUrlError);
      return false;
    }
  };

  it('allows URLs on an allowed scheme, host and port under the allowed path', () => {
    expect(allowed('http://emco.emco.svc:9015')).to.equal(true);
    expect(allowed('http://EMCO.emco.svc:9015/')).to.equal(true);
    expect(allowed('https://emco.example/api')).to.equal(true);
    expect(allowed('https://emco.example:443/api/v9')).to.equal(true);
  });

  it('refuses other schemes, hosts, ports and paths, credentials, queries and overlong input', () => {
    for (const url of [
      'https://emco.emco.svc:9015',
      'http://emco.emco.svc',
      'http://emco.emco.svc:9016',
      'http://emco.emco.svc.evil.example:9015',
      'https://emco.example/apix',
      'https://emco.example/',
      'https://emco.example/api/../admin',
      'http://user:pw@emco.emco.svc:9015',
      'http://emco.emco.svc:9015?x=1',
      `http://emco.emco.svc:9015/${'a'.repeat(3000)}`,
      'not a url',
    ]) {
      expect(allowed(url), url).to.equal(false);
    }
  });

  it('fails closed: an empty list allows nothing', () => {
    expect(() => new EmcoUrlPolicy([]).check('http://emco:9015')).to.throw(
      EmcoUrlError,
      "is not in the worker's allow-list (TAC_WORKER_EMCO_ALLOWED_URLS; it is empty)",
    );
  });

  it('refuses unusable entries', () => {
    expect(() => new EmcoUrlPolicy(['emco:9015'])).to.throw(EmcoUrlError, 'expected an http(s) URL');
  });
});
