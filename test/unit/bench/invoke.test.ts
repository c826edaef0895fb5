// The /invoke throughput scenario's request: the workflow client decodes it as EMCO's temporal spec
// and starts the noop workflow on the noop task queue under a fresh workflow id per call.
import { expect } from 'chai';
import { invokeRequest } from '../../../bench/scenarios/invoke.js';
import { NamedClients } from '../../../client/named-clients.js';
import { buildStartRequest } from '../../../client/start-request.js';
import { decodeTemporalSpec } from '../../../common/emco/decode.js';

describe('bench /invoke throughput request', () => {
  it('is a POST with the client token the workflow client turns into a start of noop on the noop queue, a fresh id each time', () => {
    const request = invokeRequest('t0ken');
    expect(request.method).to.equal('POST');
    expect(request.headers['content-type']).to.equal('application/json');
    expect(request.headers.authorization).to.equal('Bearer t0ken');
    const client = new NamedClients(undefined, undefined).resolve('default');
    if (client === undefined) throw new Error('the default workflow client does not resolve');
    const spec = decodeTemporalSpec(request.body, { allowDurationStrings: true });
    let n = 0;
    const first = buildStartRequest(spec, client, () => `id-${++n}`);
    const second = buildStartRequest(spec, client, () => `id-${++n}`);
    expect(first.workflowType).to.equal('noop');
    expect(first.options.taskQueue).to.equal('noop');
    expect([first.options.workflowId, second.options.workflowId]).to.deep.equal(['id-1', 'id-2']);
  });
});
