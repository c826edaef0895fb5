import { expect } from 'chai';
import { InvokeError } from '../../../client/invoke-error.js';
import { builtInClient } from '../../../client/named-clients.js';
import type { NamedClient } from '../../../client/named-clients.js';
import { buildStartRequest, nanosToMs } from '../../../client/start-request.js';
import { decodeTemporalSpec } from '../../../common/emco/decode.js';

/** EMCO-TAC-REFERENCE §9: the body TAC posts (canonical Go keys, zero values present). */
const CANONICAL =
  '{"workflowClientName":"migrate_workflowclient","workflowStartOptions":{"ID":"pre-install-1","TaskQueue":"GREETING_TASK_QUEUE",' +
  '"WorkflowExecutionTimeout":0,"WorkflowRunTimeout":0,"WorkflowTaskTimeout":0,"WorkflowIDReusePolicy":0,' +
  '"WorkflowExecutionErrorWhenAlreadyStarted":false,"RetryPolicy":{"InitialInterval":0,"BackoffCoefficient":0,' +
  '"MaximumInterval":0,"MaximumAttempts":2,"NonRetryableErrorTypes":null},"CronSchedule":"","Memo":null,' +
  '"SearchAttributes":null},"workflowParams":{}}';

const defaultClient = builtInClient('migrate_workflowclient');

function build(body: unknown, client: NamedClient = defaultClient) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return buildStartRequest(
    decodeTemporalSpec(text, { allowDurationStrings: true }),
    client,
    () => 'generated-id',
  );
}

function refusal(body: unknown, client?: NamedClient): InvokeError {
  try {
    build(body, client);
  } catch (err) {
    expect(err).to.be.instanceOf(InvokeError);
    return err as InvokeError;
  }
  expect.fail('expected an InvokeError');
}

