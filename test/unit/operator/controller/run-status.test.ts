import { expect } from 'chai';
import type { TaiStatus } from '../../../../common/model/types.js';
import { blockingTimeoutMs, nextRun } from '../../../../operator/controller/planner.js';
import {
  computeConditions,
  finalizeStatus,
  finishRun,
  phaseForWorkflowStatus,
  runDeadline,
  startRun,
  statusChanged,
} from '../../../../operator/controller/run-status.js';
import {
  ANNOTATION_RUN_REQUEST as RUN_REQUEST_ANNOTATION,
  ANNOTATION_RUN_REQUESTED_AT as RERUN_ANNOTATION,
} from '../../../../common/domain/annotations.js';
import { HISTORY_LIMIT as MAX_HISTORY } from '../../../../common/domain/runs.js';
import { intent } from '../../../support/builders.js';

const now = new Date('2026-11-26T12:00:00Z');
const later = new Date('2026-11-26T12:05:00Z');

function request(id: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    [RUN_REQUEST_ANNOTATION]: JSON.stringify({
      id,
      hookType: 'pre-install',
      eventId: id,
      requestedAt: now.toISOString(),
      ...extra,
    }),
  };
}

describe('planner', () => {
  describe('nextRun', () => {
    it('has nothing to do for an intent without requests', () => {
      expect(nextRun(intent(), now)).to.equal(undefined);
    });

    it('turns a lifecycle request into a Pending run with a deterministic workflow id', () => {
      const plan = nextRun(intent({ annotations: request('ev1', { appContextId: '42' }) }), now);
      expect(plan?.run).to.deep.include({
        id: 'ev1',
        phase: 'Pending',
        blocking: true,
        workflowId: 'tac-default-intent1-ev1',
        attempt: 1,
      });
      expect(plan?.run.trigger).to.deep.equal({
        type: 'Lifecycle',
        hookType: 'pre-install',
        eventId: 'ev1',
        appContextId: '42',
      });
      // same inputs, same id: a restarted operator never invents a second workflow
      expect(nextRun(intent({ annotations: request('ev1') }), later)?.run.workflowId).to.equal(
        plan?.run.workflowId,
      );
    });

    it('uses the workflow id the intent sets', () => {
      expect(
        nextRun(intent({ workflowId: 'fixed-id', annotations: request('ev1') }), now)?.run.workflowId,
      ).to.equal('fixed-id');
    });

    it('does not repeat a request already recorded in the last run or the history', () => {
      const i = intent({ annotations: request('ev1') });
      i.status = {
        lastRun: { id: 'ev2', trigger: { type: 'Manual' }, phase: 'Succeeded' },
        history: [{ id: 'ev1', trigger: { type: 'Lifecycle' }, phase: 'Failed' }],
      };
      expect(nextRun(i, now)).to.equal(undefined);
    });

    it('waits while a run is in flight', () => {
      const i = intent({ annotations: request('ev2') });
      i.status = { lastRun: { id: 'ev1', trigger: { type: 'Lifecycle' }, phase: 'Running' } };
      expect(nextRun(i, now)).to.equal(undefined);
    });

    it('starts a manual run for a new rerun annotation value and records it as handled', () => {
      const plan = nextRun(intent({ annotations: { [RERUN_ANNOTATION]: '2026-11-26T10:00:00Z' } }), now);
      expect(plan?.run.trigger.type).to.equal('Manual');
      expect(plan?.handledRequest).to.equal('2026-11-26T10:00:00Z');
      expect(plan?.run.id).to.match(/^manual-[0-9a-f]{12}$/);
      const handled = intent({ annotations: { [RERUN_ANNOTATION]: '2026-11-26T10:00:00Z' } });
      handled.status = { lastHandledRunRequest: '2026-11-26T10:00:00Z' };
      expect(nextRun(handled, now)).to.equal(undefined);
    });

    it('ignores a malformed run-request annotation', () => {
      expect(nextRun(intent({ annotations: { [RUN_REQUEST_ANNOTATION]: '{not json' } }), now)).to.equal(
        undefined,
      );
    });
  });

  describe('run history', () => {
    it('moves the previous run into a history bounded to the last ten', () => {
      let status: TaiStatus = {};
      for (let n = 0; n < 15; n++) {
        status = startRun(status, { run: { id: `r${n}`, trigger: { type: 'Manual' }, phase: 'Pending' } });
        status = finishRun(status, 'Succeeded', now);
      }
      expect(status.lastRun?.id).to.equal('r14');
      expect(status.history).to.have.length(MAX_HISTORY);
      expect(status.history?.[0]?.id).to.equal('r13');
    });

    it('records the end time and failure message of a finished run', () => {
      const status = finishRun(
        { lastRun: { id: 'r', trigger: { type: 'Manual' }, phase: 'Running' } },
        'Failed',
        later,
        'boom',
      );
      expect(status.lastRun).to.deep.include({
        phase: 'Failed',
        endTime: later.toISOString(),
        failureMessage: 'boom',
      });
    });
  });

  describe('timeouts', () => {
    it('reads hookBlockingTimeout as seconds or a duration string, else the default', () => {
      expect(blockingTimeoutMs(intent({ timeout: 30 }), 1000)).to.equal(30_000);
      expect(blockingTimeoutMs(intent({ timeout: '90s' }), 1000)).to.equal(90_000);
      expect(blockingTimeoutMs(intent({ timeout: '1m30s' }), 1000)).to.equal(90_000);
      expect(blockingTimeoutMs(intent(), 1234)).to.equal(1234);
    });

    it('gives blocking runs a deadline and non-blocking runs none', () => {
      const run = {
        id: 'r',
        trigger: { type: 'Manual' as const },
        phase: 'Running' as const,
        startTime: now.toISOString(),
      };
      expect(runDeadline({ ...run, blocking: true }, 5000)?.toISOString()).to.equal(
        '2026-11-26T12:00:05.000Z',
      );
      expect(runDeadline({ ...run, blocking: false }, 5000)).to.equal(undefined);
    });

    it('maps closed Temporal statuses to run phases', () => {
      expect(phaseForWorkflowStatus('COMPLETED')).to.equal('Succeeded');
      expect(phaseForWorkflowStatus('FAILED')).to.equal('Failed');
      expect(phaseForWorkflowStatus('CANCELLED')).to.equal('Cancelled');
      expect(phaseForWorkflowStatus('TERMINATED')).to.equal('Terminated');
      expect(phaseForWorkflowStatus('TIMED_OUT')).to.equal('TimedOut');
    });
  });

  describe('conditions', () => {
    const types = (s: TaiStatus) =>
      Object.fromEntries((s.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));

    it('is Ready with no runs, Reconciling while a run is in flight, and not Ready after a failure', () => {
      const i = intent();
      expect(types(finalizeStatus(i, {}, now))).to.deep.equal({
        Ready: 'True/NoRuns',
        Reconciling: 'False/Idle',
        Stalled: 'False/SpecValid',
      });
      const running: TaiStatus = { lastRun: { id: 'r', trigger: { type: 'Manual' }, phase: 'Running' } };
      expect(types(finalizeStatus(i, running, now))).to.include({
        Ready: 'False/RunInProgress',
        Reconciling: 'True/RunInProgress',
        Succeeded: 'Unknown/Running',
      });
      const failed = finishRun(running, 'Failed', now, 'boom');
      expect(types(finalizeStatus(i, failed, now))).to.include({
        Ready: 'False/RunFailed',
        Succeeded: 'False/Failed',
      });
      const ok = finishRun(running, 'Succeeded', now);
      expect(types(finalizeStatus(i, ok, now))).to.include({
        Ready: 'True/RunSucceeded',
        Succeeded: 'True/Succeeded',
      });
    });

    it('is Stalled when the spec cannot run', () => {
      expect(types(finalizeStatus(intent(), {}, now, 'not allowed'))).to.include({
        Stalled: 'True/InvalidSpec',
        Ready: 'False/InvalidSpec',
      });
    });

    it('keeps lastTransitionTime when a condition does not flip, so status stays quiet', () => {
      const i = intent();
      const first = finalizeStatus(i, {}, now);
      const second = finalizeStatus(i, first, later);
      expect(second.conditions).to.deep.equal(first.conditions);
      expect(statusChanged(first, second)).to.equal(false);
      const flipped = computeConditions(
        i,
        { lastRun: { id: 'r', trigger: { type: 'Manual' }, phase: 'Running' } },
        later,
      );
      expect(flipped.find((c) => c.type === 'Ready')?.lastTransitionTime).to.equal(later.toISOString());
    });

    it('writes observedGeneration', () => {
      const i = intent();
      i.metadata = { ...i.metadata, generation: 7 };
      expect(finalizeStatus(i, {}, now).observedGeneration).to.equal(7);
      expect(finalizeStatus(i, {}, now).conditions?.every((c) => c.observedGeneration === 7)).to.equal(true);
    });
  });
});
