// The executor over fakes: which actions run before the status write, which after, and that the
// status is written only when it changed.
import { expect } from 'chai';
import type { Run, TaiStatus } from '../../../../common/model/types.js';
import { Executor } from '../../../../operator/controller/executor.js';
import type { Step } from '../../../../operator/controller/step.js';
import { StoreError } from '../../../../operator/ports.js';
import { intent } from '../../../support/builders.js';
import { recordingLogger } from '../fakes.js';
import { FakeStore } from '../rest/fakes.js';
import { FakeEvents, FakeInvoker, FakeTemporal, FakeWatcher } from './harness.js';

const run: Run = {
  id: 'ev1',
  trigger: { type: 'Lifecycle', hookType: 'pre-install' },
  workflowId: 'wf',
  phase: 'Pending',
  blocking: true,
  startTime: '2026-11-26T12:00:00Z',
  attempt: 1,
};

function setup() {
  const store = new FakeStore();
  const obj = intent();
  store.objects.set('default/intent1', structuredClone(obj));
  const order: string[] = [];
  const temporal = new FakeTemporal(() => new Date());
  const invoker = new FakeInvoker(() => store.cached('default', 'intent1'));
  const events = new FakeEvents();
  const watcher = new FakeWatcher();
  const writeStatus = store.replaceStatus.bind(store);
  store.replaceStatus = (o) => {
    order.push('write');
    return writeStatus(o);
  };
  const cancel = temporal.cancel.bind(temporal);
  temporal.cancel = (ref) => {
    order.push('cancel');
    return cancel(ref);
  };
  invoker.answer = () => {
    order.push('invoke');
    return { outcome: 'started', runId: 'r1' };
  };
  const executor = new Executor({ store, temporal, invoker, events, watcher });
  return {
    store,
    obj: store.cached('default', 'intent1')!,
    order,
    temporal,
    invoker,
    events,
    watcher,
    executor,
  };
}

const log = recordingLogger().logger;

describe('Executor', () => {
  it('stops a workflow before the status write and invokes after it', async () => {
    const s = setup();
    const status: TaiStatus = { lastRun: run };
    const step: Step = {
      status,
      actions: [
        { type: 'invoke', run },
        { type: 'cancel', ref: { workflowId: 'old' } },
        { type: 'watch', ref: { workflowId: 'wf', runId: 'r1' } },
        { type: 'event', event: { type: 'Normal', reason: 'RunStarted', message: 'm' }, run },
      ],
    };
    const done = await s.executor.execute('default/intent1', s.obj, step, log);
    expect(s.order).to.deep.equal(['cancel', 'write', 'invoke']);
    expect(done.invoked).to.deep.equal({ outcome: 'started', runId: 'r1' });
    expect(done.intent.status?.lastRun?.phase).to.equal('Pending');
    expect(s.watcher.watched.get('default/intent1')).to.deep.equal({ workflowId: 'wf', runId: 'r1' });
    expect(s.events.recorded).to.deep.equal([{ type: 'Normal', reason: 'RunStarted', message: 'm' }]);
  });

  it('writes nothing when the status did not change', async () => {
    const s = setup();
    const done = await s.executor.execute(
      'default/intent1',
      s.obj,
      { status: s.obj.status ?? {}, actions: [] },
      log,
    );
    expect(s.order).to.deep.equal([]);
    expect(done.intent).to.equal(s.obj);
  });

  it('does not invoke when the status write fails: an unrecorded start never happens', async () => {
    const s = setup();
    s.store.failNext = new StoreError('Conflict', 'stale');
    const step: Step = { status: { lastRun: run }, actions: [{ type: 'invoke', run }] };
    let thrown: unknown;
    await s.executor.execute('default/intent1', s.obj, step, log).catch((err: unknown) => (thrown = err));
    expect(thrown).to.be.instanceOf(StoreError);
    expect(s.invoker.calls).to.have.length(0);
  });

  it('once the leader’s term ended, neither cancels, writes nor invokes', async () => {
    const s = setup();
    const term = new AbortController();
    term.abort(new Error('leadership ended'));
    const step: Step = {
      status: { lastRun: run },
      actions: [
        { type: 'cancel', ref: { workflowId: 'old' } },
        { type: 'invoke', run },
      ],
    };
    let thrown: unknown;
    await s.executor
      .execute('default/intent1', s.obj, step, log, term.signal)
      .catch((err: unknown) => (thrown = err));
    expect((thrown as Error | undefined)?.message).to.equal('leadership ended');
    expect(s.order).to.deep.equal([]);
  });

  it('a term that ends during the status write stops the invoke after it', async () => {
    const s = setup();
    const term = new AbortController();
    const write = s.store.replaceStatus.bind(s.store);
    s.store.replaceStatus = (o) => {
      term.abort(new Error('leadership ended'));
      return write(o);
    };
    const step: Step = { status: { lastRun: run }, actions: [{ type: 'invoke', run }] };
    let thrown: unknown;
    await s.executor
      .execute('default/intent1', s.obj, step, log, term.signal)
      .catch((err: unknown) => (thrown = err));
    expect(thrown).to.be.instanceOf(Error);
    expect(s.order).to.deep.equal(['write']);
  });

  it('forgets the watch and never fails on an Event that cannot be written', async () => {
    const s = setup();
    s.watcher.watch('default/intent1', { workflowId: 'wf' });
    s.events.record = () => Promise.reject(new Error('events are forbidden'));
    const step: Step = {
      status: s.obj.status ?? {},
      actions: [
        { type: 'forget' },
        { type: 'event', event: { type: 'Warning', reason: 'RunFailed', message: 'x' }, run },
      ],
    };
    await s.executor.execute('default/intent1', s.obj, step, log);
    expect(s.watcher.watched.size).to.equal(0);
  });
});
