import { expect } from 'chai';
import {
  decodeCancelRequest,
  decodeStatusQuery,
  decodeTacIntent,
  decodeTemporalSpec,
} from '../../../../common/emco/decode.js';
import { EmcoDecodeError } from '../../../../common/emco/decode-error.js';
import { foldKey } from '../../../../common/emco/go-decode.js';
import { SEED_BODY } from '../../../support/emco-fixtures.js';

function decodeError(fn: () => unknown): EmcoDecodeError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(EmcoDecodeError);
    return err as EmcoDecodeError;
  }
  throw new Error('expected a decode error');
}

function typeErrorOf(body: string): string {
  const e = decodeError(() => decodeTacIntent(body));
  expect(e.kind).to.equal('type');
  return e.message;
}

const intent = (spec: string, metadata = '{"name":"n"}'): string => `{"metadata":${metadata},"spec":${spec}}`;

describe('decodeTacIntent', () => {
  describe('case-insensitive keys at every level', () => {
    it('binds lowercase, uppercase and mixed case to the same field', () => {
      for (const key of ['taskqueue', 'TaskQueue', 'taskQueue', 'TASKQUEUE']) {
        const i = decodeTacIntent(intent(`{"temporal":{"workflowStartOptions":{"${key}":"q"}}}`));
        expect(i.spec.temporal.workflowStartOptions.TaskQueue, key).to.equal('q');
      }
    });

    it('matches tagged fields case-insensitively too (METADATA, HookType, WORKFLOWCLIENT)', () => {
      const i = decodeTacIntent(
        '{"METADATA":{"NAME":"x"},"Spec":{"HOOKTYPE":"post-install","WorkflowClient":{"ClientEndpointPort":5}}}',
      );
      expect(i.metadata.name).to.equal('x');
      expect(i.spec.hookType).to.equal('post-install');
      expect(i.spec.workflowClient.clientEndpointPort).to.equal(5n);
    });

    it('folds ſ (U+017F) to s', () => {
      const i = decodeTacIntent(intent('{"temporal":{"workflowStartOptions":{"taſkQueue":"q"}}}'));
      expect(i.spec.temporal.workflowStartOptions.TaskQueue).to.equal('q');
    });

    it('folds the KELVIN SIGN (U+212A) to k', () => {
      const i = decodeTacIntent(intent('{"hoo\u212AType":"pre-update"}'));
      expect(i.spec.hookType).to.equal('pre-update');
    });

    it('does not fold other look-alikes (dotless ı, Turkish İ)', () => {
      const i = decodeTacIntent(
        intent('{"temporal":{"workflowStartOptions":{"\u0131d":"a","\u0130D":"b"}}}'),
      );
      expect(i.spec.temporal.workflowStartOptions.ID).to.equal('');
    });

    it('folds like Go: ASCII letters, ſ and K only', () => {
      expect(foldKey('aBſ\u212Ak\u0131')).to.equal('ABSKK\u0131');
    });

    it('keeps map keys exactly as sent (activity names, memo keys)', () => {
      const i = decodeTacIntent(
        intent(
          '{"temporal":{"workflowParams":{"activityParams":{"Greet":{"Name":"x"},"greet":{"name":"y"}}}}}',
        ),
      );
      expect(i.spec.temporal.workflowParams.activityParams).to.deep.equal({
        Greet: { Name: 'x' },
        greet: { name: 'y' },
      });
    });
  });

  describe('duplicate keys', () => {
    it('last one wins, across spellings', () => {
      const i = decodeTacIntent(
        intent('{"temporal":{"workflowStartOptions":{"taskQueue":"a","TaskQueue":"b"}}}'),
      );
      expect(i.spec.temporal.workflowStartOptions.TaskQueue).to.equal('b');
    });

    it('an exact match wins over a folded one only by order (both bind the same field)', () => {
      const i = decodeTacIntent(intent('{"hookType":"pre-install","HOOKTYPE":"post-update"}'));
      expect(i.spec.hookType).to.equal('post-update');
    });

    it('a repeated struct merges into the earlier one', () => {
      const i = decodeTacIntent(
        '{"spec":{"hookType":"pre-install"},"spec":{"workflowClient":{"clientEndpointPort":1}}}',
      );
      expect(i.spec.hookType).to.equal('pre-install');
      expect(i.spec.workflowClient.clientEndpointPort).to.equal(1n);
    });

    it('a repeated pointer struct (RetryPolicy) merges too', () => {
      const i = decodeTacIntent(
        intent(
          '{"temporal":{"workflowStartOptions":{"RetryPolicy":{"MaximumAttempts":3},"retryPolicy":{"InitialInterval":7}}}}',
        ),
      );
      expect(i.spec.temporal.workflowStartOptions.RetryPolicy).to.deep.include({
        MaximumAttempts: 3,
        InitialInterval: 7n,
      });
    });

    it('a repeated map keeps earlier keys; a repeated map entry is replaced whole', () => {
      const i = decodeTacIntent(
        intent(
          '{"temporal":{"workflowStartOptions":{"Memo":{"a":1,"b":{"x":1}},"Memo":{"b":{"y":2}}},"workflowParams":{"activityParams":{"g":{"k1":"v1"}},"activityParams":{"g":{"k2":"v2"}}}}}',
        ),
      );
      expect(i.spec.temporal.workflowStartOptions.Memo).to.deep.equal({ a: 1, b: { y: 2 } });
      expect(i.spec.temporal.workflowParams.activityParams).to.deep.equal({ g: { k2: 'v2' } });
    });

    it('a repeated array replaces the earlier one', () => {
      const i = decodeTacIntent(
        intent(
          '{"temporal":{"workflowStartOptions":{"RetryPolicy":{"NonRetryableErrorTypes":["a","b"],"NonRetryableErrorTypes":["c"]}}}}',
        ),
      );
      expect(i.spec.temporal.workflowStartOptions.RetryPolicy?.NonRetryableErrorTypes).to.deep.equal(['c']);
    });
  });

  describe('null', () => {
    it('a null body gives the all-zero intent', () => {
      const i = decodeTacIntent('null');
      expect(i.metadata).to.deep.equal({ name: '', description: '', userData1: '', userData2: '' });
      expect(i.spec.hookType).to.equal('');
      expect(i.spec.temporal.workflowStartOptions.RetryPolicy).to.equal(null);
    });

    it('null leaves a scalar or struct unchanged (zero when first seen)', () => {
      const i = decodeTacIntent('{"metadata":null,"spec":{"hookType":null,"workflowClient":null}}');
      expect(i.metadata.name).to.equal('');
      expect(i.spec.hookType).to.equal('');
      expect(i.spec.workflowClient.clientEndpointPort).to.equal(0n);
    });

    it('null after a value leaves a scalar at that value, as Go does', () => {
      const i = decodeTacIntent(intent('{"hookType":"pre-install","hookType":null}'));
      expect(i.spec.hookType).to.equal('pre-install');
    });

    it('null sets pointers, maps and slices to nil', () => {
      const i = decodeTacIntent(
        intent(
          '{"temporal":{"workflowStartOptions":{"RetryPolicy":{"MaximumAttempts":1},"RetryPolicy":null,"Memo":{"a":1},"Memo":null,"SearchAttributes":null}}}',
        ),
      );
      const o = i.spec.temporal.workflowStartOptions;
      expect(o.RetryPolicy).to.equal(null);
      expect(o.Memo).to.equal(null);
      expect(o.SearchAttributes).to.equal(null);
    });

    it('null inside interface values stays null', () => {
      const i = decodeTacIntent(
        intent('{"temporal":{"workflowStartOptions":{"Memo":{"a":null,"b":[null]}}}}'),
      );
      expect(i.spec.temporal.workflowStartOptions.Memo).to.deep.equal({ a: null, b: [null] });
    });

    it('null hookBlocking / hookBlockingTimeout leave them unset', () => {
      const i = decodeTacIntent(intent('{"hookBlocking":null,"hookBlockingTimeout":null}'));
      expect(i.spec).not.to.have.property('hookBlocking');
      expect(i.spec).not.to.have.property('hookBlockingTimeout');
    });
  });

  describe('unknown keys and trailing data', () => {
    it('drops unknown keys at every level', () => {
      const i = decodeTacIntent(
        '{"kind":"x","metadata":{"name":"n","labels":{}},"spec":{"hookType":"pre-install","extra":1,"temporal":{"workflowParams":{"startToCloseTimeout":5},"workflowStartOptions":{"Namespace":"x"}}}}',
      );
      expect(i.spec).not.to.have.property('extra');
      expect(i.spec.temporal.workflowParams).to.deep.equal({ activityOptions: null, activityParams: null });
    });

    it('ignores bytes after the first JSON value', () => {
      const i = decodeTacIntent(`${intent('{"hookType":"pre-install"}')} garbage {"spec":{}}`);
      expect(i.spec.hookType).to.equal('pre-install');
    });
  });

  describe('integers', () => {
    it('keeps int64 durations above 2^53 exactly', () => {
      const i = decodeTacIntent(
        intent(
          '{"temporal":{"workflowStartOptions":{"WorkflowRunTimeout":9007199254740993,"WorkflowTaskTimeout":9223372036854775807,"WorkflowExecutionTimeout":-9223372036854775808}}}',
        ),
      );
      const o = i.spec.temporal.workflowStartOptions;
      expect(o.WorkflowRunTimeout).to.equal(9007199254740993n);
      expect(o.WorkflowTaskTimeout).to.equal(9223372036854775807n);
      expect(o.WorkflowExecutionTimeout).to.equal(-9223372036854775808n);
    });

    it('keeps the endpoint port (Go int) as int64', () => {
      const i = decodeTacIntent(intent('{"workflowClient":{"clientEndpointPort":18446744073709551}}'));
      expect(i.spec.workflowClient.clientEndpointPort).to.equal(18446744073709551n);
    });

    it('takes -0 as 0', () => {
      const i = decodeTacIntent(intent('{"workflowClient":{"clientEndpointPort":-0}}'));
      expect(i.spec.workflowClient.clientEndpointPort).to.equal(0n);
    });

    it('accepts the int32 range for WorkflowIDReusePolicy and MaximumAttempts', () => {
      const i = decodeTacIntent(
        intent(
          '{"temporal":{"workflowStartOptions":{"WorkflowIDReusePolicy":-2147483648,"RetryPolicy":{"MaximumAttempts":2147483647}}}}',
        ),
      );
      expect(i.spec.temporal.workflowStartOptions.WorkflowIDReusePolicy).to.equal(-2147483648);
      expect(i.spec.temporal.workflowStartOptions.RetryPolicy?.MaximumAttempts).to.equal(2147483647);
    });
  });

  describe('type errors name the Go struct field', () => {
    const cases: Array<[string, string]> = [
      [
        intent('{"workflowClient":{"clientEndpointPort":9091.0}}'),
        'json: cannot unmarshal number 9091.0 into Go struct field WfClientSpec.spec.workflowClient.clientEndpointPort of type int',
      ],
      [
        intent('{"workflowClient":{"clientEndpointPort":1e3}}'),
        'json: cannot unmarshal number 1e3 into Go struct field WfClientSpec.spec.workflowClient.clientEndpointPort of type int',
      ],
      [
        intent('{"workflowClient":{"clientEndpointPort":"9091"}}'),
        'json: cannot unmarshal string into Go struct field WfClientSpec.spec.workflowClient.clientEndpointPort of type int',
      ],
      [
        intent('{"workflowClient":{"clientEndpointPort":9223372036854775808}}'),
        'json: cannot unmarshal number 9223372036854775808 into Go struct field WfClientSpec.spec.workflowClient.clientEndpointPort of type int',
      ],
      [
        intent('{"temporal":{"workflowStartOptions":{"WorkflowRunTimeout":1.5}}}'),
        'json: cannot unmarshal number 1.5 into Go struct field StartWorkflowOptions.spec.temporal.workflowStartOptions.WorkflowRunTimeout of type time.Duration',
      ],
      [
        intent('{"temporal":{"workflowStartOptions":{"workflowruntimeout":"30s"}}}'),
        'json: cannot unmarshal string into Go struct field StartWorkflowOptions.spec.temporal.workflowStartOptions.WorkflowRunTimeout of type time.Duration',
      ],
      [
        intent('{"temporal":{"workflowStartOptions":{"WorkflowIDReusePolicy":2147483648}}}'),
        'json: cannot unmarshal number 2147483648 into Go struct field StartWorkflowOptions.spec.temporal.workflowStartOptions.WorkflowIDReusePolicy of type enums.WorkflowIdReusePolicy',
      ],
      [
        intent('{"temporal":{"workflowStartOptions":{"WorkflowIDReusePolicy":"RejectDuplicate"}}}'),
        'json: cannot unmarshal string into Go struct field StartWorkflowOptions.spec.temporal.workflowStartOptions.WorkflowIDReusePolicy of type enums.WorkflowIdReusePolicy',
      ],
      [
        intent('{"temporal":{"workflowStartOptions":{"RetryPolicy":{"MaximumAttempts":-2147483649}}}}'),
        'json: cannot unmarshal number -2147483649 into Go struct field RetryPolicy.spec.temporal.workflowStartOptions.RetryPolicy.MaximumAttempts of type int32',
      ],
      [
        intent('{"temporal":{"workflowStartOptions":{"RetryPolicy":{"BackoffCoefficient":"2"}}}}'),
        'json: cannot unmarshal string into Go struct field RetryPolicy.spec.temporal.workflowStartOptions.RetryPolicy.BackoffCoefficient of type float64',
      ],
      [
        intent('{"temporal":{"workflowStartOptions":{"RetryPolicy":{"BackoffCoefficient":1e400}}}}'),
        'json: cannot unmarshal number 1e400 into Go struct field RetryPolicy.spec.temporal.workflowStartOptions.RetryPolicy.BackoffCoefficient of type float64',
      ],
      [
        intent('{"temporal":{"workflowStartOptions":{"RetryPolicy":"none"}}}'),
        'json: cannot unmarshal string into Go struct field StartWorkflowOptions.spec.temporal.workflowStartOptions.RetryPolicy of type internal.RetryPolicy',
      ],
      [
        intent('{"temporal":{"workflowStartOptions":{"RetryPolicy":{"NonRetryableErrorTypes":["a",1]}}}}'),
        'json: cannot unmarshal number into Go struct field RetryPolicy.spec.temporal.workflowStartOptions.RetryPolicy.NonRetryableErrorTypes of type string',
      ],
      [
        intent('{"temporal":{"workflowStartOptions":{"RetryPolicy":{"NonRetryableErrorTypes":"a"}}}}'),
        'json: cannot unmarshal string into Go struct field RetryPolicy.spec.temporal.workflowStartOptions.RetryPolicy.NonRetryableErrorTypes of type []string',
      ],
      [
        intent('{"temporal":{"workflowStartOptions":{"Memo":[1]}}}'),
        'json: cannot unmarshal array into Go struct field StartWorkflowOptions.spec.temporal.workflowStartOptions.Memo of type map[string]interface {}',
      ],
      [
        intent('{"temporal":{"workflowStartOptions":{"Memo":{"a":{"b":[1e999]}}}}}'),
        'json: cannot unmarshal number 1e999 into Go struct field StartWorkflowOptions.spec.temporal.workflowStartOptions.Memo of type float64',
      ],
      [
        intent('{"temporal":{"workflowParams":{"activityParams":{"greet":{"name":42}}}}}'),
        'json: cannot unmarshal number into Go struct field WorkflowParams.spec.temporal.workflowParams.activityParams of type string',
      ],
      [
        intent('{"temporal":{"workflowParams":{"activityParams":{"greet":{"flag":true}}}}}'),
        'json: cannot unmarshal bool into Go struct field WorkflowParams.spec.temporal.workflowParams.activityParams of type string',
      ],
      [
        intent('{"temporal":{"workflowParams":{"activityParams":{"greet":["x"]}}}}'),
        'json: cannot unmarshal array into Go struct field WorkflowParams.spec.temporal.workflowParams.activityParams of type map[string]string',
      ],
      [
        intent('{"temporal":{"workflowParams":{"activityOptions":{"a":{"StartToCloseTimeout":"1m"}}}}}'),
        'json: cannot unmarshal string into Go struct field ActivityOptions.spec.temporal.workflowParams.activityOptions.StartToCloseTimeout of type time.Duration',
      ],
      [
        intent('{"temporal":{"workflowParams":{"activityOptions":[]}}}'),
        'json: cannot unmarshal array into Go struct field WorkflowParams.spec.temporal.workflowParams.activityOptions of type map[string]internal.ActivityOptions',
      ],
      [
        intent('{"temporal":{"workflowParams":{"activityOptions":{"a":1}}}}'),
        'json: cannot unmarshal number into Go struct field WorkflowParams.spec.temporal.workflowParams.activityOptions of type internal.ActivityOptions',
      ],
      [
        intent('{"temporal":{"workflowParams":{"activityOptions":{"a":{"WaitForCancellation":"true"}}}}}'),
        'json: cannot unmarshal string into Go struct field ActivityOptions.spec.temporal.workflowParams.activityOptions.WaitForCancellation of type bool',
      ],
      [
        intent('{"temporal":"x"}'),
        'json: cannot unmarshal string into Go struct field WorkflowHookSpec.spec.temporal of type emcotemporalapi.WfTemporalSpec',
      ],
      [
        intent('{"hookType":1}'),
        'json: cannot unmarshal number into Go struct field WorkflowHookSpec.spec.hookType of type string',
      ],
      [
        intent('{"hookType":["pre-install"]}'),
        'json: cannot unmarshal array into Go struct field WorkflowHookSpec.spec.hookType of type string',
      ],
      [
        intent('{"hookType":{}}'),
        'json: cannot unmarshal object into Go struct field WorkflowHookSpec.spec.hookType of type string',
      ],
      [
        intent('{"hookBlocking":"true"}'),
        'json: cannot unmarshal string into Go struct field WorkflowHookSpec.spec.hookBlocking of type bool',
      ],
      [
        intent('{"hookBlockingTimeout":true}'),
        'json: cannot unmarshal bool into Go struct field WorkflowHookSpec.spec.hookBlockingTimeout of type int64 or duration string',
      ],
      [
        intent('{"hookBlockingTimeout":1.5}'),
        'json: cannot unmarshal number 1.5 into Go struct field WorkflowHookSpec.spec.hookBlockingTimeout of type int64 or duration string',
      ],
      [
        intent('{}', '{"name":5}'),
        'json: cannot unmarshal number into Go struct field Metadata.metadata.name of type string',
      ],
      [
        '{"metadata":[]}',
        'json: cannot unmarshal array into Go struct field WorkflowHookIntent.metadata of type types.Metadata',
      ],
      [
        '{"spec":true}',
        'json: cannot unmarshal bool into Go struct field WorkflowHookIntent.spec of type model.WorkflowHookSpec',
      ],
    ];
    for (const [body, message] of cases) {
      it(message.replace(/^json: cannot unmarshal /, ''), () => {
        expect(typeErrorOf(body)).to.equal(message);
      });
    }

    it('reports the first type error in document order', () => {
      expect(typeErrorOf(intent('{"hookType":1,"hookBlocking":"x"}'))).to.include('spec.hookType');
      expect(typeErrorOf(intent('{"hookBlocking":"x","hookType":1}'))).to.include('spec.hookBlocking');
    });

    it('reports a syntax error anywhere before any type error', () => {
      const e = decodeError(() => decodeTacIntent(intent('{"hookType":1,"x":[}')));
      expect(e.kind).to.equal('syntax');
    });

    for (const [body, value] of [
      ['[]', 'array'],
      ['"intent"', 'string'],
      ['42', 'number'],
      ['true', 'bool'],
    ] as const) {
      it(`a top-level ${value} is a type error`, () => {
        expect(typeErrorOf(body)).to.equal(
          `json: cannot unmarshal ${value} into Go value of type model.WorkflowHookIntent`,
        );
      });
    }
  });

  describe('the seed’s fields', () => {
    it('keeps hookBlocking: true and hookBlockingTimeout as given', () => {
      const a = decodeTacIntent(
        intent('{"hookType":"pre-install","hookBlocking":true,"hookBlockingTimeout":"90s"}'),
      );
      expect(a.spec.hookBlocking).to.equal(true);
      expect(a.spec.hookBlockingTimeout).to.equal('90s');
      const b = decodeTacIntent(intent('{"hookBlockingTimeout":120}'));
      expect(b.spec.hookBlockingTimeout).to.equal(120);
    });

    it('treats hookBlocking: false as the default (not kept, like EMCO which never echoes it)', () => {
      const i = decodeTacIntent(intent('{"hookType":"pre-install","hookBlocking":false}'));
      expect(i.spec).not.to.have.property('hookBlocking');
    });

    it('keeps an invalid timeout string for validation to reject', () => {
      expect(decodeTacIntent(intent('{"hookBlockingTimeout":"soon"}')).spec.hookBlockingTimeout).to.equal(
        'soon',
      );
    });
  });

  describe('canonical workflowParams', () => {
    it('holds empty maps as null and a null activityParams entry as {}', () => {
      const a = decodeTacIntent(
        intent('{"temporal":{"workflowParams":{"activityOptions":{},"activityParams":{}}}}'),
      );
      expect(a.spec.temporal.workflowParams).to.deep.equal({ activityOptions: null, activityParams: null });
      const b = decodeTacIntent(
        intent('{"temporal":{"workflowParams":{"activityParams":{"a":null,"b":{}}}}}'),
      );
      expect(b.spec.temporal.workflowParams.activityParams).to.deep.equal({ a: {}, b: {} });
    });

    it('keeps an empty Memo and an empty NonRetryableErrorTypes (non-nil empties echo as {} and [])', () => {
      const i = decodeTacIntent(
        intent(
          '{"temporal":{"workflowStartOptions":{"Memo":{},"RetryPolicy":{"NonRetryableErrorTypes":[]}}}}',
        ),
      );
      expect(i.spec.temporal.workflowStartOptions.Memo).to.deep.equal({});
      expect(i.spec.temporal.workflowStartOptions.RetryPolicy?.NonRetryableErrorTypes).to.deep.equal([]);
    });

    it('is safe for keys such as __proto__', () => {
      const i = decodeTacIntent(
        intent('{"temporal":{"workflowParams":{"activityParams":{"__proto__":{"__proto__":"x"}}}}}'),
      );
      const params = i.spec.temporal.workflowParams.activityParams ?? {};
      expect(Object.keys(params)).to.deep.equal(['__proto__']);
      expect(Object.getPrototypeOf(params)).to.equal(Object.prototype);
    });
  });

  it('decodes the seed’s lowercase example (JSON form, nested under spec)', () => {
    const i = decodeTacIntent(SEED_BODY);
    expect(i.metadata.name).to.equal('ABCD');
    expect(i.spec.hookType).to.equal('pre-install');
    expect(i.spec.hookBlocking).to.equal(true);
    expect(i.spec.workflowClient).to.deep.equal({
      clientEndpointName: 'ABCDEFGHIJKLMNOPQRSTU',
      clientEndpointPort: 121n,
    });
    expect(i.spec.temporal.workflowStartOptions).to.deep.equal({
      ID: 'ABCDEFGHIJK',
      TaskQueue: 'ABCDEFGHIJKLMNOPQRSTUVW',
      WorkflowExecutionTimeout: 327n,
      WorkflowRunTimeout: 983n,
      WorkflowTaskTimeout: 213n,
      WorkflowIDReusePolicy: 916,
      WorkflowExecutionErrorWhenAlreadyStarted: true,
      RetryPolicy: {
        InitialInterval: 679n,
        BackoffCoefficient: 358.25,
        MaximumInterval: 658n,
        MaximumAttempts: 127,
        NonRetryableErrorTypes: [],
      },
      CronSchedule: '',
      Memo: null,
      SearchAttributes: null,
    });
  });

  it('accepts a Uint8Array body', () => {
    expect(
      decodeTacIntent(new TextEncoder().encode(intent('{"hookType":"pre-install"}'))).spec.hookType,
    ).to.equal('pre-install');
  });

  it('answers EOF for an empty body', () => {
    const e = decodeError(() => decodeTacIntent(''));
    expect([e.kind, e.message]).to.deep.equal(['eof', 'EOF']);
  });
});

