// The planner as a table: every run phase against every observation it can meet, one row each.
import { expect } from 'chai';
import {
  ANNOTATION_RUN_REQUEST,
  ANNOTATION_RUN_REQUESTED_AT,
} from '../../../../common/domain/annotations.js';
import type { RunPhase } from '../../../../common/domain/runs.js';
import type { Run, TemporalActionIntent } from '../../../../common/model/types.js';
import {
  CLOCK_SKEW_MS,
  FOLLOW_RESYNC_MS,
  START_RECHECK_MS,
  planStep,
} from '../../../../operator/controller/planner.js';
import type {
  Action,
  Observation,
  PlannerConfig,
  SeenWorkflow,
  Step,
} from '../../../../operator/controller/step.js';
import { intent as buildIntent, type IntentFixture } from '../../../support/builders.js';

const T0 = Date.parse('2026-11-26T12:00:00Z');
const at = (seconds: number): Date => new Date(T0 + seconds * 1000);
const WF = 'tac-default-intent1-ev1';

const config: PlannerConfig = {
  defaultBlockingTimeoutMs: 600_000,
  timeoutPolicy: 'cancel',
  allowedEndpoints: ['127.0.0.1'],
  startLookupMs: 30_000,
  maxStartAttempts: 3,
  uiLink: (ref) => `http://ui/${ref.workflowId}/${ref.runId ?? ''}`,
};

function run(phase: RunPhase, extra: Partial<Run> = {}): Run {
  return {
    id: 'ev1',
    trigger: { type: 'Lifecycle', hookType: 'pre-install', eventId: 'ev1' },
    workflowId: WF,
    phase,
    blocking: true,
    startTime: at(0).toISOString(),
    attempt: 1,
    ...(phase !== 'Pending' ? { runId: 'r1' } : {}),
    ...extra,
  };
}

const request = {
  [ANNOTATION_RUN_REQUEST]: JSON.stringify({
    id: 'ev1',
    hookType: 'pre-install',
    eventId: 'ev1',
    requestedAt: at(0).toISOString(),
  }),
};

function intentWith(lastRun: Run | undefined, f: IntentFixture = {}): TemporalActionIntent {
  const obj = buildIntent({ annotations: request, timeout: 60, ...f });
  if (lastRun !== undefined) obj.status = { lastRun };
  return obj;
}

function seen(status: SeenWorkflow['status'], extra: Partial<SeenWorkflow> = {}): SeenWorkflow {
  return { runId: 'r1', status, tacRunId: 'ev1', ...extra };
}

const types = (step: Step): string[] => step.actions.map((a) => a.type);
const eventReason = (step: Step): string | undefined =>
  step.actions.find((a): a is Extract<Action, { type: 'event' }> => a.type === 'event')?.event.reason;

interface Row {
  name: string;
  intent: TemporalActionIntent;
  observed: Observation;
  config?: Partial<PlannerConfig>;
  phase: RunPhase | undefined;
  actions: string[];
  requeue?: number | undefined;
  event?: string;
  check?: (step: Step) => void;
}

