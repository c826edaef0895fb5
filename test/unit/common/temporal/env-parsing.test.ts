import { expect } from 'chai';
import {
  EnvValueError,
  envBool,
  envDurationMs,
  envPositiveInt,
  parseDurationMs,
  parsePort,
} from '../../../../common/temporal/env-parsing.js';

describe('env-parsing', () => {
  it('parses booleans and treats blank as unset', () => {
    expect(envBool({ A: 'TRUE' }, 'A')).to.equal(true);
    expect(envBool({ A: 'off' }, 'A')).to.equal(false);
    expect(envBool({ A: '  ' }, 'A')).to.equal(undefined);
    expect(() => envBool({ A: 'nope' }, 'A')).to.throw(EnvValueError, 'A: expected a boolean');
  });

  it('parses ports', () => {
    expect(parsePort('P', '9090')).to.equal(9090);
    expect(parsePort('P', '0', { allowZero: true })).to.equal(0);
    expect(() => parsePort('P', '0')).to.throw(EnvValueError, 'P: expected a port number 1-65535');
    expect(() => parsePort('P', '65536')).to.throw(EnvValueError);
    expect(() => parsePort('P', '80a')).to.throw(EnvValueError);
  });

  it('parses positive integers', () => {
    expect(envPositiveInt({ N: '12' }, 'N')).to.equal(12);
    expect(envPositiveInt({}, 'N')).to.equal(undefined);
    expect(() => envPositiveInt({ N: '0' }, 'N')).to.throw(EnvValueError, 'N: expected a positive integer');
  });

  it('parses durations into milliseconds', () => {
    expect(parseDurationMs('D', '250')).to.equal(250);
    expect(parseDurationMs('D', '250ms')).to.equal(250);
    expect(parseDurationMs('D', '10s')).to.equal(10_000);
    expect(parseDurationMs('D', '1m30s')).to.equal(90_000);
    expect(parseDurationMs('D', '1.5h')).to.equal(5_400_000);
    expect(envDurationMs({}, 'D', 42)).to.equal(42);
    for (const bad of ['', 's', '10x', '-1s', '10s5', '1e3']) {
      expect(() => parseDurationMs('D', bad), bad).to.throw(EnvValueError, 'D: expected a duration');
    }
  });
});
