import { expect } from 'chai';
import { decodeTacIntent, decodeTemporalSpec } from '../../../../common/emco/decode.js';
import { encodeTacIntent, encodeTacIntentList, encodeTemporalSpec } from '../../../../common/emco/encode.js';
import {
  compareGoStrings,
  encodeGoJson,
  encodeGoString,
  encodeTyped,
  formatGoFloat,
} from '../../../../common/emco/go-encode.js';
import { ACTIVITY_OPTIONS } from '../../../../common/emco/go-types.js';
import {
  ACTIVITY_OPTIONS_ECHO,
  RUN_WORKFLOW_BODY,
  SEED_BODY,
  SEED_ECHO,
  TAC_UNIT_TEST_BODY,
  TAC_UNIT_TEST_ECHO_EMCO,
} from '../../../support/emco-fixtures.js';

const withSpec = (spec: string): string => `{"metadata":{"name":"n"},"spec":${spec}}`;

describe('encodeTacIntent (canonical echo)', () => {
  it('echoes EMCO’s TAC unit-test body byte for byte, plus the hookBlocking it was sent', () => {
    const echo = encodeTacIntent(decodeTacIntent(TAC_UNIT_TEST_BODY));
    expect(echo).to.equal(
      TAC_UNIT_TEST_ECHO_EMCO.replace(
        '"hookType":"pre-install",',
        '"hookType":"pre-install","hookBlocking":true,',
      ),
    );
  });

  it('echoes exactly EMCO’s bytes when the body has no seed fields', () => {
    const body = TAC_UNIT_TEST_BODY.replace('"hookBlocking":true,', '');
    expect(encodeTacIntent(decodeTacIntent(body))).to.equal(TAC_UNIT_TEST_ECHO_EMCO);
  });

  it('echoes the seed’s lowercase example with Go names, [] kept and empty maps left out', () => {
    expect(encodeTacIntent(decodeTacIntent(SEED_BODY))).to.equal(SEED_ECHO);
  });

  it('echoes an activityOptions entry with all eight fields', () => {
    const intent = decodeTacIntent(
      withSpec(
        '{"temporal":{"workflowParams":{"activityOptions":{"a":{"startToCloseTimeout":60000000000,"retryPolicy":{"maximumAttempts":3}}}}}}',
      ),
    );
    const entry = intent.spec.temporal.workflowParams.activityOptions?.['a'];
    expect(encodeTyped(entry, { kind: 'struct', def: ACTIVITY_OPTIONS })).to.equal(ACTIVITY_OPTIONS_ECHO);
    expect(encodeTacIntent(intent)).to.include(
      `"workflowParams":{"activityOptions":{"a":${ACTIVITY_OPTIONS_ECHO}}}`,
    );
  });

  it('puts hookBlockingTimeout after hookBlocking, as given (number or string)', () => {
    expect(
      encodeTacIntent(
        decodeTacIntent(
          withSpec('{"hookBlockingTimeout":"10m","hookBlocking":true,"hookType":"pre-install"}'),
        ),
      ),
    ).to.include(
      '"spec":{"hookType":"pre-install","hookBlocking":true,"hookBlockingTimeout":"10m","workflowClient"',
    );
    expect(encodeTacIntent(decodeTacIntent(withSpec('{"hookBlockingTimeout":90}')))).to.include(
      '"hookType":"","hookBlockingTimeout":90,"workflowClient"',
    );
  });

  it('prints int64 durations exactly', () => {
    const echo = encodeTacIntent(
      decodeTacIntent(
        withSpec('{"temporal":{"workflowStartOptions":{"WorkflowRunTimeout":9007199254740993}}}'),
      ),
    );
    expect(echo).to.include('"WorkflowRunTimeout":9007199254740993,');
  });

  it('sorts map keys by bytes at every level (activityOptions, activityParams, inner maps, Memo)', () => {
    const echo = encodeTacIntent(
      decodeTacIntent(
        withSpec(
          '{"temporal":{"workflowStartOptions":{"Memo":{"b":1,"a":{"z":1,"y":2},"B":0,"\u00e9":0,"\ud83d\ude00":0,"\uffff":0}},"workflowParams":{"activityParams":{"z":{"k2":"v","k1":"v"},"a":{}}}}}',
        ),
      ),
    );
    expect(echo).to.include('"Memo":{"B":0,"a":{"y":2,"z":1},"b":1,"\u00e9":0,"\uffff":0,"\ud83d\ude00":0}');
    expect(echo).to.include('"activityParams":{"a":{},"z":{"k1":"v","k2":"v"}}');
  });

  it('escapes <, >, &, U+2028 and U+2029 as \\u00XX / \\u2028 / \\u2029', () => {
    const echo = encodeTacIntent(
      decodeTacIntent('{"metadata":{"name":"n","description":"<a href=\\"x\\">&\u2028\u2029</a>"}}'),
    );
    expect(echo).to.include(
      '"description":"\\u003ca href=\\"x\\"\\u003e\\u0026\\u2028\\u2029\\u003c/a\\u003e"',
    );
  });

  it('prints float64 as Go does', () => {
    const echo = (c: string): string =>
      encodeTacIntent(
        decodeTacIntent(
          withSpec(`{"temporal":{"workflowStartOptions":{"RetryPolicy":{"BackoffCoefficient":${c}}}}}`),
        ),
      );
    expect(echo('358.25')).to.include('"BackoffCoefficient":358.25,');
    expect(echo('2.0')).to.include('"BackoffCoefficient":2,');
    expect(echo('1e21')).to.include('"BackoffCoefficient":1e+21,');
    expect(echo('1e20')).to.include('"BackoffCoefficient":100000000000000000000,');
    expect(echo('0.000001')).to.include('"BackoffCoefficient":0.000001,');
    expect(echo('1.5e-7')).to.include('"BackoffCoefficient":1.5e-7,');
    expect(echo('-0')).to.include('"BackoffCoefficient":-0,');
  });

  it('ends with a newline; the list is an array or null', () => {
    const a = decodeTacIntent(withSpec('{"hookType":"pre-install"}'));
    expect(encodeTacIntent(a).endsWith('}}}}\n')).to.equal(true);
    expect(encodeTacIntentList([])).to.equal('null\n');
    expect(encodeTacIntentList([a, a])).to.equal(
      `[${encodeTacIntent(a).trimEnd()},${encodeTacIntent(a).trimEnd()}]\n`,
    );
  });

  it('writes every zero field, including metadata when the body had none', () => {
    expect(encodeTacIntent(decodeTacIntent('{}'))).to.equal(
      '{"metadata":{"name":"","description":"","userData1":"","userData2":""},"spec":{"hookType":"","workflowClient":{"clientEndpointName":"","clientEndpointPort":0},"temporal":{"workflowClientName":"","workflowStartOptions":{"ID":"","TaskQueue":"","WorkflowExecutionTimeout":0,"WorkflowRunTimeout":0,"WorkflowTaskTimeout":0,"WorkflowIDReusePolicy":0,"WorkflowExecutionErrorWhenAlreadyStarted":false,"RetryPolicy":null,"CronSchedule":"","Memo":null,"SearchAttributes":null},"workflowParams":{}}}}\n',
    );
  });
});

