import { expect } from 'chai';
import type { TemporalActionIntent } from '../../../../common/model/types.js';
import { HttpError } from '../../../../operator/rest/reply.js';
import {
  checkTemporalServer,
  resolveRunTarget,
  sameTemporalServer,
} from '../../../../operator/rest/run-target.js';

const withRun: TemporalActionIntent = {
  apiVersion: 'tac.emco.io/v1alpha1',
  kind: 'TemporalActionIntent',
  metadata: { name: 'x', namespace: 'default' },
  spec: {
    project: 'p',
    compositeApp: 'a',
    compositeAppVersion: 'v1',
    deploymentIntentGroup: 'd',
    hookType: 'pre-install',
  },
  status: {
    lastRun: {
      id: 'r1',
      trigger: { type: 'Manual' },
      phase: 'Running',
      workflowId: 'wf-rec',
      runId: 'run-rec',
    },
  },
};

const own = { arbitrary: false, specId: 'spec-id' };
const open = { arbitrary: true, specId: 'spec-id' };
const withHistory: TemporalActionIntent = {
  ...withRun,
  status: {
    ...withRun.status,
    history: [
      { id: 'r0', trigger: { type: 'Manual' }, phase: 'Succeeded', workflowId: 'wf-old', runId: 'run-old' },
    ],
  },
};

function refusal(f: () => unknown): HttpError {
  try {
    f();
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error('expected an HttpError');
}

describe('operator/rest/run-target', () => {
  it('without ids: the last recorded run', () => {
    expect(resolveRunTarget(withRun, '', '', own)).to.deep.equal({
      workflowId: 'wf-rec',
      runId: 'run-rec',
      source: 'recorded',
    });
  });

  it('ids naming a recorded run (last or earlier): that run', () => {
    expect(resolveRunTarget(withHistory, 'wf-old', '', own)).to.deep.equal({
      workflowId: 'wf-old',
      runId: 'run-old',
      source: 'recorded',
    });
    expect(resolveRunTarget(withHistory, 'wf-rec', 'run-rec', own).source).to.equal('recorded');
    expect(resolveRunTarget(withHistory, '', 'run-rec', own).workflowId).to.equal('wf-rec');
  });

  it('ids of a run not recorded for the intent: 404 unless arbitrary ids are allowed', () => {
    const e = refusal(() => resolveRunTarget(withRun, 'someone-else', '', own));
    expect(e.status).to.equal(404);
    expect(e.message).to.equal(
      'workflow "someone-else" is not a run recorded for intent x: this API acts only on the runs of the intent it names',
    );
    expect(refusal(() => resolveRunTarget(withRun, 'wf-rec', 'other-run', own)).status).to.equal(404);
    expect(refusal(() => resolveRunTarget(withRun, '', 'other-run', own)).status).to.equal(404);
    expect(refusal(() => resolveRunTarget(undefined, 'w', '', own)).status).to.equal(404);
    expect(resolveRunTarget(withRun, 'someone-else', 'r', open)).to.deep.equal({
      workflowId: 'someone-else',
      runId: 'r',
      source: 'request',
    });
  });

  it("no run recorded: nothing, or with arbitrary ids the intent's workflow id", () => {
    const noRun = { ...withRun, status: {} };
    expect(resolveRunTarget(noRun, '', '', own).source).to.equal('none');
    expect(resolveRunTarget(noRun, '', '', open)).to.deep.equal({
      workflowId: 'spec-id',
      runId: '',
      source: 'spec',
    });
    expect(resolveRunTarget(undefined, '', '', { arbitrary: true, specId: '' }).source).to.equal('none');
  });

  it('compares Temporal server spellings', () => {
    expect(sameTemporalServer('temporal:7233', '"temporal"')).to.equal(true);
    expect(sameTemporalServer('Temporal:7233', 'temporal:7233')).to.equal(true);
    expect(sameTemporalServer('127.0.0.1:7233', 'localhost:7233')).to.equal(false);
    expect(sameTemporalServer('[::1]:7233', '[::1]')).to.equal(true);
  });

  it('accepts an empty or the configured server; another one is answered as EMCO answers an unreachable one', () => {
    checkTemporalServer('', 'temporal:7233', 'status');
    checkTemporalServer('temporal:7233', 'temporal:7233', 'cancel');
    checkTemporalServer('anything:1', undefined, 'status');
    const text =
      'to connect to Temporal server (elsewhere:7233). Error: this operator connects only to its ' +
      'configured Temporal server; leave temporalServer empty or give that address';
    const cancel = refusal(() => checkTemporalServer('elsewhere:7233', 'temporal:7233', 'cancel'));
    expect(cancel.status).to.equal(500);
    expect(cancel.message).to.equal(`CancelWorkflowIntent: Failed ${text}`);
    const status = refusal(() => checkTemporalServer('elsewhere:7233', 'temporal:7233', 'status'));
    expect(status.status).to.equal(500);
    expect(status.message).to.equal(`failed ${text}`);
  });
});
