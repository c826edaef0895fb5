// Acceptance test of EMCO's referential check through an orchestrator (TAC_EMCO_ORCHESTRATOR_URL):
// a create for a DIG the orchestrator does not know is EMCO's 409, after validation.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoreV1Api } from '@kubernetes/client-node';
import { expect } from 'chai';
import { kubeConfig, uniqueName } from '../../support/env.js';
import { startOperator, type StartedOperator } from '../../support/operator.js';
import { expectText, restClient, tacBase, type RestClient } from './http.js';

describe('REST API with an EMCO orchestrator: the DIG must exist', function () {
  this.timeout(120_000);
  let orchestrator: http.Server;
  let op: StartedOperator;
  let api: RestClient;
  const known = {
    project: 'p',
    compositeApp: 'a',
    compositeAppVersion: 'v1',
    deploymentIntentGroup: 'known',
  };
  const unknown = { ...known, deploymentIntentGroup: 'unknown' };

  before(async () => {
    orchestrator = http.createServer((req, res) => {
      res.statusCode =
        req.url === '/v2/projects/p/composite-apps/a/v1/deployment-intent-groups/known' ? 200 : 404;
      res.end(res.statusCode === 200 ? '{"metadata":{"name":"known"}}' : 'not found');
    });
    await new Promise<void>((r) => orchestrator.listen(0, '127.0.0.1', r));
    const ns = uniqueName('rest-orch');
    await kubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: ns } } });
    op = await startOperator({
      env: {
        TAC_DEFAULT_NAMESPACE: ns,
        TAC_EMCO_ORCHESTRATOR_URL: `http://127.0.0.1:${(orchestrator.address() as AddressInfo).port}`,
      },
    });
    api = restClient(op.restUrl);
  });

  after(async () => {
    await op?.stop();
    await new Promise((r) => orchestrator.close(r));
  });

  it('creates under a DIG the orchestrator knows; 409 parent not found otherwise (POST and PUT); 400 first', async () => {
    const body = JSON.stringify({ metadata: { name: 'i1' }, spec: { hookType: 'pre-install' } });
    expect((await api.call('POST', tacBase(known), { body })).status).to.equal(201);
    const parent = 'Cannot perform requested operation. Parent resource not found';
    expectText(await api.call('POST', tacBase(unknown), { body }), 409, parent);
    expectText(await api.call('PUT', `${tacBase(unknown)}/i1`, { body }), 409, parent);
    expect(
      (await api.call('POST', tacBase(unknown), { body: '{"metadata":{"name":"i1"}}' })).status,
    ).to.equal(400);
    expect((await api.call('GET', tacBase(unknown))).text).to.equal('null\n');
  });
});