const rows: Row[] = [
  // No run in flight
  {
    name: 'no request, no run: nothing to do',
    intent: buildIntent(),
    observed: { now: at(0) },
    phase: undefined,
    actions: [],
    requeue: undefined,
  },
  {
    name: 'a new lifecycle request: Pending (attempt 1), recorded before the invoke',
    intent: intentWith(undefined),
    observed: { now: at(0) },
    phase: 'Pending',
    actions: ['invoke'],
    requeue: START_RECHECK_MS,
    check: (s) => expect(s.status.lastRun).to.deep.include({ attempt: 1, workflowId: WF }),
  },
  {
    name: 'a new manual re-run request: Pending, the request recorded as handled',
    intent: buildIntent({ annotations: { [ANNOTATION_RUN_REQUESTED_AT]: 'now' } }),
    observed: { now: at(0) },
    phase: 'Pending',
    actions: ['invoke'],
    requeue: START_RECHECK_MS,
    check: (s) => expect(s.status.lastHandledRunRequest).to.equal('now'),
  },
  {
    name: 'a new request of an intent that cannot run: Failed at once, no invoke',
    intent: intentWith(undefined, { clientName: '' }),
    observed: { now: at(0) },
    phase: 'Failed',
    actions: ['event'],
    event: 'RunFailed',
    check: (s) => expect(s.status.lastRun?.failureMessage).to.match(/workflowClientName is required/),
  },
  ...(['Succeeded', 'Failed', 'TimedOut', 'Cancelled', 'Terminated'] as const).map((phase): Row => ({
    name: `a ${phase} run and no new request: nothing to do`,
    intent: intentWith(run(phase, { endTime: at(5).toISOString() })),
    observed: { now: at(100) },
    phase,
    actions: [],
    requeue: undefined,
  })),
  {
    name: 'a finished run and a new request: the new run starts, the old one goes to history',
    intent: (() => {
      const obj = intentWith(run('Succeeded', { id: 'ev0' }));
      return obj;
    })(),
    observed: { now: at(0) },
    phase: 'Pending',
    actions: ['invoke'],
    requeue: START_RECHECK_MS,
    check: (s) => expect(s.status.history?.map((r) => r.id)).to.deep.equal(['ev0']),
  },
  // Pending, with the invoke's answer
  {
    name: 'Pending, invoke answered 204 with a run id: Running, watched, started Event',
    intent: intentWith(run('Pending')),
    observed: { now: at(1), invoke: { outcome: 'started', workflowId: WF, runId: 'r1' } },
    phase: 'Running',
    actions: ['watch', 'event'],
    requeue: 59_050,
    event: 'RunStarted',
    check: (s) => expect(s.status.lastRun?.temporalUiUrl).to.equal(`http://ui/${WF}/r1`),
  },
  {
    name: 'Pending, invoke answered 204 without a run id: Running, run id read next time',
    intent: intentWith(run('Pending')),
    observed: { now: at(1), invoke: { outcome: 'started' } },
    phase: 'Running',
    actions: ['event'],
    requeue: START_RECHECK_MS,
    event: 'RunStarted',
  },
  {
    name: 'Pending, invoke rejected: Failed with the client answer',
    intent: intentWith(run('Pending')),
    observed: { now: at(1), invoke: { outcome: 'rejected', status: 400, message: 'answered 400: bad' } },
    phase: 'Failed',
    actions: ['event'],
    event: 'RunFailed',
    check: (s) => expect(s.status.lastRun?.failureMessage).to.equal('answered 400: bad'),
  },
  {
    name: 'Pending, invoke got no answer: still Pending (start unknown), looked up again, no second invoke',
    intent: intentWith(run('Pending')),
    observed: { now: at(1), invoke: { outcome: 'unknown', message: 'no answer within 300 ms' } },
    phase: 'Pending',
    actions: [],
    requeue: START_RECHECK_MS,
    check: (s) =>
      expect(s.status.lastRun?.failureMessage).to.equal(
        `start not confirmed (no answer within 300 ms); looking up workflow ${WF}`,
      ),
  },
  // Pending, looked up on Temporal
  {
    name: 'Pending, the workflow carrying the run id exists: attached as Running',
    intent: intentWith(run('Pending', { failureMessage: 'start not confirmed' })),
    observed: { now: at(5), workflow: seen('RUNNING', { runId: 'r9' }) },
    phase: 'Running',
    actions: ['watch', 'event'],
    requeue: 55_050,
    event: 'RunStarted',
    check: (s) => {
      expect(s.status.lastRun?.runId).to.equal('r9');
      expect(s.status.lastRun?.failureMessage).to.equal(undefined);
    },
  },
  {
    name: 'Pending, the workflow carrying the run id already closed: attached, closed on the next look',
    intent: intentWith(run('Pending')),
    observed: { now: at(5), workflow: seen('COMPLETED') },
    phase: 'Running',
    actions: ['watch', 'event'],
    requeue: 55_050,
    event: 'RunStarted',
  },
  {
    name: 'Pending, a workflow of another run has the id, within the lookup time: wait',
    intent: intentWith(run('Pending')),
    observed: { now: at(5), workflow: seen('RUNNING', { tacRunId: 'other' }) },
    phase: 'Pending',
    actions: [],
    requeue: START_RECHECK_MS,
  },
  {
    name: 'Pending, no workflow yet, within the lookup time: wait, never invoke again blindly',
    intent: intentWith(run('Pending')),
    observed: { now: at(29.5), workflow: null },
    phase: 'Pending',
    actions: [],
    requeue: 500,
  },
  {
    name: 'Pending, no workflow after the lookup time: nothing started, so invoke again (attempt 2)',
    intent: intentWith(run('Pending')),
    observed: { now: at(30), workflow: null },
    phase: 'Pending',
    actions: ['invoke'],
    requeue: START_RECHECK_MS,
    check: (s) => {
      expect(s.status.lastRun?.attempt).to.equal(2);
      const invoke = s.actions[0];
      expect(invoke?.type === 'invoke' && invoke.run.attempt).to.equal(2);
    },
  },
  {
    name: 'Pending, attempt 2 waits twice the lookup time from the start',
    intent: intentWith(run('Pending', { attempt: 2 })),
    observed: { now: at(45), workflow: null },
    phase: 'Pending',
    actions: [],
    requeue: START_RECHECK_MS,
  },
  {
    name: 'Pending, no workflow after the last attempt: Failed',
    intent: intentWith(run('Pending', { attempt: 3, failureMessage: 'start not confirmed (x)' })),
    observed: { now: at(90), workflow: null },
    phase: 'Failed',
    actions: ['event'],
    event: 'RunFailed',
    check: (s) =>
      expect(s.status.lastRun?.failureMessage).to.equal(
        `no workflow ${WF} carrying run ev1 appeared on Temporal after 3 start attempt(s) (start not confirmed (x))`,
      ),
  },
  {
    name: 'Pending, the spec can no longer run: Failed, watch dropped',
    intent: intentWith(run('Pending'), { clientName: '' }),
    observed: { now: at(1) },
    phase: 'Failed',
    actions: ['forget', 'event'],
    event: 'RunFailed',
  },
  // Running
  {
    name: 'Running and open before the deadline: watched, looked at again by the deadline',
    intent: intentWith(run('Running')),
    observed: { now: at(10), workflow: seen('RUNNING') },
    phase: 'Running',
    actions: ['watch'],
    requeue: 50_050,
  },
  {
    name: 'Running, non-blocking: watched, re-checked at the resync interval',
    intent: intentWith(run('Running', { blocking: false }), { blocking: false }),
    observed: { now: at(10), workflow: seen('RUNNING') },
    phase: 'Running',
    actions: ['watch'],
    requeue: FOLLOW_RESYNC_MS,
  },
  {
    name: 'Running without a run id yet: the run id recorded from Temporal',
    intent: intentWith(run('Running', { runId: undefined })),
    observed: { now: at(10), workflow: seen('RUNNING', { runId: 'r7' }) },
    phase: 'Running',
    actions: ['watch'],
    requeue: 50_050,
    check: (s) => expect(s.status.lastRun?.runId).to.equal('r7'),
  },
  {
    name: 'Running, not asked (nothing observed): unchanged',
    intent: intentWith(run('Running')),
    observed: { now: at(10) },
    phase: 'Running',
    actions: [],
    requeue: 50_050,
  },
  {
    name: 'Running past the deadline, policy cancel: cancelled (before the write) and TimedOut',
    intent: intentWith(run('Running')),
    observed: { now: at(60), workflow: seen('RUNNING') },
    phase: 'TimedOut',
    actions: ['cancel', 'forget', 'event'],
    event: 'RunTimedOut',
    check: (s) =>
      expect(s.status.lastRun?.failureMessage).to.equal(
        `hookBlockingTimeout 60 passed before workflow ${WF} finished; workflow cancelled`,
      ),
  },
  {
    name: 'Running past the deadline, policy terminate: terminated and TimedOut',
    intent: intentWith(run('Running')),
    observed: { now: at(61), workflow: seen('RUNNING') },
    config: { timeoutPolicy: 'terminate' },
    phase: 'TimedOut',
    actions: ['terminate', 'forget', 'event'],
    event: 'RunTimedOut',
  },
  {
    name: 'Running, gone from Temporal: Failed (not found)',
    intent: intentWith(run('Running')),
    observed: { now: at(10), workflow: null },
    phase: 'Failed',
    actions: ['forget', 'event'],
    event: 'RunFailed',
    check: (s) =>
      expect(s.status.lastRun?.failureMessage).to.equal(`workflow ${WF} (run r1) not found on Temporal`),
  },
  {
    name: 'Running, completed: Succeeded at the close time',
    intent: intentWith(run('Running')),
    observed: { now: at(20), workflow: seen('COMPLETED', { closeTime: at(12) }) },
    phase: 'Succeeded',
    actions: ['forget', 'event'],
    event: 'RunSucceeded',
    check: (s) => expect(s.status.lastRun?.endTime).to.equal(at(12).toISOString()),
  },
  {
    name: 'Running, the run watcher saw it complete: Succeeded when it was seen, Temporal not asked again',
    intent: intentWith(run('Running')),
    observed: { now: at(20), completed: { workflowId: WF, runId: 'r1', seenAt: at(12), tacRunId: 'ev1' } },
    phase: 'Succeeded',
    actions: ['forget', 'event'],
    event: 'RunSucceeded',
    check: (s) => expect(s.status.lastRun?.endTime).to.equal(at(12).toISOString()),
  },
  {
    name: 'Running, the run watcher saw a workflow without this run id complete: Failed, not Succeeded',
    intent: intentWith(run('Running')),
    observed: { now: at(20), completed: { workflowId: WF, runId: 'r1', seenAt: at(12) } },
    phase: 'Failed',
    actions: ['forget', 'event'],
    event: 'RunFailed',
    check: (s) => expect(s.status.lastRun?.failureMessage).to.match(/was not started for this run/),
  },
  {
    name: 'Running, a completion the watcher saw of another run: not this run, followed as before',
    intent: intentWith(run('Running')),
    observed: { now: at(20), completed: { workflowId: WF, runId: 'r0', seenAt: at(12) } },
    phase: 'Running',
    actions: [],
    requeue: 40_050,
  },
  {
    name: 'Running, what Temporal shows wins over a completion the watcher saw',
    intent: intentWith(run('Running')),
    observed: {
      now: at(20),
      workflow: seen('FAILED', { closeTime: at(11), failureMessage: 'boom (Error)' }),
      completed: { workflowId: WF, runId: 'r1', seenAt: at(12), tacRunId: 'ev1' },
    },
    phase: 'Failed',
    actions: ['forget', 'event'],
    event: 'RunFailed',
  },
  {
    name: 'Running, failed: Failed with Temporal failure message',
    intent: intentWith(run('Running')),
    observed: {
      now: at(20),
      workflow: seen('FAILED', { closeTime: at(12), failureMessage: 'boom (Error)' }),
    },
    phase: 'Failed',
    actions: ['forget', 'event'],
    event: 'RunFailed',
    check: (s) => expect(s.status.lastRun?.failureMessage).to.equal('boom (Error)'),
  },
  {
    name: 'Running, cancelled by someone before the deadline: Cancelled',
    intent: intentWith(run('Running')),
    observed: {
      now: at(20),
      workflow: seen('CANCELLED', { closeTime: at(12), failureMessage: 'workflow cancelled' }),
    },
    phase: 'Cancelled',
    actions: ['forget', 'event'],
    event: 'RunCancelled',
  },
  {
    name: 'Running, cancelled at the deadline (the TimedOut write was lost): still TimedOut',
    intent: intentWith(run('Running')),
    observed: {
      now: at(61),
      workflow: seen('CANCELLED', { closeTime: at(60), failureMessage: 'workflow cancelled' }),
    },
    phase: 'TimedOut',
    actions: ['forget', 'event'],
    event: 'RunTimedOut',
    check: (s) =>
      expect(s.status.lastRun?.failureMessage).to.equal(
        `hookBlockingTimeout 60 passed before workflow ${WF} finished; workflow cancelled`,
      ),
  },
  {
    name: 'Running, cancelled within the clock skew of the deadline: TimedOut',
    intent: intentWith(run('Running')),
    observed: {
      now: at(61),
      workflow: seen('CANCELLED', { closeTime: new Date(T0 + 60_000 - CLOCK_SKEW_MS) }),
    },
    phase: 'TimedOut',
    actions: ['forget', 'event'],
    event: 'RunTimedOut',
  },
  {
    name: 'Running, terminated after the deadline: TimedOut (terminated)',
    intent: intentWith(run('Running')),
    observed: { now: at(70), workflow: seen('TERMINATED', { closeTime: at(65) }) },
    phase: 'TimedOut',
    actions: ['forget', 'event'],
    event: 'RunTimedOut',
    check: (s) => expect(s.status.lastRun?.failureMessage).to.match(/; workflow terminated$/),
  },
  {
    name: 'Running, non-blocking and cancelled late: Cancelled (no deadline)',
    intent: intentWith(run('Running', { blocking: false }), { blocking: false }),
    observed: { now: at(700), workflow: seen('CANCELLED', { closeTime: at(650) }) },
    phase: 'Cancelled',
    actions: ['forget', 'event'],
    event: 'RunCancelled',
  },
  {
    name: 'Running, terminated before the deadline: Terminated',
    intent: intentWith(run('Running')),
    observed: {
      now: at(20),
      workflow: seen('TERMINATED', { closeTime: at(12), failureMessage: 'workflow terminated: by hand' }),
    },
    phase: 'Terminated',
    actions: ['forget', 'event'],
    event: 'RunTerminated',
  },
  {
    name: 'Running, timed out on Temporal: TimedOut',
    intent: intentWith(run('Running')),
    observed: {
      now: at(20),
      workflow: seen('TIMED_OUT', { closeTime: at(12), failureMessage: 'workflow timed out' }),
    },
    phase: 'TimedOut',
    actions: ['forget', 'event'],
    event: 'RunTimedOut',
  },
  {
    name: 'Running, continued as new: follows the latest run',
    intent: intentWith(run('Running')),
    observed: {
      now: at(20),
      workflow: seen('CONTINUED_AS_NEW', { closeTime: at(12) }),
      latest: seen('RUNNING', { runId: 'r2' }),
    },
    phase: 'Running',
    actions: ['watch'],
    requeue: 40_050,
    check: (s) => {
      expect(s.status.lastRun?.runId).to.equal('r2');
      expect(s.actions[0]).to.deep.equal({ type: 'watch', ref: { workflowId: WF, runId: 'r2' } });
    },
  },
  {
    name: 'Running, continued as new with no newer run to find: Failed',
    intent: intentWith(run('Running')),
    observed: { now: at(20), workflow: seen('CONTINUED_AS_NEW', { closeTime: at(12) }), latest: null },
    phase: 'Failed',
    actions: ['forget', 'event'],
    event: 'RunFailed',
  },
  {
    name: 'Running, the workflow carries no TAC run id (someone else started it): Failed, never cancelled',
    intent: intentWith(run('Running')),
    observed: { now: at(10), workflow: seen('RUNNING', { tacRunId: undefined }) },
    phase: 'Failed',
    actions: ['forget', 'event'],
    event: 'RunFailed',
    check: (s) =>
      expect(s.status.lastRun?.failureMessage).to.equal(
        `workflow ${WF} (run r1) was not started for this run: its memo carries no TAC run id, not ev1; ` +
          'it is left as it is. Set workflowStartOptions.ID to an id no other workflow uses',
      ),
  },
  {
    name: 'Running, past the deadline, the workflow carries another run id: Failed, not cancelled',
    intent: intentWith(run('Running')),
    observed: { now: at(61), workflow: seen('RUNNING', { tacRunId: 'other' }) },
    phase: 'Failed',
    actions: ['forget', 'event'],
    event: 'RunFailed',
    check: (s) => expect(s.status.lastRun?.failureMessage).to.include('its memo carries TAC run other'),
  },
  {
    name: 'Running, past the deadline with timeoutPolicy terminate, a foreign workflow: not terminated',
    intent: intentWith(run('Running')),
    observed: { now: at(61), workflow: seen('RUNNING', { tacRunId: undefined }) },
    config: { timeoutPolicy: 'terminate' },
    phase: 'Failed',
    actions: ['forget', 'event'],
    event: 'RunFailed',
  },
  {
    name: 'Running without a run id yet (the client did not say), a foreign workflow: Failed, not followed',
    intent: intentWith(run('Running', { runId: undefined })),
    observed: { now: at(2), workflow: seen('RUNNING', { tacRunId: undefined }) },
    phase: 'Failed',
    actions: ['forget', 'event'],
    event: 'RunFailed',
  },
  {
    name: 'Running, a foreign workflow closed as cancelled after the deadline: Failed, not TimedOut',
    intent: intentWith(run('Running')),
    observed: { now: at(70), workflow: seen('CANCELLED', { tacRunId: undefined, closeTime: at(65) }) },
    phase: 'Failed',
    actions: ['forget', 'event'],
    event: 'RunFailed',
  },
  {
    name: 'Running, the spec can no longer run: Failed, watch dropped',
    intent: intentWith(run('Running'), { endpoint: { host: 'evil.example', port: 1 } }),
    observed: { now: at(10), workflow: seen('RUNNING') },
    config: { allowedEndpoints: ['127.0.0.1'] },
    phase: 'Failed',
    actions: ['forget', 'event'],
    event: 'RunFailed',
  },
];

