import { expect } from 'chai';
import { int64ToJsonNumber, workflowParamsJson } from '../../../client/go-json.js';
import type { GoActivityOptions } from '../../../common/emco/types.js';

function activity(overrides: Partial<GoActivityOptions> = {}): GoActivityOptions {
  return {
    TaskQueue: '',
    ScheduleToCloseTimeout: 0n,
    ScheduleToStartTimeout: 0n,
    StartToCloseTimeout: 60_000_000_000n,
    HeartbeatTimeout: 0n,
    WaitForCancellation: false,
    ActivityID: '',
    RetryPolicy: {
      InitialInterval: 1_000_000_000n,
      BackoffCoefficient: 2,
      MaximumInterval: 0n,
      MaximumAttempts: 3,
      NonRetryableErrorTypes: null,
    },
    ...overrides,
  };
}

describe('workflowParams as Go JSON', () => {
  it('omits both maps when nil or empty', () => {
    expect(JSON.stringify(workflowParamsJson({ activityOptions: null, activityParams: null }))).to.equal(
      '{}',
    );
    expect(JSON.stringify(workflowParamsJson({ activityOptions: {}, activityParams: {} }))).to.equal('{}');
  });

  it('writes Go field names, every field, integer nanoseconds and sorted map keys', () => {
    const json = JSON.stringify(
      workflowParamsJson({
        activityOptions: { zeta: activity(), alpha: activity({ RetryPolicy: null, ActivityID: 'a1' }) },
        activityParams: { greet: { name: 'EMCO', b: '2', a: '1' }, emco: { project: 'proj1' } },
      }),
    );
    expect(json).to.equal(
      '{"activityOptions":{' +
        '"alpha":{"TaskQueue":"","ScheduleToCloseTimeout":0,"ScheduleToStartTimeout":0,"StartToCloseTimeout":60000000000,' +
        '"HeartbeatTimeout":0,"WaitForCancellation":false,"ActivityID":"a1","RetryPolicy":null},' +
        '"zeta":{"TaskQueue":"","ScheduleToCloseTimeout":0,"ScheduleToStartTimeout":0,"StartToCloseTimeout":60000000000,' +
        '"HeartbeatTimeout":0,"WaitForCancellation":false,"ActivityID":"","RetryPolicy":{"InitialInterval":1000000000,' +
        '"BackoffCoefficient":2,"MaximumInterval":0,"MaximumAttempts":3,"NonRetryableErrorTypes":null}}},' +
        '"activityParams":{"emco":{"project":"proj1"},"greet":{"a":"1","b":"2","name":"EMCO"}}}',
    );
  });

  it('keeps int64 nanoseconds exact up to 2^53 and never overflows int64 beyond', () => {
    expect(int64ToJsonNumber(9_007_199_254_740_991n)).to.equal(9_007_199_254_740_991);
    expect(int64ToJsonNumber(-5n)).to.equal(-5);
    const max = int64ToJsonNumber(9_223_372_036_854_775_807n);
    expect(BigInt(max)).to.equal(9_223_372_036_854_774_784n);
    // JavaScript prints the shortest text of that double; it is still below 2^63 − 1 for Go
    expect(JSON.stringify(max)).to.equal('9223372036854775000');
    expect(BigInt(JSON.stringify(max)) <= 9_223_372_036_854_775_807n).to.equal(true);
    expect(int64ToJsonNumber(-9_223_372_036_854_775_808n)).to.equal(-9_223_372_036_854_775_808);
  });
});
