// The chaos workload: events named per fault, intents as the operator and EMCO expect them, and
// only a finished outcome taken as an answer.
import { expect } from 'chai';
import { answerOf, intentObject, lifecycleUrl, planEvents } from '../../../chaos/workload.js';

describe('chaos workload', () => {
  const [event] = planEvents({
    fault: 'leader-kill',
    count: 1,
    blockingWorkflow: 'sleep',
    sleep: '2s',
    failEvery: 4,
    from: 8,
  });

  it('gives each event a DIG and an event id of its own, numbered from `from`', () => {
    expect(event).to.deep.include({
      dig: 'leader-kill-008',
      eventId: 'leader-kill-008-ev',
      kind: 'succeeds',
    });
    expect(event?.intents.map((i) => i.name)).to.deep.equal(['leader-kill-008-0', 'leader-kill-008-1']);
  });

  it('builds a blocking sleep intent pointed at the workflow client link', () => {
    if (event === undefined) throw new Error('no event');
    const [blocking] = event.intents;
    if (blocking === undefined) throw new Error('no intent');
    const obj = intentObject(event, blocking, 'leader-kill', 4242, '2s');
    expect(obj.metadata.labels).to.deep.equal({ 'chaos.tac.emco.io/fault': 'leader-kill' });
    expect(obj.spec).to.deep.include({
      deploymentIntentGroup: 'leader-kill-008',
      hookBlocking: true,
      hookType: 'pre-install',
    });
    expect(obj.spec.workflowClient).to.deep.equal({
      clientEndpointName: '127.0.0.1',
      clientEndpointPort: 4242,
    });
    expect(obj.spec.temporal?.workflowStartOptions?.taskQueue).to.equal('sleep');
    expect(obj.spec.temporal?.workflowParams?.activityParams).to.deep.equal({ sleep: { duration: '2s' } });
    expect(lifecycleUrl('http://127.0.0.1:1', 'd')).to.equal(
      'http://127.0.0.1:1/tac/v1/projects/chaos/composite-apps/app/v1/deployment-intent-groups/d/lifecycle-events',
    );
  });

  it('takes Succeeded and Failed outcomes as answers, and a running event as none', () => {
    expect(answerOf(202, { state: 'Running' }, 1, 1)).to.equal(undefined);
    const a = answerOf(
      424,
      { state: 'Failed', succeeded: false, intents: [{ resourceName: 'x', phase: 'Failed', message: 'm' }] },
      5,
      2,
    );
    expect(a).to.deep.equal({
      httpStatus: 424,
      succeeded: false,
      at: 5,
      attempts: 2,
      intents: [{ resourceName: 'x', phase: 'Failed', message: 'm' }],
    });
  });
});
