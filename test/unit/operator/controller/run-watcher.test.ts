import { expect } from 'chai';
import { RunWatcher } from '../../../../operator/controller/run-watcher.js';
import type { WaitResult, WorkflowRef } from '../../../../operator/temporal/temporal-gateway.js';
import { deferred, FakeClock, recordingLogger, settle, type Deferred } from '../fakes.js';

/** A Temporal port whose waits the test settles one by one. */
function fakeTemporal(): { waits: Deferred<WaitResult>[]; refs: WorkflowRef[]; signals: AbortSignal[] } & {
  waitForResult(ref: WorkflowRef, timeoutMs: number, signal?: AbortSignal): Promise<WaitResult>;
} {
  const waits: Deferred<WaitResult>[] = [];
  const refs: WorkflowRef[] = [];
  const signals: AbortSignal[] = [];
  return {
    waits,
    refs,
    signals,
    waitForResult(ref, _timeoutMs, signal) {
      const d = deferred<WaitResult>();
      waits.push(d);
      refs.push(ref);
      if (signal !== undefined) signals.push(signal);
      return d.promise;
    },
  };
}

const ref = { workflowId: 'wf', runId: 'r1' };

describe('RunWatcher', () => {
  it('re-queues the intent as soon as its run closes', async () => {
    const temporal = fakeTemporal();
    const enqueued: string[] = [];
    const watcher = new RunWatcher(temporal, (k) => enqueued.push(k), recordingLogger().logger);
    watcher.watch('ns/a', ref);
    watcher.watch('ns/a', ref); // same run: one wait
    expect(temporal.waits).to.have.length(1);
    temporal.waits[0]?.resolve({ done: true, status: 'COMPLETED' });
    await settle();
    expect(enqueued).to.deep.equal(['ns/a']);
    expect(watcher.size()).to.equal(0);
  });

  it('backs off exponentially before re-queueing after failed polls, and resets after a good one', async () => {
    const temporal = fakeTemporal();
    const clock = new FakeClock();
    const enqueued: string[] = [];
    const watcher = new RunWatcher(temporal, (k) => enqueued.push(k), recordingLogger().logger, {
      failureBackoffMs: 1000,
      maxFailureBackoffMs: 3000,
      setTimer: clock.setTimer,
    });
    const failOnce = async (): Promise<void> => {
      watcher.watch('ns/a', ref);
      temporal.waits.at(-1)?.reject(new Error('Temporal unavailable'));
      await settle();
    };
    await failOnce();
    expect(enqueued, 'no re-queue right after a failed poll').to.deep.equal([]);
    clock.advance(999);
    expect(enqueued).to.deep.equal([]);
    clock.advance(1);
    expect(enqueued).to.deep.equal(['ns/a']);
    await failOnce();
    await failOnce(); // still backing off: the same run is not polled twice
    expect(temporal.waits).to.have.length(2);
    clock.advance(2000);
    expect(enqueued).to.have.length(2);
    await failOnce();
    clock.advance(2999);
    expect(enqueued).to.have.length(2);
    clock.advance(1); // capped at 3000
    expect(enqueued).to.have.length(3);
    watcher.watch('ns/a', ref);
    temporal.waits.at(-1)?.resolve({ done: false });
    await settle();
    expect(enqueued).to.have.length(4);
    await failOnce();
    clock.advance(1000); // reset to the first delay
    expect(enqueued).to.have.length(5);
    expect(clock.delays).to.deep.equal([1000, 2000, 3000, 1000]);
  });

  it('forgets a watch: its wait is aborted and nothing is re-queued', async () => {
    const temporal = fakeTemporal();
    const clock = new FakeClock();
    const enqueued: string[] = [];
    const watcher = new RunWatcher(temporal, (k) => enqueued.push(k), recordingLogger().logger, {
      setTimer: clock.setTimer,
    });
    watcher.watch('ns/a', ref);
    temporal.waits[0]?.reject(new Error('down'));
    await settle();
    watcher.forget('ns/a');
    clock.advance(60_000);
    expect(enqueued).to.deep.equal([]);
    watcher.watch('ns/b', ref);
    watcher.stop();
    expect(temporal.signals.at(-1)?.aborted).to.equal(true);
    temporal.waits[1]?.resolve({ done: true, status: 'COMPLETED' });
    await settle();
    expect(enqueued).to.deep.equal([]);
  });
});
