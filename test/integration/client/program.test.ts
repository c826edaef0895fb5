import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { makePki } from '../../../testenv/certs.js';
import { uniqueName, waitFor } from '../../support/env.js';
import { spawnJsonProgram, type JsonProgram } from '../../support/json-program.js';
import type { TemporalFixture } from '../worker/temporal-fixture.js';
import { temporalFixture } from '../worker/temporal-fixture.js';

type Program = JsonProgram;

function spawnClient(env: Record<string, string>): Program {
  return spawnJsonProgram('client/main.ts', env);
}

describe('workflow-client program (tsx client/main.ts)', function () {
  this.timeout(120_000);
  let fx: TemporalFixture;
  let dir: string;
  let program: Program | undefined;

  before(async () => {
    fx = await temporalFixture();
    dir = await mkdtemp(path.join(tmpdir(), 'tac-client-'));
  });
  afterEach(() => {
    if (program !== undefined && program.child.exitCode === null) program.child.kill('SIGKILL');
    program = undefined;
  });
  after(async () => {
    await fx?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves /invoke over TLS with a bearer token, and stops with exit 0 on SIGTERM', async () => {
    const pki = await makePki(dir);
    const p = spawnClient({
      TEMPORAL_ADDRESS: fx.address,
      TAC_CLIENT_HOST: '127.0.0.1',
      TAC_CLIENT_PORT: '0',
      TAC_CLIENT_TLS_CERT_FILE: pki.servingCert,
      TAC_CLIENT_TLS_KEY_FILE: pki.servingKey,
      TAC_CLIENT_TOKEN: 'program-test-token',
    });
    program = p;
    const listening = await waitFor(() => p.lines.find((l) => l['message'] === 'Listening'), {
      what: 'the client to listen',
      timeoutMs: 60_000,
    });
    const url = String(listening['url']);
    expect(url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
    const dispatcher = new Agent({ connect: { ca: await readFile(pki.caCert, 'utf8') } });

    const id = uniqueName('program');
    const body = JSON.stringify({ workflowStartOptions: { ID: id, TaskQueue: uniqueName('q') } });
    const denied = await request(`${url}/invoke/default`, { method: 'POST', body, dispatcher });
    expect(denied.statusCode).to.equal(401);
    expect(await denied.body.text()).to.equal('missing or invalid bearer token\n');
    const res = await request(`${url}/invoke/default`, {
      method: 'POST',
      body,
      dispatcher,
      headers: { authorization: 'Bearer program-test-token' },
    });
    expect(res.statusCode).to.equal(204);
    await res.body.text();
    expect(res.headers['x-workflow-id']).to.equal(id);
    await fx.client.workflow.getHandle(id).terminate('test done');
    await dispatcher.close();

    p.child.kill('SIGTERM');
    expect(await p.exited).to.equal(0);
    const messages = p.lines.map((l) => l['message']);
    expect(messages).to.include.members(['Started workflow', 'Shutting down', 'Stopped']);
    expect(JSON.stringify(p.lines)).not.to.contain('program-test-token');
  });

  it('refuses a bad configuration with exit code 2 and a message naming the variable', async () => {
    const p = spawnClient({ TAC_CLIENT_PORT: 'ninety' });
    program = p;
    expect(await p.exited).to.equal(2);
    const line = p.lines.find((l) => l['message'] === 'Invalid configuration');
    expect(line?.['error']).to.equal('TAC_CLIENT_PORT: expected a port number 0-65535, got "ninety"');
  });
});
