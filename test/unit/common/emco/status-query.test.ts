import { expect } from 'chai';
import { StatusQueryError, parseStatusQueryString } from '../../../../common/emco/status-query.js';

const parse = (qs: string): ReturnType<typeof parseStatusQueryString> =>
  parseStatusQueryString(new URLSearchParams(qs));

describe('parseStatusQueryString (workflowmgr query-string form)', () => {
  it('reads every parameter', () => {
    expect(
      parse(
        'temporalServer=t:7233&workflowID=w&runID=r&queryType=state&waitForResult=true&runDescribeWfExec=true&getWfHistory=true&waitForResultTimeout=30s',
      ),
    ).to.deep.equal({
      temporalServer: 't:7233',
      workflowID: 'w',
      runID: 'r',
      waitForResult: true,
      runDescribeWfExec: true,
      getWfHistory: true,
      queryType: 'state',
      queryParams: null,
      waitForResultTimeout: '30s',
    });
  });

  it('gives zero values for an empty query string', () => {
    expect(parse('')).to.deep.equal({
      temporalServer: '',
      workflowID: '',
      runID: '',
      waitForResult: false,
      runDescribeWfExec: false,
      getWfHistory: false,
      queryType: '',
      queryParams: null,
    });
  });

  it('strips one leading and one trailing quote from temporalServer', () => {
    expect(parse('temporalServer="t:7233"').temporalServer).to.equal('t:7233');
    expect(parse("temporalServer='t:7233'").temporalServer).to.equal('t:7233');
    expect(parse('temporalServer=""t""').temporalServer).to.equal('"t"');
    expect(parse('temporalServer="t').temporalServer).to.equal('t');
  });

  it('sets a flag only for "true"; other values leave it false, as workflowmgr does', () => {
    for (const v of ['false', '', 'TRUE', '1', 'yes']) {
      expect(parse(`waitForResult=${v}&getWfHistory=${v}`).waitForResult, v).to.equal(false);
    }
  });

  it('uses the first value of a repeated key', () => {
    expect(parse('workflowID=a&workflowID=b').workflowID).to.equal('a');
  });

  it('answers an unknown parameter with workflowmgr’s message (first unknown in order)', () => {
    expect(() => parse('workflowID=w&foo=1&bar=2')).to.throw(
      StatusQueryError,
      /^Unknown query parameter: foo$/,
    );
    expect(() => parse('queryParams=1')).to.throw(StatusQueryError, 'Unknown query parameter: queryParams');
    expect(() => parse('WorkflowID=w')).to.throw(StatusQueryError, 'Unknown query parameter: WorkflowID');
  });

  it('reads waitForResultTimeout as seconds or a duration string and rejects anything else', () => {
    expect(parse('waitForResultTimeout=45').waitForResultTimeout).to.equal(45);
    expect(parse('waitForResultTimeout=1m30s').waitForResultTimeout).to.equal('1m30s');
    for (const bad of ['-5', '-5s', 'soon', '1.5']) {
      expect(() => parse(`waitForResultTimeout=${bad}`), bad).to.throw(
        StatusQueryError,
        'waitForResultTimeout',
      );
    }
  });
});
