// Owns the suite's judgement, as pure functions of what was seen from the outside: for each event,
// its answer, each intent's request annotation and recorded run, and the Temporal executions
// carrying the run's id. It counts lost runs, duplicated executions and wrong outcomes, and says
// why for each one.
import type { FiredEvent } from './workload.js';

/** A run as an intent's status records it (the fields the verdict reads). */
export interface RecordedRun {
  id: string;
  phase: string;
  workflowId?: string;
  runId?: string;
  failureMessage?: string;
}

export interface IntentObservation {
  name: string;
  /** Whether the intent still exists. */
  exists: boolean;
  /** Run id of the run-request annotation on the intent, if any. */
  requestId?: string;
  /** The run with the event's id in status (last run or history). */
  run?: RecordedRun;
}

/** One Temporal execution started for a run (memo `tacRunId` equal to the run id). */
export interface Execution {
  workflowId: string;
  runId: string;
  /** Temporal's status name: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT, … */
  status: string;
}

export interface EventObservation {
  fired: FiredEvent;
  /** By intent resource name. */
  intents: Map<string, IntentObservation>;
  /** Executions of each intent's run for this event, by intent resource name. */
  executions: Map<string, Execution[]>;
}

export interface Finding {
  eventId: string;
  intent?: string;
  what: 'lost' | 'duplicated' | 'wrong' | 'unanswered';
  detail: string;
}

export interface Tally {
  events: number;
  /** Events answered as failed though planned to succeed (a fault may fail an event honestly). */
  failedEvents: number;
  lost: number;
  duplicated: number;
  wrong: number;
  unanswered: number;
  findings: Finding[];
}

const TERMINAL = new Set(['Succeeded', 'Failed', 'TimedOut', 'Cancelled', 'Terminated']);
const FAILED_PHASES = new Set(['Failed', 'TimedOut', 'Cancelled', 'Terminated']);

/** What Temporal says the run ended as: Succeeded, a failure, still running, or never started. */
type TemporalOutcome = 'none' | 'running' | 'completed' | 'failed';

function temporalOutcome(executions: Execution[]): TemporalOutcome {
  if (executions.length === 0) return 'none';
  // The latest execution decides (there should be exactly one).
  const last = executions[executions.length - 1];
  if (last === undefined || last.status === 'RUNNING') return 'running';
  return last.status === 'COMPLETED' ? 'completed' : 'failed';
}

/**
 * Whether a phase reported for a run (answer or status) agrees with Temporal. `started`: the
 * reporter claims a workflow started (it names a Temporal run id or a non-failed phase).
 */
function disagreement(
  phase: string,
  blocking: boolean,
  started: boolean,
  outcome: TemporalOutcome,
  from: 'answer' | 'status',
): string | undefined {
  if (phase === 'Skipped')
    return outcome !== 'none' ? `${from} says Skipped but Temporal has an execution` : undefined;
  if (phase === 'Succeeded') {
    if (!blocking && from === 'answer')
      return outcome === 'none' ? `${from} says started but Temporal has no execution` : undefined;
    return outcome !== 'completed' ? `${from} says Succeeded but Temporal says ${outcome}` : undefined;
  }
  if (FAILED_PHASES.has(phase)) {
    // A failure that claims no workflow started while Temporal ran one to success is the wrong
    // outcome users feel; one Temporal also failed agrees on the outcome (if not on the reason).
    if (!started && (outcome === 'completed' || outcome === 'running')) {
      return `${from} says ${phase} without starting a workflow, but Temporal has an execution (${outcome})`;
    }
    if (started && outcome === 'completed') return `${from} says ${phase} but Temporal says completed`;
  }
  return undefined;
}

export function judgeEvent(o: EventObservation): Finding[] {
  const findings: Finding[] = [];
  const { plan, answer } = o.fired;
  const eventId = plan.eventId;
  if (answer === undefined) {
    findings.push({ eventId, what: 'unanswered', detail: o.fired.error ?? 'no answer' });
  }
  for (const planned of plan.intents) {
    const seen = o.intents.get(planned.name);
    const executions = o.executions.get(planned.name) ?? [];
    const answered = answer?.intents.find((i) => i.resourceName === planned.name);
    const outcome = temporalOutcome(executions);
    const requested =
      seen?.requestId === eventId ||
      seen?.run !== undefined ||
      answered?.runId !== undefined ||
      executions.length > 0;
    if (requested && (seen?.run === undefined || !TERMINAL.has(seen.run.phase))) {
      findings.push({
        eventId,
        intent: planned.name,
        what: 'lost',
        detail:
          seen?.run === undefined
            ? `run requested but never recorded in status (Temporal: ${outcome})`
            : `run still ${seen.run.phase} in status (Temporal: ${outcome})`,
      });
    }
    if (executions.length > 1) {
      findings.push({
        eventId,
        intent: planned.name,
        what: 'duplicated',
        detail: `${executions.length} executions: ${executions.map((e) => `${e.workflowId}/${e.runId} ${e.status}`).join(', ')}`,
      });
    }
    if (answered !== undefined) {
      const why = disagreement(
        answered.phase,
        planned.blocking,
        answered.runId !== undefined || answered.phase === 'Succeeded',
        outcome,
        'answer',
      );
      if (why !== undefined) findings.push({ eventId, intent: planned.name, what: 'wrong', detail: why });
    }
    const run = seen?.run;
    if (run !== undefined && TERMINAL.has(run.phase)) {
      const why = disagreement(run.phase, planned.blocking, run.runId !== undefined, outcome, 'status');
      if (why !== undefined) findings.push({ eventId, intent: planned.name, what: 'wrong', detail: why });
    }
  }
  return findings;
}

export function tally(observations: EventObservation[]): Tally {
  const findings = observations.flatMap(judgeEvent);
  const count = (what: Finding['what']): number => findings.filter((f) => f.what === what).length;
  return {
    events: observations.length,
    failedEvents: observations.filter(
      (o) => o.fired.plan.kind === 'succeeds' && o.fired.answer !== undefined && !o.fired.answer.succeeded,
    ).length,
    lost: count('lost'),
    duplicated: count('duplicated'),
    wrong: count('wrong'),
    unanswered: count('unanswered'),
    findings,
  };
}

/** Whether a fault's tally meets the promise: nothing lost, duplicated, wrong or unanswered. */
export function clean(t: Pick<Tally, 'lost' | 'duplicated' | 'wrong' | 'unanswered'>): boolean {
  return t.lost === 0 && t.duplicated === 0 && t.wrong === 0 && t.unanswered === 0;
}
