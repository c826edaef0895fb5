import { expect } from 'chai';
import { AppContextError, digFromContextValues } from '../../../../operator/emco/app-context.js';

const meta = JSON.stringify({
  Project: 'proj',
  CompositeApp: 'app',
  Version: 'v1',
  Release: 'r',
  DeploymentIntentGroup: 'dig',
  Namespace: 'default',
  Level: '0',
  LogicalCloud: 'lc',
  LogicalCloudNamespace: 'default',
  LogicalCloudLevel: '1',
  ChildContextIDs: null,
});

describe('operator/emco/app-context', () => {
  it("takes the DIG from EMCO's composite-app metadata", () => {
    expect(digFromContextValues('1', { root: '"1"', meta })).to.deep.equal({
      project: 'proj',
      compositeApp: 'app',
      compositeAppVersion: 'v1',
      deploymentIntentGroup: 'dig',
    });
  });

  it('fails without the root handle, without metadata, or with metadata lacking a field', () => {
    const fails = (values: { root?: string; meta?: string }, text: RegExp): void => {
      expect(() => digFromContextValues('1', { root: values.root, meta: values.meta }))
        .to.throw(AppContextError)
        .with.property('message')
        .that.matches(text);
    };
    fails({ meta }, /^no app context \/context\/1\/ in EMCO's contextdb$/);
    fails({ root: '"1"' }, /has no metadata at \/context\/1\/meta\//);
    fails({ root: '"1"', meta: '{' }, /is not JSON/);
    fails({ root: '"1"', meta: '[]' }, /is not a JSON object/);
    fails({ root: '"1"', meta: JSON.stringify({ Project: 'p' }) }, /has no CompositeApp/);
  });
});
