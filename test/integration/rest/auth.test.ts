// Acceptance test of REST authentication against the real API server: TokenReview of the bearer
// token, SubjectAccessReview of the route's verb on temporalactionintents in the REST namespace.
import { CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { expect } from 'chai';
import { kubeConfig, testEnv, uniqueName } from '../../support/env.js';
import { startOperator, type StartedOperator } from '../../support/operator.js';
import { eventsPath, expectText, restClient, tacBase, type Dig, type RestClient } from './http.js';

function body(name: string): string {
  return JSON.stringify({ metadata: { name }, spec: { hookType: 'pre-install' } });
}

describe('REST API authentication (TAC_REST_AUTH=kubernetes) on the real API server', function () {
  this.timeout(120_000);
  let op: StartedOperator;
  let api: RestClient;
  let ns: string;
  let base: string;
  let dig: Dig;
  const token = (identity: string): string => {
    const id = testEnv().identities[identity];
    if (id === undefined) throw new Error(`no identity ${identity} in the test environment`);
    return id.token;
  };
  const user = (identity: string): string => testEnv().identities[identity]?.user ?? '';

  before(async () => {
    ns = uniqueName('rest-auth');
    const kc = kubeConfig();
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: ns } } });
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const grant = async (name: string, verbs: string[], who: string): Promise<void> => {
      await rbac.createNamespacedRole({
        namespace: ns,
        body: {
          metadata: { name },
          rules: [
            {
              apiGroups: ['tac.emco.io'],
              resources: ['temporalactionintents', 'temporalactionintents/status'],
              verbs,
            },
          ],
        },
      });
      await rbac.createNamespacedRoleBinding({
        namespace: ns,
        body: {
          metadata: { name },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: who }],
        },
      });
    };
    await grant('tai-editor', ['get', 'list', 'create', 'update', 'delete'], user('alice'));
    await grant('tai-viewer', ['get', 'list'], user('bob'));
    // The environment's static tokens are valid for the API server's audiences, which an empty
    // TAC_REST_AUTH_AUDIENCES accepts (tokens for the default audience: security.test.ts).
    op = await startOperator({
      env: { TAC_DEFAULT_NAMESPACE: ns, TAC_REST_AUTH: 'kubernetes', TAC_REST_AUTH_AUDIENCES: '' },
    });
    api = restClient(op.restUrl);
    dig = {
      project: 'p',
      compositeApp: 'a',
      compositeAppVersion: 'v1',
      deploymentIntentGroup: uniqueName('dig'),
    };
    base = tacBase(dig);
  });

  after(async () => {
    await op?.stop();
  });

  it('no token: 401 with a Bearer challenge', async () => {
    const a = await api.call('POST', base, { body: body('x') });
    expectText(a, 401, 'Unauthorized: this API requires a bearer token (Authorization: Bearer <token>)');
    expect(a.headers['www-authenticate']).to.match(/^Bearer /);
    expect((await api.call('GET', base)).status).to.equal(401);
  });

  it('an invalid token: 401', async () => {
    const a = await api.call('GET', base, { token: 'not-a-real-token' });
    expect(a.status).to.equal(401);
    expect(a.text).to.match(/^Unauthorized: the bearer token was not accepted/);
  });

  it('an identity that may not create intents (nobody, bob): 403; one that may (alice): 201', async () => {
    for (const who of ['nobody', 'bob']) {
      expectText(
        await api.call('POST', base, { body: body('x'), token: token(who) }),
        403,
        `Forbidden: User "${user(who)}" cannot create resource "temporalactionintents" in API group "tac.emco.io" in the namespace "${ns}"`,
      );
    }
    const created = await api.call('POST', base, { body: body('by-alice'), token: token('alice') });
    expect(created.status, created.text).to.equal(201);
  });

  it('a viewer may read but not change or delete, nor cancel or fire events', async () => {
    await api.call('POST', base, { body: body('readable'), token: token('alice') });
    expect((await api.call('GET', `${base}/readable`, { token: token('bob') })).status).to.equal(200);
    expect((await api.call('GET', base, { token: token('bob') })).status).to.equal(200);
    expect(
      (await api.call('GET', `${base}/readable/status`, { body: '{}', token: token('bob') })).status,
    ).to.equal(200);
    expect(
      (await api.call('PUT', `${base}/readable`, { body: body('readable'), token: token('bob') })).status,
    ).to.equal(403);
    expect((await api.call('DELETE', `${base}/readable`, { token: token('bob') })).status).to.equal(403);
    expect(
      (await api.call('POST', `${base}/readable/cancel`, { body: '{}', token: token('bob') })).status,
    ).to.equal(403);
    const fire = await api.call('POST', eventsPath(dig), {
      body: '{"hookType":"post-update"}',
      token: token('bob'),
    });
    expectText(
      fire,
      403,
      `Forbidden: User "${user('bob')}" cannot update resource "temporalactionintents/status" in API group "tac.emco.io" in the namespace "${ns}"`,
    );
    expect((await api.call('GET', base, { token: token('nobody') })).status).to.equal(403);
  });

  it('leaves /healthz, /readyz, /metrics and /openapi.yaml open', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.yaml']) {
      expect((await api.call('GET', path)).status, path).to.equal(200);
    }
  });

  it('never writes a token into the logs', () => {
    const text = JSON.stringify(op.logs);
    for (const who of ['alice', 'bob', 'nobody']) expect(text).not.to.include(token(who));
  });
});
