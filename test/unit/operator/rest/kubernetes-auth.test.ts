import type { V1SubjectAccessReview, V1TokenReview } from '@kubernetes/client-node';
import { expect } from 'chai';
import {
  bearerToken,
  KubernetesAuth,
  type KubernetesAuthApis,
} from '../../../../operator/rest/kubernetes-auth.js';
import { HttpError } from '../../../../operator/rest/reply.js';

interface Calls {
  tokenReviews: V1TokenReview[];
  accessReviews: V1SubjectAccessReview[];
}

function fakeApis(
  users: Record<string, string>,
  allowed: (user: string, verb: string) => boolean,
): { apis: KubernetesAuthApis; calls: Calls } {
  const calls: Calls = { tokenReviews: [], accessReviews: [] };
  return {
    calls,
    apis: {
      tokenReview: {
        createTokenReview: ({ body }) => {
          calls.tokenReviews.push(body);
          const user = users[body.spec.token ?? ''];
          return Promise.resolve({
            spec: body.spec,
            status:
              user === undefined
                ? { authenticated: false, error: 'invalid bearer token' }
                : { authenticated: true, user: { username: user, groups: ['system:authenticated'] } },
          });
        },
      },
      subjectAccessReview: {
        createSubjectAccessReview: ({ body }) => {
          calls.accessReviews.push(body);
          const ok = allowed(body.spec.user ?? '', body.spec.resourceAttributes?.verb ?? '');
          return Promise.resolve({ spec: body.spec, status: { allowed: ok } });
        },
      },
    },
  };
}

