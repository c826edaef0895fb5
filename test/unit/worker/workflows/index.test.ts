import { expect } from 'chai';
import * as workflows from '../../../../worker/workflows/index.js';
import { DEFAULT_TASK_QUEUES, WORKFLOW_NAMES } from '../../../../worker/workflow-names.js';

describe('workflow registry', () => {
  it('WORKFLOW_NAMES lists exactly the exported workflows', () => {
    expect([...WORKFLOW_NAMES].sort()).to.deep.equal(Object.keys(workflows).sort());
    for (const name of WORKFLOW_NAMES) expect(workflows[name]).to.be.a('function');
  });

  it('polls one task queue per workflow name plus tac-worker by default', () => {
    expect(DEFAULT_TASK_QUEUES).to.deep.equal([
      'helloWorld',
      'migrate',
      'sleep',
      'fail',
      'longRunning',
      'noop',
      'tac-worker',
    ]);
  });
});
