import { expect } from 'chai';
import { RUN_ID_MEMO_KEY } from '../../../../common/domain/annotations.js';
import type { Run } from '../../../../common/model/types.js';
import { emcoActivityParams, invokeBody, runTemporalSpec } from '../../../../operator/runs/invoke-body.js';
import { intent } from '../../../support/builders.js';

const run: Run = {
  id: 'ev1',
  trigger: {
    type: 'Lifecycle',
    hookType: 'pre-install',
    eventId: 'ev1',
    appContextId: '42',
    emcoUrl: 'http://emco:9015',
  },
  workflowId: 'tac-default-intent1-ev1',
  phase: 'Pending',
};

describe('invoke body', () => {
  it("fills activityParams.emco from the run's event and the intent's DIG", () => {
    expect(emcoActivityParams(intent(), run)).to.deep.equal({
      emcoURL: 'http://emco:9015',
      project: 'proj1',
      compositeApp: 'app1',
      compositeAppVersion: 'v1',
      deploymentIntentGroup: 'dig1',
      appcontextId: '42',
    });
  });

  it('falls back to the configured EMCO URL and an empty app context for manual runs', () => {
    const manual: Run = { ...run, trigger: { type: 'Manual' } };
    expect(emcoActivityParams(intent(), manual, 'http://default:9015')).to.include({
      emcoURL: 'http://default:9015',
      appcontextId: '',
    });
  });

  it("sets the run's workflow id and run id memo, keeping the intent's own memo and params", () => {
    const obj = intent({ activityParams: { greet: { name: 'x' } } });
    obj.spec.temporal!.workflowStartOptions!.memo = { team: 'a' };
    const spec = runTemporalSpec(obj, run);
    expect(spec.workflowStartOptions.ID).to.equal('tac-default-intent1-ev1');
    expect(spec.workflowStartOptions.Memo).to.deep.equal({ team: 'a', [RUN_ID_MEMO_KEY]: 'ev1' });
    expect(spec.workflowParams.activityParams).to.have.keys(['greet', 'emco']);
  });

  it('encodes the body as the workflow client reads it (Go field names)', () => {
    const body = JSON.parse(invokeBody(intent(), run)) as Record<string, unknown>;
    expect(body).to.have.keys(['workflowClientName', 'workflowStartOptions', 'workflowParams']);
    expect(body).to.have.nested.property('workflowStartOptions.ID', 'tac-default-intent1-ev1');
    expect(body).to.have.nested.property(`workflowStartOptions.Memo.${RUN_ID_MEMO_KEY}`, 'ev1');
  });
});