describe('buildStartRequest', () => {
  it("maps EMCO's canonical body: type = queue, zero values unset, one workflowParams argument", () => {
    const request = build(CANONICAL);
    expect(request.workflowType).to.equal('GREETING_TASK_QUEUE');
    expect(request.errorWhenAlreadyStarted).to.equal(false);
    expect(request.reusePolicyName).to.equal('Unspecified');
    expect(request.options).to.deep.equal({
      workflowId: 'pre-install-1',
      taskQueue: 'GREETING_TASK_QUEUE',
      args: [{}],
      workflowIdConflictPolicy: 'USE_EXISTING',
      retry: { maximumAttempts: 2 },
    });
  });

  it("maps every field of the seed's example (lowercase keys), durations in ns rounded up to ms", () => {
    const request = build({
      workflowClientName: 'ABCD',
      workflowStartOptions: {
        id: 'ABCDEFGHIJK',
        taskqueue: 'ABCDEFGHIJKLMNOPQRSTUVW',
        workflowexecutiontimeout: 327,
        workflowruntimeout: 983,
        workflowtasktimeout: 213,
        workflowidreusepolicy: 3,
        workflowexecutionerrorwhenalreadystarted: true,
        retrypolicy: {
          initialinterval: 679,
          backoffcoefficient: 358.25,
          maximuminterval: 658,
          maximumattempts: 127,
          nonretryableerrortypes: [],
        },
        cronschedule: '*/5 * * * *',
        memo: { owner: 'tac', n: 1 },
        searchattributes: { CustomKeywordField: 'k' },
      },
      workflowParams: { activityOptions: {}, activityParams: {} },
    });
    expect(request.workflowType).to.equal('ABCDEFGHIJKLMNOPQRSTUVW');
    expect(request.reusePolicyName).to.equal('RejectDuplicate');
    expect(request.options).to.deep.equal({
      workflowId: 'ABCDEFGHIJK',
      taskQueue: 'ABCDEFGHIJKLMNOPQRSTUVW',
      args: [{}],
      workflowIdConflictPolicy: 'FAIL',
      workflowExecutionTimeout: 1,
      workflowRunTimeout: 1,
      workflowTaskTimeout: 1,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      retry: { initialInterval: 1, maximumInterval: 1, backoffCoefficient: 358.25, maximumAttempts: 127 },
      cronSchedule: '*/5 * * * *',
      memo: { owner: 'tac', n: 1 },
      searchAttributes: { CustomKeywordField: ['k'] },
    });
  });

  it('accepts duration strings and maps every reuse policy', () => {
    const policies = ['ALLOW_DUPLICATE', 'ALLOW_DUPLICATE_FAILED_ONLY', 'REJECT_DUPLICATE'];
    for (const [i, name] of policies.entries()) {
      const request = build({
        workflowStartOptions: { TaskQueue: 'q', WorkflowRunTimeout: '90s', WorkflowIDReusePolicy: i + 1 },
      });
      expect(request.options.workflowIdReusePolicy).to.equal(name);
      expect(request.options.workflowRunTimeout).to.equal(90_000);
    }
  });

  it('generates an id when the body has none (Go SDK: a UUID)', () => {
    expect(build({ workflowStartOptions: { TaskQueue: 'q' } }).options.workflowId).to.equal('generated-id');
    const real = buildStartRequest(
      decodeTemporalSpec('{"workflowStartOptions":{"TaskQueue":"q"}}'),
      defaultClient,
    ).options.workflowId;
    expect(real).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('passes workflowParams as Go JSON (durations as integer ns)', () => {
    const request = build({
      workflowStartOptions: { TaskQueue: 'helloWorld' },
      workflowParams: {
        activityOptions: {
          greet: {
            StartToCloseTimeout: 60000000000,
            RetryPolicy: {
              InitialInterval: 0,
              BackoffCoefficient: 0,
              MaximumInterval: 0,
              MaximumAttempts: 3,
            },
          },
        },
        activityParams: { greet: { name: 'EMCO' } },
      },
    });
    expect(JSON.stringify(request.options.args)).to.equal(
      '[{"activityOptions":{"greet":{"TaskQueue":"","ScheduleToCloseTimeout":0,"ScheduleToStartTimeout":0,' +
        '"StartToCloseTimeout":60000000000,"HeartbeatTimeout":0,"WaitForCancellation":false,"ActivityID":"",' +
        '"RetryPolicy":{"InitialInterval":0,"BackoffCoefficient":0,"MaximumInterval":0,"MaximumAttempts":3,' +
        '"NonRetryableErrorTypes":null}}},"activityParams":{"greet":{"name":"EMCO"}}}]',
    );
  });

  it('follows the named client: fixed type, default queue, argument shape', () => {
    const client: NamedClient = {
      name: 'c',
      workflowType: 'migrate',
      taskQueue: 'tac-worker',
      allowTaskQueueOverride: false,
      arguments: 'activityParams',
    };
    const request = build({ workflowParams: { activityParams: { b: { x: '1' }, a: { y: '2' } } } }, client);
    expect(request.workflowType).to.equal('migrate');
    expect(request.options.taskQueue).to.equal('tac-worker');
    expect(JSON.stringify(request.options.args)).to.equal('[{"a":{"y":"2"},"b":{"x":"1"}}]');
    const none = build(
      { workflowStartOptions: { TaskQueue: 'own' } },
      { ...client, arguments: 'none', allowTaskQueueOverride: true },
    );
    expect(none.options.taskQueue).to.equal('own');
    expect(none.options.args).to.deep.equal([]);
  });

  it('refuses a reuse policy outside 0-3 with a clear 400', () => {
    const err = refusal({ workflowStartOptions: { TaskQueue: 'q', WorkflowIDReusePolicy: 916 } });
    expect(err.status).to.equal(400);
    expect(err.message).to.equal(
      'workflowStartOptions.WorkflowIDReusePolicy 916 is not supported: use 0 (Unspecified), 1 (AllowDuplicate), ' +
        '2 (AllowDuplicateFailedOnly) or 3 (RejectDuplicate)',
    );
  });

  it('refuses a missing task queue, negative durations and negative attempts', () => {
    expect(refusal({}).message).to.equal(
      'workflowStartOptions.TaskQueue is empty and workflow client "migrate_workflowclient" has no default task queue',
    );
    expect(refusal({ workflowStartOptions: { TaskQueue: 'q', WorkflowRunTimeout: -1 } }).message).to.equal(
      'workflowStartOptions.WorkflowRunTimeout must not be negative (got -1 ns)',
    );
    expect(
      refusal({ workflowStartOptions: { TaskQueue: 'q', RetryPolicy: { MaximumAttempts: -2 } } }).message,
    ).to.equal('workflowStartOptions.RetryPolicy.MaximumAttempts must not be negative (got -2)');
  });

  it('converts nanoseconds to milliseconds, rounding sub-millisecond values up', () => {
    expect(nanosToMs(0n, 'f')).to.equal(undefined);
    expect(nanosToMs(1n, 'f')).to.equal(1);
    expect(nanosToMs(1_000_000n, 'f')).to.equal(1);
    expect(nanosToMs(1_000_001n, 'f')).to.equal(2);
    expect(nanosToMs(9_223_372_036_854_775_807n, 'f')).to.equal(9_223_372_036_855);
  });
});
