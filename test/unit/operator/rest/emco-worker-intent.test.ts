import { expect } from 'chai';
import { EmcoDecodeError } from '../../../../common/emco/decode-error.js';
import {
  decodeWorkerIntent,
  encodeWorkerIntent,
  encodeWorkerList,
  validateWorkerIntent,
} from '../../../../operator/rest/emco-worker-intent.js';

function decodeFailure(body: string): EmcoDecodeError {
  try {
    decodeWorkerIntent(body);
  } catch (err) {
    if (err instanceof EmcoDecodeError) return err;
    throw err;
  }
  throw new Error('expected a decode error');
}

describe('operator/rest/worker-intent', () => {
  it('decodes case-insensitively and echoes canonically with every field', () => {
    const w = decodeWorkerIntent(
      '{"METADATA":{"Name":"w1","x":1},"spec":{"starttoclosetimeout":9223372036854775807,"compositeApp":"ca<1>"}} trailing',
    );
    expect(encodeWorkerIntent(w)).to.equal(
      '{"metadata":{"name":"w1","description":"","userData1":"","userData2":""},' +
        '"spec":{"startToCloseTimeout":9223372036854775807,"deploymentIntentGroup":"","compositeApp":"ca\\u003c1\\u003e","compositeAppVersion":""}}',
    );
  });

  it('classifies decode errors as Go does', () => {
    expect(decodeFailure('').kind).to.equal('eof');
    expect(decodeFailure('{"metadata":').kind).to.equal('syntax');
    const typed = decodeFailure('{"spec":{"startToCloseTimeout":"5"}}');
    expect(typed.kind).to.equal('type');
    expect(typed.message).to.equal(
      'json: cannot unmarshal string into Go struct field WorkerSpec.spec.startToCloseTimeout of type int',
    );
    expect(decodeFailure('{"spec":{"startToCloseTimeout":1.0}}').kind).to.equal('type');
  });

  it("validates with deploy_worker.json's rules in a fixed order", () => {
    const w = decodeWorkerIntent(
      JSON.stringify({
        metadata: { name: '-bad', userData1: 'x'.repeat(513) },
        spec: { compositeApp: 'a'.repeat(129) },
      }),
    );
    expect(validateWorkerIntent(w)).to.deep.equal([
      "Does not match pattern '^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$'",
      'String length must be less than or equal to 512',
      'String length must be less than or equal to 128',
    ]);
    expect(validateWorkerIntent(decodeWorkerIntent('{"metadata":{"name":"w"}}'))).to.deep.equal([]);
  });

  it('lists as null when empty', () => {
    expect(encodeWorkerList([])).to.equal('null');
  });
});