describe('decodeTemporalSpec', () => {
  const spec = (opts: string): string => `{"workflowClientName":"c","workflowStartOptions":${opts}}`;

  it('decodes the /invoke body with Go names and int64 durations', () => {
    const s = decodeTemporalSpec(spec('{"id":"w","taskqueue":"q","WorkflowRunTimeout":9007199254740993}'));
    expect(s.workflowClientName).to.equal('c');
    expect(s.workflowStartOptions.ID).to.equal('w');
    expect(s.workflowStartOptions.WorkflowRunTimeout).to.equal(9007199254740993n);
    expect(s.workflowParams).to.deep.equal({ activityOptions: null, activityParams: null });
  });

  it('rejects duration strings by default, with the struct path from the spec', () => {
    const e = decodeError(() => decodeTemporalSpec(spec('{"WorkflowRunTimeout":"30s"}')));
    expect(e.message).to.equal(
      'json: cannot unmarshal string into Go struct field StartWorkflowOptions.workflowStartOptions.WorkflowRunTimeout of type time.Duration',
    );
  });

  it('accepts Go duration strings with allowDurationStrings', () => {
    const s = decodeTemporalSpec(
      '{"workflowStartOptions":{"WorkflowRunTimeout":"30s","WorkflowTaskTimeout":"1m30s","RetryPolicy":{"InitialInterval":"250ms"}},"workflowParams":{"activityOptions":{"a":{"StartToCloseTimeout":"1h","RetryPolicy":{}}}}}',
      { allowDurationStrings: true },
    );
    expect(s.workflowStartOptions.WorkflowRunTimeout).to.equal(30_000_000_000n);
    expect(s.workflowStartOptions.WorkflowTaskTimeout).to.equal(90_000_000_000n);
    expect(s.workflowStartOptions.RetryPolicy?.InitialInterval).to.equal(250_000_000n);
    expect(s.workflowParams.activityOptions?.['a']?.StartToCloseTimeout).to.equal(3_600_000_000_000n);
  });

  it('rejects a malformed duration string with Go’s time error appended', () => {
    const e = decodeError(() =>
      decodeTemporalSpec(spec('{"WorkflowRunTimeout":"soon"}'), { allowDurationStrings: true }),
    );
    expect(e.kind).to.equal('type');
    expect(e.message).to.equal(
      'json: cannot unmarshal string "soon" into Go struct field StartWorkflowOptions.workflowStartOptions.WorkflowRunTimeout of type time.Duration: time: invalid duration "soon"',
    );
  });

  it('names its own top-level type', () => {
    expect(decodeError(() => decodeTemporalSpec('[]')).message).to.equal(
      'json: cannot unmarshal array into Go value of type emcotemporalapi.WfTemporalSpec',
    );
  });
});

