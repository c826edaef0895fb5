import { expect } from 'chai';
import { deployDecision, isReady, lastState } from '../../../../operator/emco/orchestrator-workers.js';

describe('operator/emco/orchestrator-workers', () => {
  it("reads the last lifecycle state from EMCO's DIG status", () => {
    expect(lastState({ states: { actions: [{ state: 'Created' }, { state: 'Approved' }] } })).to.equal(
      'Approved',
    );
    expect(lastState({ states: { actions: [] } })).to.equal('');
    expect(lastState('nonsense')).to.equal('');
  });

  it('deploys Approved and Terminated workers, leaves Instantiated ones alone, refuses the rest', () => {
    expect(
      ['Approved', 'Terminated', 'Instantiated', 'Created', 'InstantiateFailed', ''].map(deployDecision),
    ).to.deep.equal(['instantiate', 'instantiate', 'skip', 'refuse', 'refuse', 'refuse']);
  });

  it('is ready only when readyStatus says Ready', () => {
    expect(isReady({ readyStatus: 'Ready' })).to.equal(true);
    expect(isReady({ readyStatus: 'NotReady' })).to.equal(false);
    expect(isReady(undefined)).to.equal(false);
  });
});