async function rejection(p: Promise<unknown>): Promise<HttpError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('operator/rest/kubernetes-auth', () => {
  it('reads bearer tokens', () => {
    expect(bearerToken('Bearer abc')).to.equal('abc');
    expect(bearerToken('bearer  abc ')).to.equal('abc');
    expect(bearerToken('Basic abc')).to.equal(undefined);
    expect(bearerToken(undefined)).to.equal(undefined);
  });

  it('answers 401 without a token and with a rejected one', async () => {
    const { apis } = fakeApis({ good: 'alice' }, () => true);
    const auth = new KubernetesAuth(apis);
    const none = await rejection(auth.authenticate(undefined));
    expect(none.status).to.equal(401);
    expect(none.reply.headers?.['WWW-Authenticate']).to.match(/^Bearer/);
    const bad = await rejection(auth.authenticate('Bearer nope'));
    expect(bad.status).to.equal(401);
    expect(bad.message).to.equal('Unauthorized: the bearer token was not accepted (invalid bearer token)');
  });

  it('reviews each token once while cached', async () => {
    let now = 1000;
    const { apis, calls } = fakeApis({ good: 'alice' }, () => true);
    const auth = new KubernetesAuth(apis, { cacheTtlMs: 100, now: () => now });
    expect((await auth.authenticate('Bearer good')).username).to.equal('alice');
    await auth.authenticate('Bearer good');
    expect(calls.tokenReviews).to.have.length(1);
    now += 101;
    await auth.authenticate('Bearer good');
    expect(calls.tokenReviews).to.have.length(2);
  });

  it('caches rejections and denials for the TTL too (a flood of bad tokens costs one review each)', async () => {
    let now = 0;
    const { apis, calls } = fakeApis({ t: 'bob' }, () => false);
    const auth = new KubernetesAuth(apis, { cacheTtlMs: 100, now: () => now });
    await rejection(auth.authenticate('Bearer x'));
    await rejection(auth.authenticate('Bearer x'));
    expect(calls.tokenReviews).to.have.length(1);
    const user = await auth.authenticate('Bearer t');
    await rejection(auth.authorize(user, { verb: 'get', namespace: 'tac' }));
    await rejection(auth.authorize(user, { verb: 'get', namespace: 'tac' }));
    expect(calls.accessReviews).to.have.length(1);
    now += 101;
    await rejection(auth.authenticate('Bearer x'));
    await rejection(auth.authorize(user, { verb: 'get', namespace: 'tac' }));
    expect(calls.tokenReviews).to.have.length(3);
    expect(calls.accessReviews).to.have.length(2);
  });

  it('shares one review among concurrent requests with the same token and check', async () => {
    const { apis, calls } = fakeApis({ t: 'bob' }, () => true);
    const auth = new KubernetesAuth(apis);
    const users = await Promise.all([1, 2, 3].map(() => auth.authenticate('Bearer t')));
    await Promise.all(users.map((u) => auth.authorize(u, { verb: 'get', namespace: 'n', name: 'i' })));
    expect(calls.tokenReviews).to.have.length(1);
    expect(calls.accessReviews).to.have.length(1);
  });

  it('reviews tokens for the configured audiences and refuses a token valid for none of them', async () => {
    const calls: V1TokenReview[] = [];
    const auth = new KubernetesAuth(
      {
        tokenReview: {
          createTokenReview: ({ body }) => {
            calls.push(body);
            const audiences =
              body.spec.token === 'for-us' ? ['tac-operator'] : ['https://kubernetes.default.svc'];
            return Promise.resolve({
              spec: body.spec,
              status: { authenticated: true, user: { username: 'alice' }, audiences },
            });
          },
        },
        subjectAccessReview: { createSubjectAccessReview: () => Promise.reject(new Error('unused')) },
      },
      { audiences: ['tac-operator'] },
    );
    expect((await auth.authenticate('Bearer for-us')).username).to.equal('alice');
    expect(calls[0]?.spec.audiences).to.deep.equal(['tac-operator']);
    const refused = await rejection(auth.authenticate('Bearer for-the-api-server'));
    expect(refused.status).to.equal(401);
    expect(refused.message).to.equal(
      'Unauthorized: the bearer token was not accepted (the token is not issued for the audience tac-operator)',
    );
  });

  it('puts the resource name into the SubjectAccessReview (resourceNames rules)', async () => {
    const { apis, calls } = fakeApis({ t: 'bob' }, () => true);
    const auth = new KubernetesAuth(apis);
    const user = await auth.authenticate('Bearer t');
    await auth.authorize(user, { verb: 'get', namespace: 'tac', subresource: 'status', name: 'mine' });
    expect(calls.accessReviews[0]?.spec.resourceAttributes).to.deep.include({
      name: 'mine',
      subresource: 'status',
    });
  });

  it('asks a SubjectAccessReview for the verb on temporalactionintents and answers 403 with the reason', async () => {
    const { apis, calls } = fakeApis({ t: 'bob' }, (_u, verb) => verb === 'get');
    const auth = new KubernetesAuth(apis);
    const user = await auth.authenticate('Bearer t');
    await auth.authorize(user, { verb: 'get', namespace: 'tac' });
    const denied = await rejection(auth.authorize(user, { verb: 'create', namespace: 'tac' }));
    expect(denied.status).to.equal(403);
    expect(denied.message).to.equal(
      'Forbidden: User "bob" cannot create resource "temporalactionintents" in API group "tac.emco.io" in the namespace "tac"',
    );
    const attrs = calls.accessReviews[1]?.spec.resourceAttributes;
    expect(attrs).to.deep.equal({
      group: 'tac.emco.io',
      resource: 'temporalactionintents',
      verb: 'create',
      namespace: 'tac',
    });
  });

  it('bounds its caches', async () => {
    const users: Record<string, string> = {};
    for (let i = 0; i < 20; i++) users[`t${i}`] = `u${i}`;
    const { apis, calls } = fakeApis(users, () => true);
    const auth = new KubernetesAuth(apis, { cacheMaxEntries: 5 });
    for (let i = 0; i < 20; i++) await auth.authenticate(`Bearer t${i}`);
    await auth.authenticate('Bearer t0');
    expect(calls.tokenReviews).to.have.length(21);
    await auth.authenticate('Bearer t19');
    expect(calls.tokenReviews).to.have.length(21);
  });

  it('answers 503 when the API server cannot review', async () => {
    const auth = new KubernetesAuth({
      tokenReview: { createTokenReview: () => Promise.reject(new Error('connect ECONNREFUSED')) },
      subjectAccessReview: { createSubjectAccessReview: () => Promise.reject(new Error('down')) },
    });
    expect((await rejection(auth.authenticate('Bearer x'))).status).to.equal(503);
  });
});
