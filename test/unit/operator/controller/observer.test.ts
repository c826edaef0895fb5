import { expect } from 'chai';
import type { Run, TemporalActionIntent } from '../../../../common/model/types.js';
import { Observer } from '../../../../operator/controller/observer.js';
import { intent } from '../../../support/builders.js';
import { FakeTemporal } from './harness.js';

const now = new Date('2026-11-26T12:00:00Z');

function withRun(extra: Partial<Run>): TemporalActionIntent {
  const obj = intent();
  obj.status = {
    lastRun: { id: 'ev1', trigger: { type: 'Lifecycle' }, workflowId: 'wf', phase: 'Running', ...extra },
  };
  return obj;
}

describe('Observer', () => {
  it('asks Temporal nothing without a run in flight, or when the spec cannot run', async () => {
    const temporal = new FakeTemporal(() => now);
    const observer = new Observer(temporal, ['only.example']);
    expect(await observer.observe(intent(), now)).to.deep.equal({ now });
    expect(await observer.observe(withRun({ phase: 'Succeeded' }), now)).to.deep.equal({ now });
    expect(await observer.observe(withRun({ runId: 'r1' }), now)).to.deep.equal({ now });
    expect(temporal.calls).to.deep.equal([]);
  });

  it('looks a Pending run up by its workflow id alone, with the run id from the memo', async () => {
    const temporal = new FakeTemporal(() => now);
    temporal.start('wf', 'ev1', 'r9');
    const observed = await new Observer(temporal, ['127.0.0.1']).observe(withRun({ phase: 'Pending' }), now);
    expect(observed.workflow).to.deep.equal({ runId: 'r9', status: 'RUNNING', tacRunId: 'ev1' });
    expect(
      await new Observer(new FakeTemporal(() => now), ['127.0.0.1']).observe(
        withRun({ phase: 'Pending' }),
        now,
      ),
    ).to.deep.equal({
      now,
      workflow: null,
    });
  });

  it("reads a closed run's failure from its close event, and the latest run after continue-as-new", async () => {
    const temporal = new FakeTemporal(() => now);
    temporal.start('wf', 'ev1', 'r1');
    temporal.close('wf', 'FAILED', 'boom');
    const failed = await new Observer(temporal, ['127.0.0.1']).observe(withRun({ runId: 'r1' }), now);
    expect(failed.workflow).to.deep.include({ status: 'FAILED', failureMessage: 'boom', closeTime: now });
    temporal.close('wf', 'CONTINUED_AS_NEW');
    const continued = await new Observer(temporal, ['127.0.0.1']).observe(withRun({ runId: 'r1' }), now);
    expect(continued.latest).to.deep.include({ runId: 'r1' });
    temporal.calls.length = 0;
    temporal.close('wf', 'COMPLETED');
    await new Observer(temporal, ['127.0.0.1']).observe(withRun({ runId: 'r1' }), now);
    expect(temporal.calls).to.deep.equal(['describe wf']);
  });

  it('takes the completion the run watcher saw instead of describing the run', async () => {
    const temporal = new FakeTemporal(() => now);
    temporal.start('wf', 'ev1', 'r1');
    const seenAt = new Date('2026-11-26T11:59:59Z');
    const asked: string[] = [];
    const watched = {
      completed(key: string, ref: { workflowId: string; runId?: string }) {
        asked.push(`${key} ${ref.workflowId}/${ref.runId ?? ''}`);
        return ref.runId === 'r1' ? { workflowId: 'wf', runId: 'r1', seenAt } : undefined;
      },
    };
    const observer = new Observer(temporal, ['127.0.0.1'], watched);
    const obj = withRun({ runId: 'r1' });
    expect(await observer.observe(obj, now)).to.deep.equal({
      now,
      completed: { workflowId: 'wf', runId: 'r1', seenAt },
    });
    expect(temporal.calls).to.deep.equal([]);
    expect(asked).to.deep.equal([`${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''} wf/r1`]);
    // Another run, a Pending run, a run without its run id: Temporal is asked as before.
    await observer.observe(withRun({ runId: 'r2' }), now);
    await observer.observe(withRun({ phase: 'Pending' }), now);
    await observer.observe(withRun({}), now);
    expect(temporal.calls).to.deep.equal(['describe wf', 'describe wf', 'describe wf']);
  });
});
