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

describe('operator/rest/run-target', () => {
  it('uses the ids of the request first', () => {
    expect(resolveRunTarget(withRun, 'wf', '', 'spec')).to.deep.equal({
      workflowId: 'wf',
      runId: '',
      source: 'request',
    });
  });
  it('falls back to the recorded run, keeping a given run id', () => {
    expect(resolveRunTarget(withRun, '', '', 'spec')).to.deep.equal({
      workflowId: 'wf-rec',
      runId: 'run-rec',
      source: 'recorded',
    });
    expect(resolveRunTarget(withRun, '', 'other', '').runId).to.equal('other');
  });
  it("then to the intent's workflow id, then to nothing", () => {
    const noRun = { ...withRun, status: {} };
    expect(resolveRunTarget(noRun, '', '', 'spec-id')).to.deep.equal({
      workflowId: 'spec-id',
      runId: '',
      source: 'spec',
    });
    expect(resolveRunTarget(undefined, '', '', '').source).to.equal('none');
  });

  it('compares Temporal server spellings', () => {
    expect(sameTemporalServer('temporal:7233', '"temporal"')).to.equal(true);
    expect(sameTemporalServer('Temporal:7233', 'temporal:7233')).to.equal(true);
    expect(sameTemporalServer('127.0.0.1:7233', 'localhost:7233')).to.equal(false);
    expect(sameTemporalServer('[::1]:7233', '[::1]')).to.equal(true);
  });

  it('accepts an empty or the configured server and rejects another one with 400', () => {
    checkTemporalServer('', 'temporal:7233');
    checkTemporalServer('temporal:7233', 'temporal:7233');
    checkTemporalServer('anything:1', undefined);
    try {
      checkTemporalServer('elsewhere:7233', 'temporal:7233');
      expect.fail('expected a 400');
    } catch (err) {
      expect(err).to.be.instanceOf(HttpError);
      expect((err as HttpError).status).to.equal(400);
      expect((err as HttpError).message).to.equal(
        'temporalServer "elsewhere:7233" is not the Temporal server this operator uses (temporal:7233); leave temporalServer empty or give that address',
      );
    }
  });
});
