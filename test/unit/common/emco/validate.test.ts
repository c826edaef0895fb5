import { expect } from 'chai';
import { decodeTacIntent } from '../../../../common/emco/decode.js';
import fc from 'fast-check';
import { HOOK_TYPE_PATTERN } from '../../../../common/emco/constraints.js';
import {
  invalidInputBody,
  matchesHookTypePattern,
  validateTacIntent,
} from '../../../../common/emco/validate.js';
import { SEED_BODY, TAC_UNIT_TEST_BODY } from '../../../support/emco-fixtures.js';

const ENUM_LINE =
  'spec.hookType must be one of the following: "pre-install", "post-install", "pre-update", "post-update", "pre-termination", "post-termination", "pre-terminate", "post-terminate"';
const HOOK_PATTERN_LINE = "Does not match pattern '[a-zA-Z]+-[a-zA-Z]+'";
const NAME_PATTERN_LINE = "Does not match pattern '^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$'";

/** Lines for a body whose metadata and spec are given as JSON object texts. */
function lines(spec: string, metadata = '{"name":"n"}'): string[] {
  return validateTacIntent(decodeTacIntent(`{"metadata":${metadata},"spec":${spec}}`));
}

const OK_SPEC = '{"hookType":"pre-install"}';

describe('validateTacIntent', () => {
  it('accepts EMCO’s unit-test body and the seed’s example', () => {
    expect(validateTacIntent(decodeTacIntent(TAC_UNIT_TEST_BODY))).to.deep.equal([]);
    expect(validateTacIntent(decodeTacIntent(SEED_BODY))).to.deep.equal([]);
  });

  it('accepts all eight hook types', () => {
    for (const hook of [
      'pre-install',
      'post-install',
      'pre-update',
      'post-update',
      'pre-termination',
      'post-termination',
      'pre-terminate',
      'post-terminate',
    ]) {
      expect(lines(`{"hookType":"${hook}"}`), hook).to.deep.equal([]);
    }
  });

  describe('metadata', () => {
    it('an empty name fails the name pattern', () => {
      expect(lines(OK_SPEC, '{"name":""}')).to.deep.equal([NAME_PATTERN_LINE]);
    });

    it('a 129-character valid-looking name fails maxLength only', () => {
      expect(lines(OK_SPEC, `{"name":"${'a'.repeat(129)}"}`)).to.deep.equal([
        'String length must be less than or equal to 128',
      ]);
      expect(lines(OK_SPEC, `{"name":"${'a'.repeat(128)}"}`)).to.deep.equal([]);
    });

    it('a long name with a bad character gives maxLength before pattern', () => {
      expect(lines(OK_SPEC, `{"name":"${'a'.repeat(129)}-"}`)).to.deep.equal([
        'String length must be less than or equal to 128',
        NAME_PATTERN_LINE,
      ]);
    });

    for (const name of ['-a', 'a-', '_a', 'a b', 'é', 'a\n']) {
      it(`name ${JSON.stringify(name)} fails the pattern`, () => {
        expect(lines(OK_SPEC, JSON.stringify({ name }))).to.deep.equal([NAME_PATTERN_LINE]);
      });
    }

    for (const name of ['a', 'A', '0', 'a.b', 'a-b_c.D9', 'ABCD']) {
      it(`name ${JSON.stringify(name)} is valid`, () => {
        expect(lines(OK_SPEC, JSON.stringify({ name }))).to.deep.equal([]);
      });
    }

    it('description allows 1024 code points (not UTF-16 units)', () => {
      expect(lines(OK_SPEC, JSON.stringify({ name: 'n', description: '😀'.repeat(1024) }))).to.deep.equal([]);
      expect(lines(OK_SPEC, JSON.stringify({ name: 'n', description: 'x'.repeat(1025) }))).to.deep.equal([
        'String length must be less than or equal to 1024',
      ]);
    });

    it('userData1 and userData2 allow 512 code points each', () => {
      expect(
        lines(
          OK_SPEC,
          JSON.stringify({ name: 'n', userData1: '😀'.repeat(512), userData2: 'é'.repeat(512) }),
        ),
      ).to.deep.equal([]);
      expect(
        lines(OK_SPEC, JSON.stringify({ name: 'n', userData1: 'x'.repeat(513), userData2: 'y'.repeat(513) })),
      ).to.deep.equal([
        'String length must be less than or equal to 512',
        'String length must be less than or equal to 512',
      ]);
    });
  });

  describe('spec.hookType', () => {
    it('empty or missing: enum then pattern', () => {
      expect(lines('{"hookType":""}')).to.deep.equal([ENUM_LINE, HOOK_PATTERN_LINE]);
      expect(lines('{}')).to.deep.equal([ENUM_LINE, HOOK_PATTERN_LINE]);
    });

    it('a pattern-shaped unknown value: the enum line only', () => {
      expect(lines('{"hookType":"pre-deploy"}')).to.deep.equal([ENUM_LINE]);
    });

    it('is case-sensitive', () => {
      expect(lines('{"hookType":"Pre-Install"}')).to.deep.equal([ENUM_LINE]);
    });

    it('too long and pattern-less: enum, maxLength, pattern in that order', () => {
      expect(lines(`{"hookType":"${'x'.repeat(65)}"}`)).to.deep.equal([
        ENUM_LINE,
        'String length must be less than or equal to 64',
        HOOK_PATTERN_LINE,
      ]);
    });

    it('the unanchored pattern matches inside a longer value', () => {
      expect(lines('{"hookType":"  pre-install  "}')).to.deep.equal([ENUM_LINE]);
    });

    it('a 1 MB value is answered with the same three lines (no backtracking pattern runs on it)', () => {
      const tooLong = [ENUM_LINE, 'String length must be less than or equal to 64'];
      const cases: Array<[string, string[]]> = [
        ['a'.repeat(1 << 20), [...tooLong, HOOK_PATTERN_LINE]],
        [`${'a'.repeat(1 << 20)}-`, [...tooLong, HOOK_PATTERN_LINE]],
        [`${'a'.repeat(1 << 20)}-b`, tooLong],
      ];
      for (const [big, expected] of cases) {
        expect(lines(`{"hookType":"${big}"}`)).to.deep.equal(expected);
      }
    });

    it('the one-pass check agrees with EMCO’s pattern', () => {
      const re = new RegExp(HOOK_TYPE_PATTERN);
      const hookish = fc.string({ unit: fc.constantFrom('a', 'Z', '-', ' ', '1', 'é'), maxLength: 12 });
      fc.assert(
        fc.property(hookish, (value) => matchesHookTypePattern(value) === re.test(value)),
        { numRuns: 5000 },
      );
    });
  });

  it('a null body: metadata lines before spec lines', () => {
    expect(validateTacIntent(decodeTacIntent('null'))).to.deep.equal([
      NAME_PATTERN_LINE,
      ENUM_LINE,
      HOOK_PATTERN_LINE,
    ]);
  });

  describe('activityOptions', () => {
    it('an entry without RetryPolicy is invalid with EMCO’s type line', () => {
      expect(
        lines(
          '{"hookType":"pre-install","temporal":{"workflowParams":{"activityOptions":{"a":{"StartToCloseTimeout":1}}}}}',
        ),
      ).to.deep.equal(['Invalid type. Expected: object, given: null']);
    });

    it('one line per entry, in sorted key order', () => {
      expect(
        lines(
          '{"hookType":"pre-install","temporal":{"workflowParams":{"activityOptions":{"b":{"RetryPolicy":{"MaximumAttempts":-1}},"a":{},"c":{"RetryPolicy":{}}}}}}',
        ),
      ).to.deep.equal([
        'Invalid type. Expected: object, given: null',
        'spec.temporal.workflowParams.activityOptions.b.RetryPolicy.MaximumAttempts must not be negative',
      ]);
    });

    it('an entry with an empty RetryPolicy object is valid', () => {
      expect(
        lines(
          '{"hookType":"pre-install","temporal":{"workflowParams":{"activityOptions":{"a":{"RetryPolicy":{}}}}}}',
        ),
      ).to.deep.equal([]);
    });
  });

  describe('rules added so that every accepted intent fits the resource', () => {
    it('hookBlockingTimeout: whole seconds or an unsigned duration string', () => {
      for (const t of [
        '0',
        '90',
        '"90s"',
        '"10m"',
        '"1h30m"',
        '"0"',
        '"1.5h"',
        '"250ms"',
        '"2µs"',
        '9223372036',
      ]) {
        expect(lines(`{"hookType":"pre-install","hookBlockingTimeout":${t}}`), t).to.deep.equal([]);
      }
      for (const t of ['-1', '"-5s"', '"+5s"', '"5"', '"soon"', '"5 s"', '""', '9223372037', '"2562048h"']) {
        expect(lines(`{"hookType":"pre-install","hookBlockingTimeout":${t}}`), t).to.deep.equal([
          'spec.hookBlockingTimeout must be a non-negative whole number of seconds or a duration string such as "90s" or "10m"',
        ]);
      }
    });

    it('clientEndpointName: a host name or an IP address when set', () => {
      for (const host of [
        '',
        'tac-workflow-client',
        'ABCDEFGHIJKLMNOPQRSTU',
        'a.b.svc',
        '10.0.0.1',
        '::1',
        '[fe80::1]',
        'tac_client',
      ]) {
        expect(
          lines(`{"hookType":"pre-install","workflowClient":{"clientEndpointName":"${host}"}}`),
          host,
        ).to.deep.equal([]);
      }
      for (const host of ['tac:9090', 'http://tac', 'a..b', '-a', 'a b', `${'a'.repeat(64)}`]) {
        expect(
          lines(`{"hookType":"pre-install","workflowClient":{"clientEndpointName":"${host}"}}`),
          host,
        ).to.deep.equal(['spec.workflowClient.clientEndpointName must be a host name or an IP address']);
      }
    });

    it('clientEndpointPort: 0..65535', () => {
      expect(lines('{"hookType":"pre-install","workflowClient":{"clientEndpointPort":65535}}')).to.deep.equal(
        [],
      );
      for (const port of ['65536', '-1', '70000']) {
        expect(
          lines(`{"hookType":"pre-install","workflowClient":{"clientEndpointPort":${port}}}`),
        ).to.deep.equal(['spec.workflowClient.clientEndpointPort must be between 0 and 65535']);
      }
    });

    it('workflowClientName: a route segment of letters, digits, - and _ when set', () => {
      expect(
        lines('{"hookType":"pre-install","temporal":{"workflowClientName":"migrate_workflow-client1"}}'),
      ).to.deep.equal([]);
      expect(lines('{"hookType":"pre-install","temporal":{"workflowClientName":"a/b"}}')).to.deep.equal([
        "spec.temporal.workflowClientName must match the pattern '^[a-zA-Z0-9_-]+$'",
      ]);
    });

    it('durations and attempts must not be negative', () => {
      expect(
        lines(
          '{"hookType":"pre-install","temporal":{"workflowStartOptions":{"WorkflowExecutionTimeout":-1,"WorkflowRunTimeout":-2,"WorkflowTaskTimeout":-3,"RetryPolicy":{"InitialInterval":-1,"MaximumInterval":-1,"MaximumAttempts":-1}},"workflowParams":{"activityOptions":{"x":{"ScheduleToCloseTimeout":-1,"ScheduleToStartTimeout":-1,"StartToCloseTimeout":-1,"HeartbeatTimeout":-1,"RetryPolicy":{"InitialInterval":-1}}}}}}',
        ),
      ).to.deep.equal([
        'spec.temporal.workflowStartOptions.WorkflowExecutionTimeout must not be negative',
        'spec.temporal.workflowStartOptions.WorkflowRunTimeout must not be negative',
        'spec.temporal.workflowStartOptions.WorkflowTaskTimeout must not be negative',
        'spec.temporal.workflowStartOptions.RetryPolicy.InitialInterval must not be negative',
        'spec.temporal.workflowStartOptions.RetryPolicy.MaximumInterval must not be negative',
        'spec.temporal.workflowStartOptions.RetryPolicy.MaximumAttempts must not be negative',
        'spec.temporal.workflowParams.activityOptions.x.ScheduleToCloseTimeout must not be negative',
        'spec.temporal.workflowParams.activityOptions.x.ScheduleToStartTimeout must not be negative',
        'spec.temporal.workflowParams.activityOptions.x.StartToCloseTimeout must not be negative',
        'spec.temporal.workflowParams.activityOptions.x.HeartbeatTimeout must not be negative',
        'spec.temporal.workflowParams.activityOptions.x.RetryPolicy.InitialInterval must not be negative',
      ]);
    });

    it('keeps EMCO’s freedoms: any int32 reuse policy, any backoff coefficient, empty endpoint', () => {
      expect(
        lines(
          '{"hookType":"pre-install","temporal":{"workflowStartOptions":{"WorkflowIDReusePolicy":-7,"RetryPolicy":{"BackoffCoefficient":-358.25}}}}',
        ),
      ).to.deep.equal([]);
    });

    it('orders every line: metadata, hookType, timeout, client, temporal', () => {
      expect(
        lines(
          '{"hookType":"x","hookBlockingTimeout":"-1s","workflowClient":{"clientEndpointName":"a b","clientEndpointPort":-1},"temporal":{"workflowClientName":"/","workflowStartOptions":{"WorkflowRunTimeout":-1},"workflowParams":{"activityOptions":{"a":{}}}}}',
          '{"name":"-","description":""}',
        ),
      ).to.deep.equal([
        NAME_PATTERN_LINE,
        ENUM_LINE,
        HOOK_PATTERN_LINE,
        'spec.hookBlockingTimeout must be a non-negative whole number of seconds or a duration string such as "90s" or "10m"',
        'spec.workflowClient.clientEndpointName must be a host name or an IP address',
        'spec.workflowClient.clientEndpointPort must be between 0 and 65535',
        "spec.temporal.workflowClientName must match the pattern '^[a-zA-Z0-9_-]+$'",
        'spec.temporal.workflowStartOptions.WorkflowRunTimeout must not be negative',
        'Invalid type. Expected: object, given: null',
      ]);
    });
  });
});

describe('invalidInputBody', () => {
  it('builds EMCO’s 400 body for an empty hookType', () => {
    expect(invalidInputBody(lines('{"hookType":""}'))).to.equal(
      `Invalid Input:\n${ENUM_LINE}\nDoes not match pattern '[a-zA-Z]+-[a-zA-Z]+'\n`,
    );
  });

  it('builds EMCO’s 400 body for an empty name', () => {
    expect(invalidInputBody(lines(OK_SPEC, '{"name":""}'))).to.equal(
      "Invalid Input:\nDoes not match pattern '^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$'\n",
    );
  });

  it('builds EMCO’s 400 body for a 129-character name and for a null RetryPolicy', () => {
    expect(invalidInputBody(['String length must be less than or equal to 128'])).to.equal(
      'Invalid Input:\nString length must be less than or equal to 128\n',
    );
    expect(invalidInputBody(['Invalid type. Expected: object, given: null'])).to.equal(
      'Invalid Input:\nInvalid type. Expected: object, given: null\n',
    );
  });
});
