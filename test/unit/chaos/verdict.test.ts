// The chaos suite's judgement: what counts as a lost run, a duplicated execution, a wrong outcome
// and an unanswered event, from hand-made observations of events, intents and executions.
import { expect } from 'chai';
import {
  judgeEvent,
  tally,
  type EventObservation,
  type Execution,
  type IntentObservation,
} from '../../../chaos/verdict.js';
import { planEvents, type EventAnswer, type PlannedEvent } from '../../../chaos/workload.js';

const [okEvent, , , failEvent] = planEvents({
  fault: 'f',
  count: 4,
  blockingWorkflow: 'sleep',
  sleep: '1s',
  failEvery: 4,
}) as [PlannedEvent, PlannedEvent, PlannedEvent, PlannedEvent];

function exec(status: string, runId = 'r1'): Execution {
  return { workflowId: 'wf', runId, status };
}

function answer(succeeded: boolean, intents: EventAnswer['intents']): EventAnswer {
  return { httpStatus: succeeded ? 200 : 424, succeeded, intents, at: 0, attempts: 1 };
}

function observe(
  plan: PlannedEvent,
  a: EventAnswer | undefined,
  intents: Array<Omit<IntentObservation, 'exists'>>,
  executions: Record<string, Execution[]>,
): EventObservation {
  return {
    fired: { plan, firedAt: 0, ...(a !== undefined ? { answer: a } : { error: 'socket hang up' }) },
    intents: new Map(intents.map((i) => [i.name, { exists: true, ...i }])),
    executions: new Map(Object.entries(executions)),
  };
}

const [blocking, nonBlocking] = okEvent.intents.map((i) => i.name) as [string, string];
const id = okEvent.eventId;

function healthyOk(): EventObservation {
  return observe(
    okEvent,
    answer(true, [
      { resourceName: blocking, phase: 'Succeeded', runId: 'r1' },
      { resourceName: nonBlocking, phase: 'Succeeded', runId: 'r2' },
    ]),
    [
      { name: blocking, requestId: id, run: { id, phase: 'Succeeded', runId: 'r1' } },
      { name: nonBlocking, requestId: id, run: { id, phase: 'Succeeded', runId: 'r2' } },
    ],
    { [blocking]: [exec('COMPLETED')], [nonBlocking]: [exec('COMPLETED', 'r2')] },
  );
}

describe('chaos verdict', () => {
  it('finds nothing in an event whose answer, status and Temporal agree', () => {
    expect(judgeEvent(healthyOk())).to.deep.equal([]);
  });

  it('plans every fourth event to fail, with a blocking fail workflow first', () => {
    expect(failEvent.kind).to.equal('fails');
    expect(failEvent.intents[0]).to.deep.include({ blocking: true, workflow: 'fail' });
    expect(okEvent.intents.map((i) => i.blocking)).to.deep.equal([true, false]);
  });

  it('counts a requested run that status never records as lost', () => {
    const o = healthyOk();
    o.intents.set(blocking, { name: blocking, exists: true, requestId: id });
    const findings = judgeEvent(o);
    expect(findings.map((f) => f.what)).to.include('lost');
    expect(findings.find((f) => f.what === 'lost')?.detail).to.match(
      /never recorded in status \(Temporal: completed\)/,
    );
  });

  it('counts a run still Running in status after settling as lost', () => {
    const o = healthyOk();
    o.intents.set(blocking, {
      name: blocking,
      exists: true,
      requestId: id,
      run: { id, phase: 'Running', runId: 'r1' },
    });
    expect(judgeEvent(o).filter((f) => f.what === 'lost')).to.have.length(1);
  });

  it('counts two executions of one run as duplicated', () => {
    const o = healthyOk();
    o.executions.set(blocking, [exec('COMPLETED'), exec('COMPLETED', 'r9')]);
    const dup = judgeEvent(o).filter((f) => f.what === 'duplicated');
    expect(dup).to.have.length(1);
    expect(dup[0]?.detail).to.match(/^2 executions/);
  });

  it('counts an answer of Succeeded for a workflow Temporal failed as wrong', () => {
    const o = healthyOk();
    o.executions.set(blocking, [exec('FAILED')]);
    const wrong = judgeEvent(o).filter((f) => f.what === 'wrong');
    expect(wrong.map((f) => f.detail)).to.include('answer says Succeeded but Temporal says failed');
  });

  it('counts a start failure in the answer and status as wrong when Temporal ran the workflow', () => {
    const o = observe(
      okEvent,
      answer(false, [
        {
          resourceName: blocking,
          phase: 'Failed',
          message: 'workflow client unreachable: no answer within 3000 ms',
        },
        { resourceName: nonBlocking, phase: 'Skipped' },
      ]),
      [{ name: blocking, requestId: id, run: { id, phase: 'Failed' } }, { name: nonBlocking }],
      { [blocking]: [exec('COMPLETED')] },
    );
    const wrong = judgeEvent(o).filter((f) => f.what === 'wrong');
    expect(wrong).to.have.length(2);
    expect(wrong[0]?.detail).to.equal(
      'answer says Failed without starting a workflow, but Temporal has an execution (completed)',
    );
    expect(wrong[1]?.detail).to.match(/^status says Failed/);
  });

  it('accepts an honest start failure (nothing on Temporal) and a skipped intent', () => {
    const o = observe(
      okEvent,
      answer(false, [
        { resourceName: blocking, phase: 'Failed', message: 'connection refused' },
        { resourceName: nonBlocking, phase: 'Skipped' },
      ]),
      [{ name: blocking, requestId: id, run: { id, phase: 'Failed' } }, { name: nonBlocking }],
      {},
    );
    expect(judgeEvent(o)).to.deep.equal([]);
  });

  it('accepts a non-blocking intent answered as started while its workflow still runs', () => {
    const o = healthyOk();
    o.executions.set(nonBlocking, [exec('RUNNING', 'r2')]);
    o.intents.set(nonBlocking, {
      name: nonBlocking,
      exists: true,
      requestId: id,
      run: { id, phase: 'Succeeded', runId: 'r2' },
    });
    // status says Succeeded while Temporal still runs: that is wrong, the answer is not.
    const wrong = judgeEvent(o).filter((f) => f.what === 'wrong');
    expect(wrong.map((f) => f.detail)).to.deep.equal(['status says Succeeded but Temporal says running']);
  });

  it('counts an event without an answer as unanswered, with the last error', () => {
    const o = observe(okEvent, undefined, [], {});
    expect(judgeEvent(o)).to.deep.equal([{ eventId: id, what: 'unanswered', detail: 'socket hang up' }]);
  });

  it('tallies events, events failed by the fault, and every kind of finding', () => {
    const failedByFault = observe(
      okEvent,
      answer(false, [{ resourceName: blocking, phase: 'Failed' }]),
      [{ name: blocking }],
      {},
    );
    const t = tally([healthyOk(), failedByFault, observe(okEvent, undefined, [], {})]);
    expect(t).to.deep.include({
      events: 3,
      failedEvents: 1,
      lost: 0,
      duplicated: 0,
      wrong: 0,
      unanswered: 1,
    });
  });
});
