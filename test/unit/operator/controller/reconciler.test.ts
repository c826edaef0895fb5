// Whole reconciles over fakes of the ports: the order of side effects, the three run-path
// correctness rules (an unanswered invoke is looked up, never failed nor repeated; a timeout is
// decided once; no reconcile waits on a workflow result), and the finalizer.
import { expect } from 'chai';
import {
  ANNOTATION_RUN_REQUEST,
  ANNOTATION_RUN_REQUESTED_AT,
  ANNOTATION_SKIP_CLEANUP,
  RUN_ID_MEMO_KEY,
  FINALIZER,
} from '../../../../common/domain/annotations.js';
import type { Run, TemporalActionIntent } from '../../../../common/model/types.js';
import { StoreError } from '../../../../operator/ports.js';
import { intent as buildIntent, type IntentFixture } from '../../../support/builders.js';
import { harness } from './harness.js';

const START = '2026-11-26T12:00:00Z';
const WF = 'tac-default-intent1-ev1';

function requested(f: IntentFixture = {}): TemporalActionIntent {
  return buildIntent({
    timeout: 60,
    ...f,
    annotations: {
      [ANNOTATION_RUN_REQUEST]: JSON.stringify({
        id: 'ev1',
        hookType: 'pre-install',
        eventId: 'ev1',
        requestedAt: START,
      }),
      ...f.annotations,
    },
  });
}

function running(extra: Partial<Run> = {}): TemporalActionIntent {
  const obj = requested();
  obj.status = {
    lastRun: {
      id: 'ev1',
      trigger: { type: 'Lifecycle', hookType: 'pre-install', eventId: 'ev1' },
      workflowId: WF,
      runId: 'r1',
      phase: 'Running',
      blocking: true,
      startTime: START,
      attempt: 1,
      ...extra,
    },
  };
  return obj;
}

