// Owns what the operator tells about runs outside the status: the Kubernetes Event for a run that
// started or ended (a pure function of the run before and after a step), and the run metrics
// recorded when a run ends.
import { isTerminal } from '../../common/domain/runs.js';
import type { Run, TemporalActionIntent } from '../../common/model/types.js';
import type { OperatorMetrics } from '../metrics.js';
import type { RunEvent } from './step.js';

/** The Event for a run whose id or phase changed between `before` and `after`, if it deserves one. */
export function runEvent(
  intent: TemporalActionIntent,
  before: Run | undefined,
  after: Run | undefined,
): RunEvent | undefined {
  if (after === undefined) return undefined;
  if (before?.id === after.id && before.phase === after.phase) return undefined;
  const hook = after.trigger.hookType ?? intent.spec.hookType;
  const wf = `workflow ${after.workflowId ?? ''}${after.runId !== undefined ? ` (run ${after.runId})` : ''}`;
  const failure = after.failureMessage ?? '';
  switch (after.phase) {
    case 'Running':
      return {
        type: 'Normal',
        reason: 'RunStarted',
        message: `Started ${wf} for ${hook} (${after.trigger.type} run ${after.id})`,
      };
    case 'Succeeded':
      return { type: 'Normal', reason: 'RunSucceeded', message: `${wf} completed` };
    case 'Failed':
      return { type: 'Warning', reason: 'RunFailed', message: `${wf} failed: ${failure}` };
    case 'TimedOut':
      return { type: 'Warning', reason: 'RunTimedOut', message: after.failureMessage ?? `${wf} timed out` };
    case 'Cancelled':
    case 'Terminated':
      return {
        type: 'Warning',
        reason: `Run${after.phase}`,
        message: `${wf} ${after.phase.toLowerCase()}: ${failure}`,
      };
    default:
      return undefined;
  }
}

/** Counts a run that ended, and its duration when both ends are known. */
export function recordRunOutcome(
  metrics: OperatorMetrics | undefined,
  intent: TemporalActionIntent,
  run: Run,
): void {
  if (metrics === undefined || !isTerminal(run.phase)) return;
  const labels = { hook_type: run.trigger.hookType ?? intent.spec.hookType, outcome: run.phase };
  metrics.runsTotal.inc(labels);
  if (run.startTime !== undefined && run.endTime !== undefined) {
    metrics.runDuration.observe(labels, (Date.parse(run.endTime) - Date.parse(run.startTime)) / 1000);
  }
}
