import { expect } from 'chai';
import { bearerTokenAccepted } from '../../../client/auth.js';
import { Secret } from '../../../common/temporal/secret.js';

describe('bearerTokenAccepted', () => {
  const token = new Secret('s3cret-token');

  it('accepts anything when no token is configured', () => {
    expect(bearerTokenAccepted({}, null)).to.equal(true);
  });

  it('accepts exactly "Bearer <token>" (scheme in any case)', () => {
    expect(bearerTokenAccepted({ authorization: 'Bearer s3cret-token' }, token)).to.equal(true);
    expect(bearerTokenAccepted({ authorization: 'bearer s3cret-token' }, token)).to.equal(true);
  });

  it('refuses a missing, wrong, longer, shorter or differently-schemed credential', () => {
    for (const authorization of [
      undefined,
      '',
      'Bearer wrong',
      'Bearer s3cret-token2',
      'Bearer s3cret',
      'Basic s3cret-token',
      's3cret-token',
    ]) {
      expect(
        bearerTokenAccepted(authorization === undefined ? {} : { authorization }, token),
        String(authorization),
      ).to.equal(false);
    }
  });
});
