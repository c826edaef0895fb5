import { expect } from 'chai';
import { ActivityCancellationType } from '@temporalio/workflow';
import { activityOptionsFor } from '../../../../worker/workflows/activity-options.js';

describe('activityOptionsFor', () => {
  const defaults = { startToCloseTimeout: '1 minute', retry: { maximumAttempts: 5 } };

  it('returns the defaults when workflowParams has no options', () => {
    expect(activityOptionsFor(undefined, 'greet', defaults)).to.deep.equal(defaults);
    expect(activityOptionsFor({}, 'greet', defaults)).to.deep.equal(defaults);
  });

  it('maps Go options (ns durations, zero = unset) and lets the named activity override all-activities', () => {
    const options = activityOptionsFor(
      {
        activityOptions: {
          'all-activities': {
            StartToCloseTimeout: 10_000_000_000,
            HeartbeatTimeout: 0,
            RetryPolicy: { InitialInterval: 100_000_000, BackoffCoefficient: 1.5, MaximumAttempts: 3 },
          },
          greet: {
            TaskQueue: 'other-q',
            ScheduleToCloseTimeout: 60_000_000_000,
            ScheduleToStartTimeout: 1_500_000,
            WaitForCancellation: true,
            ActivityID: 'greet-1',
            RetryPolicy: {
              MaximumInterval: 2_000_000_000,
              MaximumAttempts: 7,
              NonRetryableErrorTypes: ['Bad'],
            },
          },
        },
      },
      'greet',
      defaults,
    );
    expect(options).to.deep.equal({
      startToCloseTimeout: 10_000,
      scheduleToCloseTimeout: 60_000,
      scheduleToStartTimeout: 2, // 1.5 ms rounds up: a positive timeout never becomes "unset"
      taskQueue: 'other-q',
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      activityId: 'greet-1',
      retry: {
        maximumAttempts: 7,
        initialInterval: 100,
        backoffCoefficient: 1.5,
        maximumInterval: 2_000,
        nonRetryableErrorTypes: ['Bad'],
      },
    });
  });

  it('ignores options of other activities', () => {
    const options = activityOptionsFor(
      { activityOptions: { other: { StartToCloseTimeout: 5_000_000_000 } } },
      'greet',
      defaults,
    );
    expect(options).to.deep.equal(defaults);
  });
});
