// Acceptance test of HTTPS on the REST API: the operator serves TLS with the configured certificate.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Agent, request } from 'undici';
import { makePki } from '../../../testenv/certs.js';
import { startOperator, type StartedOperator } from '../../support/operator.js';

describe('REST API over HTTPS (TAC_REST_TLS_CERT_FILE / TAC_REST_TLS_KEY_FILE)', function () {
  this.timeout(120_000);
  let op: StartedOperator;
  let dir: string;
  let ca: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tac-rest-tls-'));
    const pki = await makePki(dir);
    ca = await readFile(pki.caCert, 'utf8');
    op = await startOperator({
      env: { TAC_REST_TLS_CERT_FILE: pki.servingCert, TAC_REST_TLS_KEY_FILE: pki.servingKey },
    });
  });

  after(async () => {
    await op?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers over TLS with a certificate the CA verifies, and refuses plain HTTP', async () => {
    const port = op.operator.restPort();
    const dispatcher = new Agent({ connect: { ca } });
    try {
      const res = await request(`https://127.0.0.1:${port}/v2/nothing`, { dispatcher });
      expect(res.statusCode).to.equal(404);
      expect(await res.body.text()).to.equal('404 page not found\n');
    } finally {
      await dispatcher.close();
    }
    let plainFailed = false;
    try {
      const res = await request(`http://127.0.0.1:${port}/healthz`, { headersTimeout: 5000 });
      await res.body.dump();
      plainFailed = res.statusCode !== 200;
    } catch {
      plainFailed = true;
    }
    expect(plainFailed).to.equal(true);
  });
});
