import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { digUrl, orchestratorParentCheck, PARENT_NOT_FOUND } from '../../../../operator/rest/parent-check.js';
import { HttpError } from '../../../../operator/rest/reply.js';

const dig = { project: 'p 1', compositeApp: 'ca', compositeAppVersion: 'v1', deploymentIntentGroup: 'd/1' };

async function status(check: ReturnType<typeof orchestratorParentCheck>): Promise<number> {
  try {
    await check.digExists(dig);
    return 0;
  } catch (err) {
    if (err instanceof HttpError) return err.status;
    throw err;
  }
}

describe('operator/rest/parent-check (EMCO orchestrator)', () => {
  let server: http.Server;
  let url: string;
  const seen: string[] = [];
  let answer = 200;

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      res.statusCode = answer;
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
  });

  it('asks for the DIG with escaped path segments', async () => {
    answer = 200;
    expect(await status(orchestratorParentCheck(url))).to.equal(0);
    expect(seen.at(-1)).to.equal('/v2/projects/p%201/composite-apps/ca/v1/deployment-intent-groups/d%2F1');
    expect(digUrl('http://emco/', dig)).to.equal(
      'http://emco/v2/projects/p%201/composite-apps/ca/v1/deployment-intent-groups/d%2F1',
    );
  });

  it("maps 404 to EMCO's 409 parent-not-found, other answers and failures to 503", async () => {
    answer = 404;
    const check = orchestratorParentCheck(url);
    try {
      await check.digExists(dig);
      expect.fail('expected a 409');
    } catch (err) {
      expect(err).to.be.instanceOf(HttpError);
      expect((err as HttpError).status).to.equal(409);
      expect((err as HttpError).message).to.equal(PARENT_NOT_FOUND);
    }
    answer = 500;
    expect(await status(check)).to.equal(503);
    expect(await status(orchestratorParentCheck('http://127.0.0.1:1'))).to.equal(503);
  });
});