describe('planStep (table)', () => {
  for (const row of rows) {
    it(row.name, () => {
      const step = planStep(row.intent, row.observed, { ...config, ...row.config });
      expect(step.status.lastRun?.phase, 'phase').to.equal(row.phase);
      expect(types(step), 'actions').to.deep.equal(row.actions);
      if ('requeue' in row) expect(step.requeueAfterMs, 'requeue').to.equal(row.requeue);
      expect(eventReason(step), 'event').to.equal(row.event);
      expect(step.status.observedGeneration).to.equal(1);
      row.check?.(step);
    });
  }

  it('covers every run phase as a starting point', () => {
    const covered = new Set(rows.map((r) => r.intent.status?.lastRun?.phase ?? 'none'));
    expect([...covered].sort()).to.deep.equal(
      ['Cancelled', 'Failed', 'Pending', 'Running', 'Succeeded', 'Terminated', 'TimedOut', 'none'].sort(),
    );
  });

  it('decides a timeout once: the pass after a lost write records the same TimedOut', () => {
    const obj = intentWith(run('Running'));
    const first = planStep(obj, { now: at(60), workflow: seen('RUNNING') }, config);
    const again = planStep(obj, { now: at(62), workflow: seen('CANCELLED', { closeTime: at(61) }) }, config);
    expect(again.status.lastRun?.phase).to.equal(first.status.lastRun?.phase);
    expect(again.status.lastRun?.failureMessage).to.equal(first.status.lastRun?.failureMessage);
  });

  it('is pure: the same input gives the same step, and the input is not changed', () => {
    const obj = intentWith(run('Running'));
    const copy = structuredClone(obj);
    const observed = { now: at(60), workflow: seen('RUNNING') };
    expect(planStep(obj, observed, config)).to.deep.equal(planStep(obj, observed, config));
    expect(obj).to.deep.equal(copy);
  });
});
