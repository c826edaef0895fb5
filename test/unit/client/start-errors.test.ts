import { expect } from 'chai';
import { ServiceError } from '@temporalio/client';
import { NamespaceNotFoundError, ValueError, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { InvokeError } from '../../../client/invoke-error.js';
import { classifyStartError } from '../../../client/start-errors.js';

/** The shape grpc-js gives service errors (what the SDK wraps in ServiceError). */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
}

function classify(err: unknown) {
  const out = classifyStartError(err, 'default');
  return { status: out.status, message: out.message, result: out.result };
}

describe('classifyStartError', () => {
  it('maps an unreachable or slow Temporal to 503', () => {
    const refused = new ServiceError('Failed to start Workflow', {
      cause: grpcError(14, 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1'),
    });
    expect(classify(refused)).to.deep.equal({
      status: 503,
      message:
        'Temporal is unavailable: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1',
      result: 'unavailable',
    });
    expect(classify(new ServiceError('x', { cause: grpcError(4, 'Deadline exceeded') })).status).to.equal(
      503,
    );
    expect(classify(new NamespaceNotFoundError('default'))).to.deep.include({
      status: 503,
      message: 'Temporal namespace "default" does not exist',
    });
  });

  it("maps invalid starts to 400 with Temporal's reason", () => {
    expect(
      classify(new ServiceError('x', { cause: grpcError(3, 'WorkflowRunTimeout is invalid.') })),
    ).to.deep.equal({
      status: 400,
      message: 'Temporal rejected the workflow start: WorkflowRunTimeout is invalid.',
      result: 'bad_request',
    });
    expect(
      classify(new ValueError('RetryPolicy.maximumInterval cannot be less than its initialInterval')),
    ).to.deep.equal({
      status: 400,
      message:
        'invalid workflow start options: RetryPolicy.maximumInterval cannot be less than its initialInterval',
      result: 'bad_request',
    });
  });

  it('maps id conflicts to 409, credentials and other Temporal errors to 502, the rest to 500', () => {
    expect(
      classify(new WorkflowExecutionAlreadyStartedError('already', 'wf-1', 'helloWorld')),
    ).to.deep.include({
      status: 409,
      message: 'workflow id "wf-1" already exists',
    });
    expect(classify(new ServiceError('x', { cause: grpcError(16, 'bad api key') }))).to.deep.include({
      status: 502,
      message: 'Temporal refused the credentials: bad api key',
    });
    expect(classify(new ServiceError('x', { cause: grpcError(9, 'namespace not active') }))).to.deep.include({
      status: 502,
      message: 'Temporal error (gRPC code 9): namespace not active',
    });
    expect(classify(new Error('boom'))).to.deep.include({ status: 500, result: 'internal_error' });
    const given = new InvokeError(418, 'kept', 'bad_request');
    expect(classifyStartError(given, 'default')).to.equal(given);
  });
});