describe('encodeTemporalSpec (the /invoke body)', () => {
  it('reproduces EMCO’s RunWorkflow example byte for byte (no trailing newline)', () => {
    expect(encodeTemporalSpec(decodeTemporalSpec(RUN_WORKFLOW_BODY))).to.equal(RUN_WORKFLOW_BODY);
  });

  it('is json.Marshal of the stored spec of an intent', () => {
    const intent = decodeTacIntent(SEED_BODY);
    const body = encodeTemporalSpec(intent.spec.temporal);
    expect(body).to.equal(SEED_ECHO.slice(SEED_ECHO.indexOf('"temporal":') + 11, -3));
  });
});

describe('Go JSON helpers', () => {
  it('encodeGoString escapes controls as Go does (\\n \\r \\t short, others \\u00XX)', () => {
    expect(encodeGoString('a\u0000\u0008\u000c\n\r\t\u001f"\\/\u007f')).to.equal(
      '"a\\u0000\\u0008\\u000c\\n\\r\\t\\u001f\\"\\\\/\u007f"',
    );
  });

  it('encodeGoString writes a lone surrogate as \\ufffd', () => {
    expect(encodeGoString('x\ud800y\udc00')).to.equal('"x\\ufffdy\\ufffd"');
    expect(encodeGoString('\ud83d\ude00')).to.equal('"\ud83d\ude00"');
  });

  it('formatGoFloat rejects NaN and infinities (Go: unsupported value)', () => {
    expect(() => formatGoFloat(Number.NaN)).to.throw(RangeError);
    expect(() => formatGoFloat(Number.POSITIVE_INFINITY)).to.throw(RangeError);
  });

  it('compareGoStrings orders by code point, not UTF-16 unit', () => {
    expect(['\uffff', '\u{10000}', 'a'].sort(compareGoStrings)).to.deep.equal(['a', '\uffff', '\u{10000}']);
    expect(compareGoStrings('ab', 'abc')).to.be.lessThan(0);
  });

  it('encodeGoJson sorts keys like Go maps unless told otherwise, and prints bigints exactly', () => {
    expect(encodeGoJson({ b: 1, a: [true, null, 'x<'], c: 12345678901234567890n })).to.equal(
      '{"a":[true,null,"x\\u003c"],"b":1,"c":12345678901234567890}',
    );
    expect(encodeGoJson({ b: 1, a: 2, u: undefined }, { sortKeys: false })).to.equal('{"b":1,"a":2}');
  });
});
