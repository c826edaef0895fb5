import { expect } from 'chai';
import fc from 'fast-check';
import { decodeTacIntent, decodeTemporalSpec } from '../../../../common/emco/decode.js';
import { encodeTacIntent, encodeTacIntentList, encodeTemporalSpec } from '../../../../common/emco/encode.js';
import { validateTacIntent } from '../../../../common/emco/validate.js';
import { tacIntent } from '../../../support/emco-arbitraries.js';

describe('codec round trip (property)', () => {
  it('generated intents are valid', () => {
    fc.assert(
      fc.property(tacIntent, (x) => {
        expect(validateTacIntent(x)).to.deep.equal([]);
      }),
      { numRuns: 300 },
    );
  });

  it('decode(encode(x)) equals x', () => {
    fc.assert(
      fc.property(tacIntent, (x) => {
        expect(decodeTacIntent(encodeTacIntent(x))).to.deep.equal(x);
      }),
      { numRuns: 300 },
    );
  });

  it('decoding is insensitive to the case of field names', () => {
    fc.assert(
      fc.property(tacIntent, fc.boolean(), (x, upper) => {
        const echo = encodeTacIntent(x);
        // Upper- or lower-case every struct field name (map keys are user data and stay as they are).
        const names =
          /"(metadata|name|description|userData1|userData2|spec|hookType|hookBlocking|hookBlockingTimeout|workflowClient|clientEndpointName|clientEndpointPort|temporal|workflowClientName|workflowStartOptions|workflowParams|ID|TaskQueue|WorkflowExecutionTimeout|WorkflowRunTimeout|WorkflowTaskTimeout|WorkflowIDReusePolicy|WorkflowExecutionErrorWhenAlreadyStarted|RetryPolicy|CronSchedule)":/g;
        const recased = echo.replace(
          names,
          (_m, n: string) => `"${upper ? n.toUpperCase() : n.toLowerCase()}":`,
        );
        const decoded = decodeTacIntent(recased);
        expect(decoded.spec.hookType).to.equal(x.spec.hookType);
        expect(decoded.spec.temporal.workflowStartOptions.WorkflowRunTimeout).to.equal(
          x.spec.temporal.workflowStartOptions.WorkflowRunTimeout,
        );
        expect(decoded.metadata).to.deep.equal(x.metadata);
      }),
      { numRuns: 100 },
    );
  });

  it('the /invoke body round-trips through decodeTemporalSpec', () => {
    fc.assert(
      fc.property(tacIntent, (x) => {
        const body = encodeTemporalSpec(x.spec.temporal);
        expect(decodeTemporalSpec(body)).to.deep.equal(x.spec.temporal);
        expect(decodeTemporalSpec(body, { allowDurationStrings: true })).to.deep.equal(x.spec.temporal);
      }),
      { numRuns: 200 },
    );
  });

  it('the list encodes each intent as its echo', () => {
    fc.assert(
      fc.property(fc.array(tacIntent, { minLength: 1, maxLength: 3 }), (xs) => {
        const list = encodeTacIntentList(xs);
        expect(list).to.equal(`[${xs.map((x) => encodeTacIntent(x).trimEnd()).join(',')}]\n`);
      }),
      { numRuns: 50 },
    );
  });
});
