import { expect } from 'chai';
import { keyOf, objectKey, splitKey } from '../../../../common/domain/keys.js';
import {
  activeRun,
  canonicalHook,
  isTerminal,
  knownRun,
  RUN_PHASES,
  runOrder,
  sameHook,
  TERMINAL_RUN_PHASES,
} from '../../../../common/domain/runs.js';

const run = (id: string, phase: (typeof RUN_PHASES)[number]) => ({ id, phase });

describe('domain: keys and runs', () => {
  it('makes and splits namespace/name keys', () => {
    expect(keyOf('ns', 'a')).to.equal('ns/a');
    expect(objectKey({ metadata: { namespace: 'ns', name: 'a' } })).to.equal('ns/a');
    expect(objectKey({})).to.equal('/');
    expect(splitKey('ns/a')).to.deep.equal(['ns', 'a']);
    expect(splitKey('a')).to.deep.equal(['', 'a']);
  });

  it('knows which phases are final and which run is in flight', () => {
    for (const phase of RUN_PHASES) {
      expect(isTerminal(phase), phase).to.equal(TERMINAL_RUN_PHASES.includes(phase));
    }
    expect(isTerminal(undefined)).to.equal(false);
    expect(activeRun({ lastRun: run('r1', 'Pending') })?.id).to.equal('r1');
    expect(activeRun({ lastRun: run('r1', 'Running') })?.id).to.equal('r1');
    expect(activeRun({ lastRun: run('r1', 'Failed') })).to.equal(undefined);
    expect(activeRun(undefined)).to.equal(undefined);
  });

  it('finds a recorded run in the last run or the history', () => {
    const status = { lastRun: run('r2', 'Running'), history: [run('r1', 'Succeeded')] };
    expect(knownRun(status, 'r2')?.phase).to.equal('Running');
    expect(knownRun(status, 'r1')?.phase).to.equal('Succeeded');
    expect(knownRun(status, 'r0')).to.equal(undefined);
  });

  it('treats the -terminate spellings as the -termination hooks', () => {
    expect(canonicalHook('pre-terminate')).to.equal('pre-termination');
    expect(sameHook('post-terminate', 'post-termination')).to.equal(true);
    expect(sameHook('pre-install', 'post-install')).to.equal(false);
  });

  it('orders intents oldest first, then by namespace/name', () => {
    const at = (name: string, creationTimestamp?: string) => ({
      metadata: { namespace: 'ns', name, ...(creationTimestamp !== undefined ? { creationTimestamp } : {}) },
    });
    const sorted = [
      at('b', '2026-01-01T00:00:02Z'),
      at('c', '2026-01-01T00:00:01Z'),
      at('a', '2026-01-01T00:00:02Z'),
      at('z'),
    ].sort(runOrder);
    expect(sorted.map((o) => o.metadata.name)).to.deep.equal(['z', 'c', 'a', 'b']);
  });
});
