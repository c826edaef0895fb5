import { expect } from 'chai';
import { ApplicationFailure } from '@temporalio/common';
import { durationParamMs, param, positiveIntParam } from '../../../../worker/workflows/params.js';

describe('workflow params helpers', () => {
  it('reads activityParams[group][key], blank as unset', () => {
    const params = { activityParams: { greet: { name: 'EMCO', blank: ' ' } } };
    expect(param(params, 'greet', 'name')).to.equal('EMCO');
    expect(param(params, 'greet', 'blank')).to.equal(undefined);
    expect(param(params, 'other', 'name')).to.equal(undefined);
    expect(param(null, 'greet', 'name')).to.equal(undefined);
  });

  it('parses durations', () => {
    expect(durationParamMs('1500', 'd')).to.equal(1500);
    expect(durationParamMs('1m30s', 'd')).to.equal(90_000);
    expect(durationParamMs('250ms', 'd')).to.equal(250);
    expect(durationParamMs('2h', 'd')).to.equal(7_200_000);
  });

  it('rejects bad durations and integers with a non-retryable failure naming the parameter', () => {
    for (const bad of ['', 'soon', '10 s', '-5s', '5sx']) {
      let thrown: unknown;
      try {
        durationParamMs(bad, 'activityParams.sleep.duration');
      } catch (err) {
        thrown = err;
      }
      expect(thrown, bad).to.be.instanceOf(ApplicationFailure);
      expect((thrown as ApplicationFailure).nonRetryable).to.equal(true);
      expect((thrown as ApplicationFailure).message).to.match(
        /^activityParams\.sleep\.duration: expected a duration/,
      );
    }
    expect(() => positiveIntParam('0', 'n')).to.throw(
      ApplicationFailure,
      'n: expected a positive integer, got "0"',
    );
    expect(positiveIntParam('12', 'n')).to.equal(12);
  });
});
