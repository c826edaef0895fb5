import { expect } from 'chai';
import { EmcoClient, EmcoRequestError } from '../../../../worker/activities/emco-client.js';
import type { HttpClient, HttpRequest } from '../../../../worker/activities/http-client.js';
import { HttpTransportError } from '../../../../worker/activities/http-client.js';

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
    const client = new EmcoClient(fakeHttp(() => ({ status: 200, text: '' })).http, 'http://emco:9015/');
    expect(client.digUrl(REF)).to.equal(
      'http://emco:9015/v2/projects/p%201/composite-apps/ca/v1/deployment-intent-groups/dig',
    );
    expect(client.digUrl({ ...REF, emcoURL: 'https://other' })).to.match(/^https:\/\/other\/v2\//);
  });

  it('fails permanently without any EMCO URL or with a non-http one', () => {
    const client = new EmcoClient(fakeHttp(() => ({ status: 200, text: '' })).http, undefined);
    expect(() => client.digUrl(REF)).to.throw(EmcoRequestError, 'no EMCO URL');
    expect(() => client.digUrl({ ...REF, emcoURL: 'ftp://x' })).to.throw(
      EmcoRequestError,
      'must start with http',
    );
  });

  it('parses JSON answers and sends JSON bodies', async () => {
    const { http, seen } = fakeHttp((req) => ({ status: req.method === 'GET' ? 200 : 201, text: '{"a":1}' }));
    const client = new EmcoClient(http, undefined);
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
    );
    expect(await rejection(refused.getJson('http://x'))).to.include({ retryable: true, status: undefined });
    const aborted = new EmcoClient(fakeHttp(() => new HttpTransportError('aborted', true)).http, undefined);
    expect(await rejection(aborted.getJson('http://x'))).to.include({ retryable: false });
    const html = new EmcoClient(fakeHttp(() => ({ status: 200, text: '<html>' })).http, undefined);
    expect((await rejection(html.getJson('http://x'))).message).to.equal(
      'GET http://x answered 200 with a body that is not JSON: <html>',
    );
  });
});
