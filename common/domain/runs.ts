// Owns the vocabulary of runs: their phases, which phases are final, the run in flight, the
// bounded history, the hook spellings that name the same hook, and the order an event runs its
// intents in. Shapes are structural so the domain imports nothing.
import { objectKey, type Named } from './keys.js';

export const RUN_PHASES = [
  'Pending',
  'Running',
  'Succeeded',
  'Failed',
  'TimedOut',
  'Cancelled',
  'Terminated',
] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/** Phases after which a run does not change any more. */
export const TERMINAL_RUN_PHASES: readonly RunPhase[] = [
  'Succeeded',
  'Failed',
  'TimedOut',
  'Cancelled',
  'Terminated',
];

/** status.history keeps at most this many earlier runs (newest first). */
export const HISTORY_LIMIT = 10;

interface RunLike {
  id: string;
  phase: RunPhase;
}

interface RunsLike<R extends RunLike> {
  lastRun?: R;
  history?: R[];
}

export function isTerminal(phase: RunPhase | undefined): boolean {
  return phase !== undefined && TERMINAL_RUN_PHASES.includes(phase);
}

/** The run in flight (Pending or Running), if any. */
export function activeRun<R extends RunLike>(status: RunsLike<R> | undefined): R | undefined {
  const run = status?.lastRun;
  return run !== undefined && !isTerminal(run.phase) ? run : undefined;
}

/** The run recorded with this id (last run or history), if any. */
export function knownRun<R extends RunLike>(status: RunsLike<R> | undefined, id: string): R | undefined {
  if (status?.lastRun?.id === id) return status.lastRun;
  return status?.history?.find((r) => r.id === id);
}

const CANONICAL_HOOKS: Readonly<Record<string, string>> = {
  'pre-terminate': 'pre-termination',
  'post-terminate': 'post-termination',
};

/** EMCO's spelling of a hook type; the seed's `-terminate` spellings name the same hook. */
export function canonicalHook(hookType: string): string {
  return CANONICAL_HOOKS[hookType] ?? hookType;
}

export function sameHook(a: string, b: string): boolean {
  return canonicalHook(a) === canonicalHook(b);
}

interface Ordered extends Named {
  metadata?: Named['metadata'] & { creationTimestamp?: Date | string };
}

/**
 * The documented run order of an event's intents: oldest first (creationTimestamp, as EMCO runs
 * them in insertion order), then by `namespace/name` to break ties deterministically.
 */
export function runOrder(a: Ordered, b: Ordered): number {
  const at = timestampMs(a.metadata?.creationTimestamp);
  const bt = timestampMs(b.metadata?.creationTimestamp);
  if (at !== bt) return at - bt;
  const an = objectKey(a);
  const bn = objectKey(b);
  return an < bn ? -1 : an > bn ? 1 : 0;
}

function timestampMs(value: Date | string | undefined): number {
  const text = String(value ?? '');
  return text === '' ? 0 : Date.parse(text);
}
