import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { operatorConfigFromEnv } from '../../../operator/config.js';

describe('operator/config: invoke', () => {
  const tokenFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'tac-invoke-config-')), 'token');
  writeFileSync(tokenFile, 'secret\n');

  it('allows no workflow client at all by default (fails closed)', () => {
    const invoke = operatorConfigFromEnv({}).invoke;
    expect(invoke.allowedEndpoints).to.deep.equal([]);
    expect(invoke.tokenEndpoints).to.deep.equal([]);
    expect(invoke.maxReplyBytes).to.equal(65536);
  });

  it("allows the own client and the extra endpoints, and sends the token to the own client's", () => {
    const invoke = operatorConfigFromEnv({
      TAC_OWN_CLIENT_ENDPOINTS: 'wfc:9090, wfc.tac.svc:9090',
      TAC_ALLOWED_CLIENT_ENDPOINTS: '*.clients.example,wfc:9090',
      TAC_INVOKE_TOKEN_FILE: tokenFile,
      TAC_INVOKE_MAX_REPLY_BYTES: '1024',
    }).invoke;
    expect(invoke.allowedEndpoints).to.deep.equal(['wfc:9090', 'wfc.tac.svc:9090', '*.clients.example']);
    expect(invoke.tokenEndpoints).to.deep.equal(['wfc:9090', 'wfc.tac.svc:9090']);
    expect(invoke.maxReplyBytes).to.equal(1024);
  });

  it('sends the token to TAC_INVOKE_TOKEN_ENDPOINTS when set', () => {
    const invoke = operatorConfigFromEnv({
      TAC_OWN_CLIENT_ENDPOINTS: 'wfc:9090',
      TAC_INVOKE_TOKEN_ENDPOINTS: 'other.example:9090',
      TAC_INVOKE_TOKEN_FILE: tokenFile,
    }).invoke;
    expect(invoke.tokenEndpoints).to.deep.equal(['other.example:9090']);
  });

  it('refuses a token no endpoint may receive, and malformed endpoints, naming the variable', () => {
    expect(() => operatorConfigFromEnv({ TAC_INVOKE_TOKEN_FILE: tokenFile })).to.throw(
      /TAC_INVOKE_TOKEN_ENDPOINTS.*no endpoint may receive the token/,
    );
    expect(() => operatorConfigFromEnv({ TAC_OWN_CLIENT_ENDPOINTS: 'http://wfc:9090' })).to.throw(
      /TAC_OWN_CLIENT_ENDPOINTS/,
    );
    expect(() => operatorConfigFromEnv({ TAC_ALLOWED_CLIENT_ENDPOINTS: 'a b' })).to.throw(
      /TAC_ALLOWED_CLIENT_ENDPOINTS/,
    );
  });
});
