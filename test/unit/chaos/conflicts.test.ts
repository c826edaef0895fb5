// The write-conflict fault's status change: it owns one condition type and leaves the operator's
// conditions and runs as they are.
import { expect } from 'chai';
import { FOREIGN_CONDITION, withForeignCondition } from '../../../chaos/conflicts.js';

describe('chaos conflict writer', () => {
  it('replaces only its own condition and keeps the rest of the status', () => {
    const now = new Date('2026-11-28T08:00:00.123Z');
    const status = {
      lastRun: { id: 'r1', phase: 'Running' as const, trigger: { type: 'Lifecycle' as const } },
      conditions: [
        {
          type: 'Ready',
          status: 'False' as const,
          reason: 'RunInProgress',
          message: '',
          lastTransitionTime: 'x',
        },
        {
          type: FOREIGN_CONDITION,
          status: 'True' as const,
          reason: 'Audited',
          message: 'audit pass 1',
          lastTransitionTime: 'y',
        },
      ],
    };
    const next = withForeignCondition(status, 2, now);
    expect(next.lastRun).to.equal(status.lastRun);
    expect(next.conditions?.map((c) => c.type)).to.deep.equal(['Ready', FOREIGN_CONDITION]);
    expect(next.conditions?.[1]).to.deep.include({
      message: 'audit pass 2',
      lastTransitionTime: '2026-11-28T08:00:00Z',
    });
  });

  it('adds its condition to a status that has none', () => {
    expect(withForeignCondition(undefined, 0, new Date(0)).conditions).to.have.length(1);
  });
});
