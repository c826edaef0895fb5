import { expect } from 'chai';
import { parseAsyncFlag, parseLifecycleRequest } from '../../../../operator/rest/lifecycle-request.js';
import { HttpError } from '../../../../operator/rest/reply.js';

function error400(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(HttpError);
    expect((err as HttpError).status).to.equal(400);
    return (err as HttpError).message;
  }
  throw new Error('expected a 400');
}

describe('operator/rest/lifecycle-request', () => {
  it('accepts a minimal and a full request', () => {
    expect(parseLifecycleRequest(Buffer.from('{"hookType":"pre-install"}'))).to.deep.equal({
      hookType: 'pre-install',
    });
    const full = {
      hookType: 'post-terminate',
      appContextId: '1234',
      emcoURL: 'http://emco:9015',
      eventId: 'ev-1',
      namespace: 'team-a',
      async: true,
    };
    expect(parseLifecycleRequest(Buffer.from(JSON.stringify(full)))).to.deep.equal(full);
  });

  it('explains an empty body, non-JSON, and every schema problem', () => {
    expect(error400(() => parseLifecycleRequest(Buffer.from('  ')))).to.equal(
      'Invalid lifecycle event: the body is empty; send at least {"hookType": "pre-install"}',
    );
    expect(error400(() => parseLifecycleRequest(Buffer.from('{"hookType":')))).to.match(
      /^Invalid lifecycle event: the body is not JSON \(/,
    );
    expect(error400(() => parseLifecycleRequest(Buffer.from('[]')))).to.equal(
      'Invalid lifecycle event:\nthe body must be a JSON object',
    );
    const text = error400(() =>
      parseLifecycleRequest(Buffer.from('{"hookType":"install","eventId":"-x","async":"yes","extra":1}')),
    );
    expect(text.split('\n')).to.have.members([
      'Invalid lifecycle event:',
      'unknown field "extra"',
      'hookType must be one of: pre-install, post-install, pre-update, post-update, pre-termination, post-termination, pre-terminate, post-terminate',
      'eventId must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$',
      'async must be of type boolean',
    ]);
    expect(error400(() => parseLifecycleRequest(Buffer.from('{}')))).to.equal(
      'Invalid lifecycle event:\nmissing required field "hookType"',
    );
  });

  it('reads ?async', () => {
    expect(parseAsyncFlag('')).to.equal(undefined);
    expect(parseAsyncFlag('async=true')).to.equal(true);
    expect(parseAsyncFlag('async')).to.equal(true);
    expect(parseAsyncFlag('async=false')).to.equal(false);
    expect(error400(() => parseAsyncFlag('async=maybe'))).to.equal(
      'Invalid query parameter async="maybe": use true or false',
    );
    expect(error400(() => parseAsyncFlag('wait=1'))).to.equal('Unknown query parameter: wait');
  });
});