describe('Reconciler', () => {
  it('records a new run Pending before it invokes, then Running with the ids', async () => {
    const h = harness(requested());
    h.invoker.answer = () => {
      h.temporal.start(WF, 'ev1');
      return { outcome: 'started', workflowId: WF, runId: 'r1' };
    };
    const result = await h.reconciler.reconcile(h.key);
    expect(h.invoker.calls).to.have.length(1);
    expect(h.invoker.calls[0]?.seen?.status?.lastRun).to.deep.include({
      phase: 'Pending',
      attempt: 1,
      workflowId: WF,
    });
    expect(h.invoker.calls[0]?.body).to.have.nested.property('workflowStartOptions.ID', WF);
    expect(h.current()?.status?.lastRun).to.deep.include({ phase: 'Running', runId: 'r1' });
    expect(h.watcher.watched.get(h.key)).to.deep.equal({ workflowId: WF, runId: 'r1' });
    expect(h.events.recorded.map((e) => e.reason)).to.deep.equal(['RunStarted']);
    expect(result).to.deep.equal({ requeueAfterMs: 60_000 });
  });

  it('an invoke that gets no answer is not a failure: the next pass finds the workflow by its id, and never invokes twice', async () => {
    const h = harness(requested());
    h.invoker.answer = () => {
      h.temporal.start(WF, 'ev1', 'r5'); // the client did start it, but its answer was lost
      return {
        outcome: 'unknown',
        message: 'workflow client http://127.0.0.1:9090/invoke/default gave no answer within 300 ms',
      };
    };
    await h.reconciler.reconcile(h.key);
    expect(h.current()?.status?.lastRun?.phase).to.equal('Pending');
    expect(h.current()?.status?.lastRun?.failureMessage).to.match(
      /^start not confirmed .*no answer within 300 ms/,
    );
    h.clock.t += 1000;
    await h.reconciler.reconcile(h.key);
    expect(h.current()?.status?.lastRun).to.deep.include({ phase: 'Running', runId: 'r5' });
    expect(h.current()?.status?.lastRun?.failureMessage).to.equal(undefined);
    expect(h.invoker.calls).to.have.length(1);
  });

  it('an unanswered invoke that started nothing is invoked again only after the lookup time, then fails', async () => {
    const h = harness(requested(), { planner: { maxStartAttempts: 2 } });
    h.invoker.answer = () => ({ outcome: 'unknown', message: 'no answer within 300 ms' });
    await h.reconciler.reconcile(h.key);
    h.clock.t += 29_000;
    await h.reconciler.reconcile(h.key);
    expect(h.invoker.calls).to.have.length(1);
    h.clock.t += 1_000;
    await h.reconciler.reconcile(h.key);
    expect(h.invoker.calls).to.have.length(2);
    expect(h.invoker.calls[1]?.seen?.status?.lastRun?.attempt).to.equal(2);
    h.clock.t += 30_000;
    await h.reconciler.reconcile(h.key);
    expect(h.invoker.calls).to.have.length(2);
    expect(h.current()?.status?.lastRun?.phase).to.equal('Failed');
    expect(h.current()?.status?.lastRun?.failureMessage).to.match(
      /^no workflow .* after 2 start attempt\(s\)/,
    );
  });

  it('after a crash between invoke and status write, attaches to the started workflow instead of invoking', async () => {
    const obj = running({ phase: 'Pending', runId: undefined });
    const h = harness(obj);
    h.temporal.start(WF, 'ev1', 'r3');
    await h.reconciler.reconcile(h.key);
    expect(h.invoker.calls).to.have.length(0);
    expect(h.current()?.status?.lastRun).to.deep.include({ phase: 'Running', runId: 'r3' });
  });

  it('a timed-out run stays TimedOut when its status write hits a conflict after the cancel', async () => {
    const h = harness(running());
    h.temporal.start(WF, 'ev1');
    h.clock.t += 61_000;
    h.store.failNext = new StoreError(
      'Conflict',
      'write status of default/intent1: the object has been modified',
    );
    let thrown: unknown;
    await h.reconciler.reconcile(h.key).catch((err: unknown) => (thrown = err));
    expect(thrown).to.be.instanceOf(StoreError);
    expect(h.temporal.workflows.get(WF)?.status).to.equal('CANCELLED');
    h.clock.t += 500;
    await h.reconciler.reconcile(h.key);
    const run = h.current()?.status?.lastRun;
    expect(run?.phase).to.equal('TimedOut');
    expect(run?.failureMessage).to.equal(
      `hookBlockingTimeout 60 passed before workflow ${WF} finished; workflow cancelled`,
    );
    expect(h.events.recorded.map((e) => e.reason)).to.deep.equal(['RunTimedOut']);
  });

  it('records a failed workflow from its close event without waiting on its result', async () => {
    const h = harness(running());
    h.temporal.start(WF, 'ev1');
    h.temporal.close(WF, 'FAILED', 'activity failed: boom (ApplicationFailure)');
    await h.reconciler.reconcile(h.key); // the fake's waitForResult never returns: a wait would hang here
    expect(h.temporal.waits).to.equal(0);
    expect(h.current()?.status?.lastRun).to.deep.include({
      phase: 'Failed',
      failureMessage: 'activity failed: boom (ApplicationFailure)',
    });
    expect(h.watcher.watched.has(h.key)).to.equal(false);
  });

  it('records a completion the run watcher saw without asking Temporal again, then forgets it', async () => {
    const h = harness(requested());
    h.invoker.answer = () => {
      h.temporal.start(WF, 'ev1');
      return { outcome: 'started', workflowId: WF, runId: 'r1' };
    };
    await h.reconciler.reconcile(h.key);
    expect(h.current()?.status?.lastRun?.phase).to.equal('Running');
    h.temporal.close(WF, 'COMPLETED');
    h.clock.t += 40;
    h.watcher.sawComplete(h.key, new Date(h.clock.t), 'ev1');
    h.clock.t += 5;
    h.temporal.calls.length = 0;
    await h.reconciler.reconcile(h.key);
    expect(h.temporal.calls).to.deep.equal([]);
    expect(h.current()?.status?.lastRun).to.deep.include({
      phase: 'Succeeded',
      endTime: new Date(Date.parse(START) + 40).toISOString(),
    });
    expect(h.watcher.completions.size).to.equal(0);
    expect(h.events.recorded.map((e) => e.reason)).to.deep.equal(['RunStarted', 'RunSucceeded']);
  });

  it('looks again at once when a run ends with another run requested (its own write queues nothing)', async () => {
    const obj = running();
    obj.metadata.annotations = { ...obj.metadata.annotations, [ANNOTATION_RUN_REQUESTED_AT]: 'again' };
    const h = harness(obj);
    h.temporal.start(WF, 'ev1');
    h.temporal.close(WF, 'COMPLETED');
    expect(await h.reconciler.reconcile(h.key)).to.deep.equal({ requeueAfterMs: 0 });
    expect(h.current()?.status?.lastRun?.phase).to.equal('Succeeded');
    await h.reconciler.reconcile(h.key);
    expect(h.current()?.status?.lastRun).to.deep.include({
      phase: 'Running',
      trigger: { type: 'Manual', hookType: 'pre-install' },
    });
    expect(h.invoker.calls).to.have.length(1);
  });

  it('adds the finalizer before the first run, in the same pass', async () => {
    const obj = requested();
    obj.metadata.finalizers = [];
    const h = harness(obj);
    await h.reconciler.reconcile(h.key);
    expect(h.current()?.metadata.finalizers).to.deep.equal([FINALIZER]);
    expect(h.current()?.status?.lastRun?.phase).to.equal('Running');
  });

  it('takes the finalizer off once no run is in flight, so an idle intent never waits to be deleted', async () => {
    const obj = requested();
    obj.metadata.finalizers = [];
    const h = harness(obj);
    h.invoker.answer = () => ({ outcome: 'rejected', status: 500, message: 'answered 500' });
    await h.reconciler.reconcile(h.key);
    expect(h.current()?.status?.lastRun?.phase).to.equal('Failed');
    expect(h.current()?.metadata.finalizers).to.deep.equal([]);
  });

  it('leaves an idle intent without a finalizer', async () => {
    const h = harness(running());
    h.temporal.start(WF, 'ev1');
    h.temporal.close(WF, 'COMPLETED');
    await h.reconciler.reconcile(h.key);
    expect(h.current()?.status?.lastRun?.phase).to.equal('Succeeded');
    expect(h.current()?.metadata.finalizers ?? []).to.deep.equal([]);
    await h.reconciler.reconcile(h.key);
    expect(h.current()?.metadata.finalizers ?? []).to.deep.equal([]);
  });

  it('forgets the watch of an intent that is gone', async () => {
    const h = harness(running());
    h.watcher.watch(h.key, { workflowId: WF });
    h.store.objects.clear();
    expect(await h.reconciler.reconcile(h.key)).to.equal(undefined);
    expect(h.watcher.watched.size).to.equal(0);
  });

  describe('deletion', () => {
    const deleted = (annotations: Record<string, string> = {}): TemporalActionIntent => {
      const obj = running();
      obj.metadata.deletionTimestamp = new Date(START);
      obj.metadata.annotations = { ...obj.metadata.annotations, ...annotations };
      return obj;
    };

    it('cancels the run in flight and waits for it within the grace period, then lets go', async () => {
      const h = harness(deleted(), { deletionGraceMs: 10_000 });
      h.temporal.start(WF, 'ev1');
      expect(await h.reconciler.reconcile(h.key)).to.deep.equal({ requeueAfterMs: 5000 });
      expect(h.temporal.calls).to.include(`cancel ${WF}`);
      expect(h.current()?.metadata.finalizers).to.deep.equal([FINALIZER]);
      await h.reconciler.reconcile(h.key);
      expect(h.current()?.metadata.finalizers).to.deep.equal([]);
    });

    it('terminates a run still open after the grace period', async () => {
      const h = harness(deleted(), { deletionGraceMs: 1000 });
      h.temporal.start(WF, 'ev1');
      h.clock.t += 2000;
      await h.reconciler.reconcile(h.key);
      expect(h.temporal.calls).to.include(
        `terminate ${WF}: intent deleted; cancellation grace period passed`,
      );
      expect(h.current()?.metadata.finalizers).to.deep.equal([]);
    });

    it('never stops a workflow that does not carry the run id (someone else’s), and lets go', async () => {
      const h = harness(deleted(), { deletionGraceMs: 10_000 });
      const foreign = h.temporal.start(WF, 'ev1');
      delete foreign.memo;
      await h.reconciler.reconcile(h.key);
      expect(h.temporal.calls.filter((c) => !c.startsWith('describe'))).to.deep.equal([]);
      expect(h.temporal.workflows.get(WF)?.status).to.equal('RUNNING');
      expect(h.current()?.metadata.finalizers).to.deep.equal([]);
    });

    it('stops a later run of the chain whose first run carries the run id', async () => {
      const h = harness(deleted(), { deletionGraceMs: 10_000 });
      const later = h.temporal.start(WF, 'ev1', 'r1');
      delete later.memo;
      later.firstRunId = 'r0';
      const origin = { ...later, runId: 'r0', memo: { [RUN_ID_MEMO_KEY]: 'ev1' } };
      const describe = h.temporal.describe.bind(h.temporal);
      h.temporal.describe = (ref) =>
        ref.runId === 'r0' ? Promise.resolve({ ...origin, status: 'CONTINUED_AS_NEW' }) : describe(ref);
      await h.reconciler.reconcile(h.key);
      expect(h.temporal.calls).to.include(`cancel ${WF}`);
    });

    it('lets an intent with the skip-cleanup annotation go without touching its workflow', async () => {
      const h = harness(deleted({ [ANNOTATION_SKIP_CLEANUP]: 'true' }));
      h.temporal.start(WF, 'ev1');
      await h.reconciler.reconcile(h.key);
      expect(h.temporal.calls).to.deep.equal([]);
      expect(h.current()?.metadata.finalizers).to.deep.equal([]);
    });
  });
});
