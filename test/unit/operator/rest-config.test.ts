import { expect } from 'chai';
import { operatorConfigFromEnv } from '../../../operator/config.js';

describe('operator/config: REST security settings', () => {
  it('turns authentication on by default, for tokens issued for the audience tac-operator', () => {
    const c = operatorConfigFromEnv({});
    expect(c.rest.auth).to.equal('kubernetes');
    expect(c.rest.authAudiences).to.deep.equal(['tac-operator']);
    expect(c.rest.authCacheTtlMs).to.equal(10_000);
    expect(c.rest.authCacheMaxEntries).to.equal(4096);
    expect(c.rest.arbitraryWorkflowIds).to.equal(false);
    expect(c.intentGauge).to.equal(false);
  });

  it('takes explicit audiences; an empty value means the API server audiences', () => {
    expect(operatorConfigFromEnv({ TAC_REST_AUTH_AUDIENCES: 'a, b' }).rest.authAudiences).to.deep.equal([
      'a',
      'b',
    ]);
    expect(operatorConfigFromEnv({ TAC_REST_AUTH_AUDIENCES: '' }).rest.authAudiences).to.deep.equal([]);
  });

  it('turns authentication off only when asked', () => {
    expect(operatorConfigFromEnv({ TAC_REST_AUTH: 'none' }).rest.auth).to.equal('none');
    expect(() => operatorConfigFromEnv({ TAC_REST_AUTH: 'off' })).to.throw(/TAC_REST_AUTH/);
  });

  it('accepts arbitrary workflow ids and client certificates only with authentication on', () => {
    expect(() =>
      operatorConfigFromEnv({ TAC_REST_AUTH: 'none', TAC_REST_ARBITRARY_WORKFLOW_IDS: 'true' }),
    ).to.throw(
      /TAC_REST_ARBITRARY_WORKFLOW_IDS: arbitrary workflow ids are only accepted from authorized callers/,
    );
    expect(
      operatorConfigFromEnv({ TAC_REST_ARBITRARY_WORKFLOW_IDS: 'true' }).rest.arbitraryWorkflowIds,
    ).to.equal(true);
    expect(() => operatorConfigFromEnv({ TAC_REST_CLIENT_CA_FILE: '/etc/hostname' })).to.throw(
      /TAC_REST_CLIENT_CA_FILE: client certificates need TAC_REST_TLS_CERT_FILE/,
    );
  });
});