describe('decodeCancelRequest', () => {
  it('decodes the cancel body case-insensitively', () => {
    const r = decodeCancelRequest(
      '{"metadata":{"name":"x"},"spec":{"TemporalServer":"t:7233","workflowid":"w","RUNID":"r","terminate":true,"reason":"why","details":[1,"a",{"b":null}]}}',
    );
    expect(r.spec).to.deep.equal({
      temporalServer: 't:7233',
      workflowID: 'w',
      runID: 'r',
      terminate: true,
      reason: 'why',
      details: [1, 'a', { b: null }],
    });
  });

  it('gives zero values for an empty object', () => {
    expect(decodeCancelRequest('{}').spec).to.deep.equal({
      temporalServer: '',
      workflowID: '',
      runID: '',
      terminate: false,
      reason: '',
      details: null,
    });
  });

  for (const [body, kind, message] of [
    ['', 'eof', 'EOF'],
    ['{"spec":', 'syntax', 'unexpected EOF'],
    ['not json', 'syntax', "invalid character 'o' in literal null (expecting 'u')"],
    ['x', 'syntax', "invalid character 'x' looking for beginning of value"],
    [
      '{"spec":{"terminate":"yes"}}',
      'type',
      'json: cannot unmarshal string into Go struct field WfhTemporalCancelRequestSpec.spec.terminate of type bool',
    ],
    [
      '{"spec":{"details":{}}}',
      'type',
      'json: cannot unmarshal object into Go struct field WfhTemporalCancelRequestSpec.spec.details of type []interface {}',
    ],
    ['[]', 'type', 'json: cannot unmarshal array into Go value of type model.WfhTemporalCancelRequest'],
  ] as const) {
    it(`${JSON.stringify(body)} → ${kind}: ${message}`, () => {
      const e = decodeError(() => decodeCancelRequest(body));
      expect([e.kind, e.message]).to.deep.equal([kind, message]);
    });
  }
});

