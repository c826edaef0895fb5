import { expect } from 'chai';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import {
  BodyReadError,
  BodyTimeoutError,
  BodyTooLargeError,
  readBody,
} from '../../../../common/http/body.js';
import { receiveTimeoutOptions } from '../../../../common/http/server-timeouts.js';
import { requestIdOf } from '../../../../common/http/request-id.js';

function request(headers: Record<string, string> = {}): PassThrough & { headers: Record<string, string> } {
  return Object.assign(new PassThrough(), { headers });
}

const asReq = (r: PassThrough): IncomingMessage => r as unknown as IncomingMessage;

describe('common/http', () => {
  it('reads a body within the limit', async () => {
    const req = request();
    const body = readBody(asReq(req), 10);
    req.end('hello');
    expect((await body).toString()).to.equal('hello');
  });

  it('drains a streamed body over the limit, then rejects with BodyTooLargeError', async () => {
    const req = request();
    const body = readBody(asReq(req), 4);
    req.write('hel');
    req.write('lo world');
    expect(req.readableEnded).to.equal(false);
    req.end('!');
    const err = await body.catch((e: unknown) => e);
    expect(err).to.be.instanceOf(BodyTooLargeError);
    expect((err as BodyTooLargeError).limit).to.equal(4);
    expect(req.readableEnded).to.equal(true);
  });

  it('rejects with BodyTimeoutError when the body does not end within its deadline', async () => {
    const req = request();
    const body = readBody(asReq(req), 100, 30);
    req.write('a');
    const err = await body.catch((e: unknown) => e);
    expect(err).to.be.instanceOf(BodyTimeoutError);
    expect((err as BodyTimeoutError).message).to.equal('request body not received within 30 ms');
  });

  it('server options: headers within the request time, checked often enough to cut off close to it', () => {
    expect(receiveTimeoutOptions({ headersTimeoutMs: 10_000, receiveTimeoutMs: 30_000 })).to.deep.equal({
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 1000,
    });
    expect(receiveTimeoutOptions({ headersTimeoutMs: 5000, receiveTimeoutMs: 2000 })).to.include({
      headersTimeout: 2000,
      connectionsCheckingInterval: 200,
    });
    expect(() => receiveTimeoutOptions({ headersTimeoutMs: 0, receiveTimeoutMs: 1 })).to.throw(RangeError);
  });

  it('rejects a declared Content-Length over the limit without keeping the body', async () => {
    const req = request({ 'content-length': '100' });
    const body = readBody(asReq(req), 10);
    req.end('x'.repeat(100));
    expect(await body.catch((e: unknown) => e)).to.be.instanceOf(BodyTooLargeError);
  });

  it('rejects with BodyReadError when the request fails first', async () => {
    const req = request();
    const body = readBody(asReq(req), 10);
    req.destroy(new Error('socket hang up'));
    const err = await body.catch((e: unknown) => e);
    expect(err).to.be.instanceOf(BodyReadError);
    expect((err as Error).message).to.equal('error reading request body: socket hang up');
  });

  it("keeps a safe caller's request id and replaces anything else", () => {
    const of = (id?: string): string =>
      requestIdOf({ headers: id === undefined ? {} : { 'x-request-id': id } } as IncomingMessage);
    expect(of('abc-123')).to.equal('abc-123');
    expect(of('bad id\n')).to.match(/^[0-9a-f-]{36}$/);
    expect(of('x'.repeat(129))).to.match(/^[0-9a-f-]{36}$/);
    expect(of()).to.match(/^[0-9a-f-]{36}$/);
  });
});
