import { expect } from 'chai';
import { ApiException } from '@kubernetes/client-node';
import {
  classifyKubeError,
  isAlreadyExists,
  isConflict,
  isGone,
  isNotFound,
} from '../../../../operator/kube/errors.js';

/** An ApiException shaped as client-node 1.4.0 throws it: the Status body as JSON text. */
function apiException(code: number, reason?: string, message?: string): ApiException<string> {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });
  return new ApiException(code, 'Unknown API Status Code!', body, { 'content-type': 'application/json' });
}

describe('operator/kube/errors', () => {
  it('classifies API server answers by status code and keeps the Status message', () => {
    const cases: [number, string, string][] = [
      [404, 'NotFound', 'NotFound'],
      [409, 'AlreadyExists', 'AlreadyExists'],
      [409, 'Conflict', 'Conflict'],
      [410, 'Expired', 'Gone'],
      [422, 'Invalid', 'Invalid'],
      [400, 'BadRequest', 'Invalid'],
      [403, 'Forbidden', 'Forbidden'],
      [401, 'Unauthorized', 'Unauthorized'],
      [429, 'TooManyRequests', 'Unavailable'],
      [500, 'InternalError', 'Unavailable'],
      [503, 'ServiceUnavailable', 'Unavailable'],
      [504, 'Timeout', 'Unavailable'],
      [418, 'Teapot', 'Unknown'],
    ];
    for (const [code, reason, kind] of cases) {
      const info = classifyKubeError(apiException(code, reason, `the message of ${code}`));
      expect(info, `${code} ${reason}`).to.deep.equal({
        kind,
        status: code,
        reason,
        message: `the message of ${code}`,
      });
    }
  });

  it('tells AlreadyExists from a resourceVersion conflict', () => {
    const exists = apiException(409, 'AlreadyExists', 'leases.coordination.k8s.io "x" already exists');
    const stale = apiException(409, 'Conflict', 'the object has been modified; please apply your changes');
    expect(isAlreadyExists(exists)).to.equal(true);
    expect(isConflict(exists)).to.equal(false);
    expect(isConflict(stale)).to.equal(true);
    expect(isAlreadyExists(stale)).to.equal(false);
  });

  it('falls back to the HTTP status text when the body is empty (client-node throws 401 without one)', () => {
    const info = classifyKubeError(new ApiException(401, 'Unauthorized', undefined, {}));
    expect(info).to.deep.equal({ kind: 'Unauthorized', status: 401, message: 'HTTP 401 Unauthorized' });
  });

  it('keeps a non-JSON body as the message', () => {
    const info = classifyKubeError(
      new ApiException(502, 'Unknown API Status Code!', 'upstream connect error', {}),
    );
    expect(info).to.deep.equal({ kind: 'Unavailable', status: 502, message: 'upstream connect error' });
  });

  it('accepts an already-parsed Status body', () => {
    const err = new ApiException(404, 'x', { reason: 'NotFound', message: 'not there' }, {});
    expect(isNotFound(err)).to.equal(true);
    expect(classifyKubeError(err).message).to.equal('not there');
  });

  it('classifies watch errors (an Error carrying statusCode) and watch ERROR Status objects', () => {
    const watchErr = Object.assign(new Error('Gone'), { statusCode: 410 });
    expect(isGone(watchErr)).to.equal(true);
    expect(classifyKubeError(watchErr).message).to.equal('HTTP 410 Gone');
    const status = {
      kind: 'Status',
      code: 410,
      reason: 'Expired',
      message: 'too old resource version: 5 (10)',
    };
    expect(classifyKubeError(status)).to.deep.equal({
      kind: 'Gone',
      status: 410,
      reason: 'Expired',
      message: 'too old resource version: 5 (10)',
    });
    const notFound = Object.assign(new Error('Not Found'), { statusCode: 404 });
    expect(isNotFound(notFound)).to.equal(true);
  });

  it('classifies network failures as Unavailable, also when wrapped as a cause', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const info = classifyKubeError(refused);
    expect(info.kind).to.equal('Unavailable');
    expect(info.status).to.equal(undefined);
    expect(info.message).to.equal(
      'API server unreachable (ECONNREFUSED): connect ECONNREFUSED 127.0.0.1:6443',
    );
    const wrapped = new Error('request to https://127.0.0.1:6443/apis failed', { cause: refused });
    expect(classifyKubeError(wrapped).kind).to.equal('Unavailable');
  });

  it('leaves anything else Unknown with its message, without throwing', () => {
    expect(classifyKubeError(new Error('boom'))).to.deep.equal({ kind: 'Unknown', message: 'boom' });
    expect(classifyKubeError('text')).to.deep.equal({ kind: 'Unknown', message: 'text' });
    expect(classifyKubeError(undefined)).to.deep.equal({ kind: 'Unknown', message: 'undefined' });
    expect(classifyKubeError({ code: 'ENOENT' }).kind).to.equal('Unknown');
    expect(isNotFound(new Error('404'))).to.equal(false);
  });
});