describe('decodeStatusQuery', () => {
  it('decodes the status body case-insensitively', () => {
    const q = decodeStatusQuery(
      '{"temporalserver":"t:7233","WorkflowID":"w","runID":"r","waitForResult":true,"RunDescribeWfExec":true,"getwfhistory":true,"queryType":"state","queryParams":[1,"x"],"waitForResultTimeout":"30s"}',
    );
    expect(q).to.deep.equal({
      temporalServer: 't:7233',
      workflowID: 'w',
      runID: 'r',
      waitForResult: true,
      runDescribeWfExec: true,
      getWfHistory: true,
      queryType: 'state',
      queryParams: [1, 'x'],
      waitForResultTimeout: '30s',
    });
  });

  it('leaves waitForResultTimeout unset when not given', () => {
    expect(decodeStatusQuery('{}')).not.to.have.property('waitForResultTimeout');
  });

  for (const [body, kind, message] of [
    ['', 'eof', 'EOF'],
    ['{', 'syntax', 'unexpected EOF'],
    [
      '{"waitForResult":"true"}',
      'type',
      'json: cannot unmarshal string into Go struct field WfTemporalStatusQuery.waitForResult of type bool',
    ],
    ['"x"', 'type', 'json: cannot unmarshal string into Go value of type module.WfTemporalStatusQuery'],
  ] as const) {
    it(`${JSON.stringify(body)} → ${kind}: ${message}`, () => {
      const e = decodeError(() => decodeStatusQuery(body));
      expect([e.kind, e.message]).to.deep.equal([kind, message]);
    });
  }
});
