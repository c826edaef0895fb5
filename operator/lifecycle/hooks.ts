// Owns hook-type equivalence and the order in which an event runs its intents.
import type { TemporalActionIntent } from '../../common/model/types.js';

const CANONICAL: Record<string, string> = {
  'pre-terminate': 'pre-termination',
  'post-terminate': 'post-termination',
};

/** EMCO's spelling of a hook type; the seed's `-terminate` spellings name the same hook. */
export function canonicalHook(hookType: string): string {
  return CANONICAL[hookType] ?? hookType;
}

export function sameHook(a: string, b: string): boolean {
  return canonicalHook(a) === canonicalHook(b);
}

/**
 * The documented run order of an event's intents: oldest first (creationTimestamp, as EMCO runs
 * them in insertion order), then by resource name to break ties deterministically.
 */
export function runOrder(a: TemporalActionIntent, b: TemporalActionIntent): number {
  const ta = String(a.metadata?.creationTimestamp ?? '');
  const tb = String(b.metadata?.creationTimestamp ?? '');
  const at = ta === '' ? 0 : Date.parse(ta);
  const bt = tb === '' ? 0 : Date.parse(tb);
  if (at !== bt) return at - bt;
  const an = `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`;
  const bn = `${b.metadata?.namespace ?? ''}/${b.metadata?.name ?? ''}`;
  return an < bn ? -1 : an > bn ? 1 : 0;
}
