import { expect } from 'chai';
import { RunWatcher } from '../../../../operator/controller/run-watcher.js';
import type {
  WaitResult,
  WorkflowRef,
  WorkflowState,
} from '../../../../operator/temporal/temporal-gateway.js';
import { deferred, FakeClock, recordingLogger, settle, type Deferred } from '../fakes.js';

/**
 * A Temporal port whose waits the test settles one by one; describe answers with a workflow whose
 * memo carries `memoRunId` (null: no TAC run id; `fail`: describe throws).
 */
function fakeTemporal(memoRunId: string | null = 'run-1'): {
  waits: Deferred<WaitResult>[];
  refs: WorkflowRef[];
  signals: AbortSignal[];
} & {
  waitForResult(ref: WorkflowRef, timeoutMs: number, signal?: AbortSignal): Promise<WaitResult>;
  describe(ref: WorkflowRef): Promise<WorkflowState | undefined>;
} {
  const waits: Deferred<WaitResult>[] = [];
  const refs: WorkflowRef[] = [];
  const signals: AbortSignal[] = [];
  return {
    waits,
    refs,
    signals,
    describe(r) {
      if (memoRunId === 'fail') return Promise.reject(new Error('Temporal unavailable'));
      return Promise.resolve({
        workflowId: r.workflowId,
        runId: r.runId ?? 'latest',
        type: 'noop',
        taskQueue: 'q',
        status: 'RUNNING',
        startTime: new Date(0),
        memo: memoRunId !== null ? { tacRunId: memoRunId } : {},
      });
    },
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

  it('hands over a completion its long poll saw, until the run is forgotten or another run is watched', async () => {
    const temporal = fakeTemporal();
    const seenAt = new Date('2026-11-26T12:00:05Z');
    const enqueued: string[] = [];
    const watcher = new RunWatcher(temporal, (k) => enqueued.push(k), recordingLogger().logger, {
      now: () => seenAt,
    });
    watcher.watch('ns/a', ref);
    expect(watcher.completed('ns/a', ref)).to.equal(undefined);
    temporal.waits[0]?.resolve({ done: true, status: 'COMPLETED', result: null });
    await settle();
    expect(enqueued).to.deep.equal(['ns/a']);
    expect(watcher.completed('ns/a', ref)).to.deep.equal({
      workflowId: 'wf',
      runId: 'r1',
      seenAt,
      tacRunId: 'run-1',
    });
    expect(watcher.completed('ns/a', { workflowId: 'wf', runId: 'r0' })).to.equal(undefined);
    expect(watcher.completed('ns/b', ref)).to.equal(undefined);
    watcher.watch('ns/a', ref); // the same run again (a conflict retried): still known
    expect(watcher.completed('ns/a', ref)).to.not.equal(undefined);
    watcher.watch('ns/a', { workflowId: 'wf', runId: 'r2' });
    expect(watcher.completed('ns/a', ref)).to.equal(undefined);
    watcher.forget('ns/a');
    watcher.watch('ns/a', ref);
    temporal.waits.at(-1)?.resolve({ done: true, status: 'COMPLETED' });
    await settle();
    watcher.forget('ns/a');
    expect(watcher.completed('ns/a', ref)).to.equal(undefined);
  });

  it('hands over no close other than a completion, none of an unknown run id, none after forget', async () => {
    const temporal = fakeTemporal();
    const watcher = new RunWatcher(temporal, () => undefined, recordingLogger().logger);
    watcher.watch('ns/failed', ref);
    temporal.waits[0]?.resolve({ done: true, status: 'FAILED', failureMessage: 'boom' });
    watcher.watch('ns/timeout', ref);
    temporal.waits[1]?.resolve({ done: false });
    const latest = { workflowId: 'wf' };
    watcher.watch('ns/latest', latest);
    temporal.waits[2]?.resolve({ done: true, status: 'COMPLETED' });
    watcher.watch('ns/forgotten', ref);
    watcher.forget('ns/forgotten');
    temporal.waits[3]?.resolve({ done: true, status: 'COMPLETED' });
    await settle();
    expect(watcher.completed('ns/failed', ref)).to.equal(undefined);
    expect(watcher.completed('ns/timeout', ref)).to.equal(undefined);
    expect(watcher.completed('ns/latest', latest)).to.equal(undefined);
    expect(watcher.completed('ns/forgotten', ref)).to.equal(undefined);
  });

  it('hands over the TAC run id the workflow carries, none when it carries none, nothing when it cannot be read', async () => {
    const foreign = fakeTemporal(null);
    const w1 = new RunWatcher(foreign, () => undefined, recordingLogger().logger);
    w1.watch('ns/a', ref);
    foreign.waits[0]?.resolve({ done: true, status: 'COMPLETED' });
    await settle();
    const handed = w1.completed('ns/a', ref);
    expect(handed).to.not.equal(undefined);
    expect(handed?.tacRunId, 'a workflow without a TAC run id').to.equal(undefined);

    const unreadable = fakeTemporal('fail');
    const enqueued: string[] = [];
    const w2 = new RunWatcher(unreadable, (k) => enqueued.push(k), recordingLogger().logger);
    w2.watch('ns/b', ref);
    unreadable.waits[0]?.resolve({ done: true, status: 'COMPLETED' });
    await settle();
    expect(enqueued, 'the intent is still re-queued').to.deep.equal(['ns/b']);
    expect(w2.completed('ns/b', ref), 'the reconcile describes it itself').to.equal(undefined);
  });
});
