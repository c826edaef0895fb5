import { expect } from 'chai';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { uniqueName, waitFor } from '../../support/env.js';
import type { TacWorker } from '../../../worker/create-worker.js';
import type { TemporalFixture } from './temporal-fixture.js';
import { startWorker, temporalFixture } from './temporal-fixture.js';

describe('worker workflows (real Temporal)', function () {
  this.timeout(120_000);
  let fx: TemporalFixture;
  let worker: TacWorker;
  let running: Promise<void>;
  let taskQueue: string;

  before(async () => {
    fx = await temporalFixture();
    ({ worker, running, taskQueue } = await startWorker(fx));
  });

  after(async () => {
    worker?.shutdown();
    await running;
    await fx?.close();
  });

  const start = (type: string, params: unknown) =>
    fx.client.workflow.start(type, { taskQueue, workflowId: uniqueName(type), args: [params] });

  it('helloWorld greets activityParams.greet.name through the greet activity', async () => {
    const handle = await start('helloWorld', { activityParams: { greet: { name: 'EMCO' } } });
    expect(await handle.result()).to.equal('Hello, EMCO!');
    const history = await handle.fetchHistory();
    const scheduled = history.events?.find((e) => e.activityTaskScheduledEventAttributes != null);
    expect(scheduled?.activityTaskScheduledEventAttributes?.activityType?.name).to.equal('greet');
  });

  it('helloWorld defaults the name when workflowParams is empty', async () => {
    expect(await (await start('helloWorld', {})).result()).to.equal('Hello, World!');
  });

  it('sleep sleeps for the given duration and returns it', async () => {
    const handle = await start('sleep', { activityParams: { sleep: { duration: '200ms' } } });
    expect(await handle.result()).to.deep.equal({ sleptMs: 200 });
    const history = await handle.fetchHistory();
    const timer = history.events?.find((e) => e.timerStartedEventAttributes != null);
    expect(timer?.timerStartedEventAttributes?.startToFireTimeout?.nanos).to.equal(200_000_000);
  });

  it('sleep rejects a malformed duration with a clear non-retryable failure', async () => {
    const handle = await start('sleep', { activityParams: { sleep: { duration: 'soon' } } });
    const err = await handle.result().then(
      () => expect.fail('expected failure'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    expect(cause).to.be.instanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).message).to.equal(
      'activityParams.sleep.duration: expected a duration such as "30s", "1m30s", "500ms" or milliseconds, got "soon"',
    );
  });

  it('fail fails with the given message and type, without retries', async () => {
    const handle = await start('fail', {
      activityParams: { fail: { message: 'boom from test', type: 'Boom' } },
    });
    const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
    expect(err).to.be.instanceOf(WorkflowFailedError);
    expect(err.cause).to.be.instanceOf(ApplicationFailure);
    expect(err.cause?.message).to.equal('boom from test');
    expect((err.cause as ApplicationFailure).type).to.equal('Boom');
    expect((err.cause as ApplicationFailure).nonRetryable).to.equal(true);
  });

  it('noop completes at once', async () => {
    const handle = await start('noop', {});
    expect(await handle.result()).to.equal(undefined);
    expect((await handle.describe()).status.name).to.equal('COMPLETED');
  });

  it('longRunning answers progress, and on cancel runs its cleanup and ends cancelled', async () => {
    const handle = await start('longRunning', { activityParams: { longRunning: { tick: '100ms' } } });
    const progress = await waitFor(
      async () => {
        const p = await handle.query<{ state: string; ticks: number }>('progress');
        return p.ticks >= 2 ? p : undefined;
      },
      { what: 'two ticks of longRunning', timeoutMs: 20_000 },
    );
    expect(progress.state).to.equal('running');
    await handle.cancel();
    const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
    expect(err).to.be.instanceOf(WorkflowFailedError);
    expect(err.cause).to.be.instanceOf(CancelledFailure);
    expect((await handle.describe()).status.name).to.equal('CANCELLED');
    const history = await handle.fetchHistory();
    const completed = history.events?.filter((e) => e.activityTaskCompletedEventAttributes != null) ?? [];
    expect(completed).to.have.length(1);
    const scheduled = history.events?.find((e) => e.activityTaskScheduledEventAttributes != null);
    expect(scheduled?.activityTaskScheduledEventAttributes?.activityType?.name).to.equal(
      'longRunningCleanup',
    );
  });

  it('longRunning ends by itself after maxTicks', async () => {
    const handle = await start('longRunning', {
      activityParams: { longRunning: { tick: '10ms', maxTicks: '3' } },
    });
    expect(await handle.result()).to.deep.equal({ state: 'completed', ticks: 3 });
  });
});
