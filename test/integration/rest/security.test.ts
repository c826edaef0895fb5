// Acceptance tests of the REST API's secure defaults against the real API server (RBAC on), with
// ServiceAccount tokens from the TokenRequest API: authentication on by default with token
// audiences, resourceNames in access reviews, client certificates, /metrics without intent names,
// /status and /cancel only on the intent's runs, scoped lifecycle event ids, and a foreign
// temporalServer answered as EMCO answers an unreachable one (and never dialled).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import { Agent, request } from 'undici';
import { makePki } from '../../../testenv/certs.js';
import { resourceNameFor } from '../../../common/emco/names.js';
import { ANNOTATION_RUN_REQUEST } from '../../../common/domain/annotations.js';
import { kubeConfig, testEnv, uniqueName, waitFor } from '../../support/env.js';
import { startOperator, type StartedOperator } from '../../support/operator.js';
import { eventsPath, expectText, restClient, tacBase, type Dig, type RestClient } from './http.js';
import { clientCertificate, createNamespace, grant, serviceAccountToken, tacRule } from './rbac.js';

const AUDIENCE = 'tac-operator';
const INTENTS = ['temporalactionintents', 'temporalactionintents/status'];

function intentBody(name: string, port = 1): string {
  return JSON.stringify({
    metadata: { name },
    spec: {
      hookType: 'pre-install',
      workflowClient: { clientEndpointName: '127.0.0.1', clientEndpointPort: port },
      temporal: { workflowClientName: 'default', workflowStartOptions: { taskQueue: 'nobody-polls' } },
    },
  });
}

function newDig(): Dig {
  return {
    project: 'p',
    compositeApp: 'a',
    compositeAppVersion: 'v1',
    deploymentIntentGroup: uniqueName('dig'),
  };
}

describe('REST API security defaults on the real API server', function () {
  this.timeout(180_000);
  let ns: string;
  let op: StartedOperator;
  let api: RestClient;
  let dig: Dig;
  let base: string;
  /** ServiceAccount tokens for the operator's audience. */
  const tokens: Record<string, { user: string; token: string }> = {};

  before(async () => {
    ns = uniqueName('rest-sec');
    await createNamespace(ns);
    for (const who of ['editor', 'limited', 'outsider']) {
      tokens[who] = await serviceAccountToken(ns, who, [AUDIENCE]);
    }
    dig = newDig();
    base = tacBase(dig);
    await grant(ns, 'editor', [tacRule(['get', 'list', 'create', 'update', 'delete'], INTENTS)], {
      kind: 'ServiceAccount',
      namespace: ns,
      name: 'editor',
    });
    const mine = resourceNameFor({ ...dig, name: 'mine' });
    await grant(ns, 'limited', [tacRule(['get', 'update'], INTENTS, [mine])], {
      kind: 'ServiceAccount',
      namespace: ns,
      name: 'limited',
    });
    // TAC_REST_AUTH left unset (blank): the program's default must be authentication on.
    op = await startOperator({ env: { TAC_DEFAULT_NAMESPACE: ns, TAC_REST_AUTH: '' } });
    api = restClient(op.restUrl);
    for (const name of ['mine', 'theirs']) {
      const created = await api.call('POST', base, { body: intentBody(name), token: tokens.editor?.token });
      expect(created.status, created.text).to.equal(201);
    }
  });

  after(async () => {
    await op?.stop();
  });

  const token = (who: string): string => tokens[who]?.token ?? '';

  describe('authentication is on by default, with token audiences', () => {
    it('answers 401 without a token and logs no warning about auth being off', async () => {
      const a = await api.call('GET', base);
      expectText(a, 401, 'Unauthorized: this API requires a bearer token (Authorization: Bearer <token>)');
      expect(op.logs.some((l) => String(l.message).startsWith('REST authentication is off'))).to.equal(false);
    });

    it('accepts a token issued for the operator, refuses one issued for the API server', async () => {
      expect((await api.call('GET', base, { token: token('editor') })).status).to.equal(200);
      const forApi = await serviceAccountToken(ns, 'editor', []);
      const refused = await api.call('GET', base, { token: forApi.token });
      expect(refused.status).to.equal(401);
      // The API server itself refuses a token whose audience is not among the reviewed ones.
      expect(refused.text).to.match(/^Unauthorized: the bearer token was not accepted \(.*"tac-operator"/);
    });

    it('an identity without any role: 403', async () => {
      expectText(
        await api.call('GET', base, { token: token('outsider') }),
        403,
        `Forbidden: User "${tokens.outsider?.user}" cannot list resource "temporalactionintents" in API group "tac.emco.io" in the namespace "${ns}"`,
      );
    });

    it('access reviews carry the intent name: a resourceNames role reaches its intent only', async () => {
      expect((await api.call('GET', `${base}/mine`, { token: token('limited') })).status).to.equal(200);
      expect(
        (await api.call('GET', `${base}/mine/status`, { body: '{}', token: token('limited') })).status,
      ).to.equal(200);
      const other = await api.call('GET', `${base}/theirs`, { token: token('limited') });
      expectText(
        other,
        403,
        `Forbidden: User "${tokens.limited?.user}" cannot get resource "temporalactionintents" in API group "tac.emco.io" in the namespace "${ns}"`,
      );
      expect(
        (await api.call('GET', `${base}/theirs/status`, { body: '{}', token: token('limited') })).status,
      ).to.equal(403);
      // A list is not about one name: resourceNames rules never grant it.
      expect((await api.call('GET', base, { token: token('limited') })).status).to.equal(403);
    });

    it('turning authentication off is explicit and logged as a warning at start', async () => {
      const open = await startOperator({
        env: { TAC_DEFAULT_NAMESPACE: ns, TAC_REST_AUTH: 'none' },
        waitForLeadership: false,
      });
      try {
        const warning = open.logs.find((l) => String(l.message).startsWith('REST authentication is off'));
        expect(warning?.level).to.equal('warn');
        expect((await restClient(open.restUrl).call('GET', base)).status).to.equal(200);
      } finally {
        await open.stop();
      }
    });
  });

  describe('/metrics', () => {
    it('names no intent, DIG or endpoint by default; the EMCO gauge only when configured', async () => {
      const text = (await api.call('GET', '/metrics')).text;
      expect(text).to.include('tac_rest_request_duration_seconds');
      for (const secret of ['mine', 'theirs', dig.deploymentIntentGroup, 'emco_tac_intent{']) {
        expect(text).not.to.include(secret);
      }
      const gauge = await startOperator({
        env: { TAC_DEFAULT_NAMESPACE: ns, TAC_REST_AUTH: 'none', TAC_METRICS_INTENT_GAUGE: 'true' },
        waitForLeadership: false,
      });
      try {
        const labelled = (await restClient(gauge.restUrl).call('GET', '/metrics')).text;
        expect(labelled).to.include(`deployment_intent_group="${dig.deploymentIntentGroup}"`);
      } finally {
        await gauge.stop();
      }
    });
  });

  describe('/status and /cancel act only on the runs of the intent they name', () => {
    let connection: Connection;
    let temporal: Client;
    let foreignId: string;

    before(async () => {
      connection = await Connection.connect({ address: testEnv().temporalAddress });
      temporal = new Client({ connection, namespace: testEnv().temporalNamespace });
      foreignId = uniqueName('not-yours');
      await temporal.workflow.start('nobodyRunsThis', {
        taskQueue: uniqueName('no-worker'),
        workflowId: foreignId,
      });
      await serviceAccountToken(ns, 'workflow-admin', [AUDIENCE]).then((t) => (tokens['workflow-admin'] = t));
      await grant(
        ns,
        'workflow-admin',
        [tacRule(['get', 'update'], [...INTENTS, 'temporalactionintents/workflows'])],
        {
          kind: 'ServiceAccount',
          namespace: ns,
          name: 'workflow-admin',
        },
      );
    });

    after(async () => {
      await temporal?.workflow
        .getHandle(foreignId)
        .terminate('test over')
        .catch(() => undefined);
      await connection?.close();
    });

    const cancelBody = (workflowID: string): string =>
      JSON.stringify({ spec: { workflowID, terminate: true, reason: 'test' } });

    it('an allowed caller cannot reach a workflow that is not a run of the intent (404, nothing happens)', async () => {
      const cancel = await api.call('POST', `${base}/mine/cancel`, {
        body: cancelBody(foreignId),
        token: token('editor'),
      });
      expect(cancel.status).to.equal(404);
      expect(cancel.text).to.match(/^workflow ".*" is not a run recorded for intent /);
      const status = await api.call('GET', `${base}/mine/status`, {
        body: JSON.stringify({ workflowID: foreignId, runDescribeWfExec: true }),
        token: token('editor'),
      });
      expect(status.status).to.equal(404);
      expect((await temporal.workflow.getHandle(foreignId).describe()).status.name).to.equal('RUNNING');
    });

    it('with arbitrary ids allowed: only a caller granted the workflows subresource reaches them', async () => {
      const emcoLike = await startOperator({
        env: {
          TAC_DEFAULT_NAMESPACE: ns,
          TAC_REST_AUTH: 'kubernetes',
          TAC_REST_ARBITRARY_WORKFLOW_IDS: 'true',
        },
        waitForLeadership: false,
      });
      try {
        const emco = restClient(emcoLike.restUrl);
        expectText(
          await emco.call('POST', `${base}/mine/cancel`, {
            body: cancelBody(foreignId),
            token: token('editor'),
          }),
          403,
          `Forbidden: User "${tokens.editor?.user}" cannot update resource "temporalactionintents/workflows" in API group "tac.emco.io" in the namespace "${ns}"`,
        );
        expect((await temporal.workflow.getHandle(foreignId).describe()).status.name).to.equal('RUNNING');
        const allowed = await emco.call('POST', `${base}/mine/cancel`, {
          body: cancelBody(foreignId),
          token: token('workflow-admin'),
        });
        expect(allowed.status, allowed.text).to.equal(204);
        expect((await temporal.workflow.getHandle(foreignId).describe()).status.name).to.equal('TERMINATED');
      } finally {
        await emcoLike.stop();
      }
    });
  });

  describe('a foreign temporalServer', () => {
    let foreign: net.Server;
    let dialled = 0;
    let foreignAddress: string;

    before(async () => {
      foreign = net.createServer((socket) => {
        dialled += 1;
        socket.destroy();
      });
      await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
      foreignAddress = `127.0.0.1:${(foreign.address() as net.AddressInfo).port}`;
    });

    after(async () => {
      await new Promise<void>((resolve) => foreign.close(() => resolve()));
    });

    it('is answered as EMCO answers an unreachable server, after the intent lookup, and never dialled', async () => {
      const cancelBody = JSON.stringify({ spec: { temporalServer: foreignAddress } });
      expectText(
        await api.call('POST', `${base}/nope/cancel`, { body: cancelBody, token: token('editor') }),
        404,
        'Workflow Intent Hook not found',
      );
      const cancel = await api.call('POST', `${base}/mine/cancel`, {
        body: cancelBody,
        token: token('editor'),
      });
      expect(cancel.status).to.equal(500);
      expect(cancel.text).to.match(
        new RegExp(
          `^CancelWorkflowIntent: Failed to connect to Temporal server \\(${foreignAddress}\\)\\. Error: `,
        ),
      );
      const statusBody = JSON.stringify({ temporalServer: foreignAddress, runDescribeWfExec: true });
      expectText(
        await api.call('GET', `${base}/nope/status`, { body: statusBody, token: token('editor') }),
        404,
        'Workflow Hook not found',
      );
      const status = await api.call('GET', `${base}/mine/status`, {
        body: statusBody,
        token: token('editor'),
      });
      expect(status.status).to.equal(500);
      expect(status.text).to.match(
        new RegExp(`^failed to connect to Temporal server \\(${foreignAddress}\\)\\. Error: `),
      );
      // A caller without access learns nothing about the server check.
      expect(
        (await api.call('POST', `${base}/mine/cancel`, { body: cancelBody, token: token('outsider') }))
          .status,
      ).to.equal(403);
      expect(dialled).to.equal(0);
    });
  });

  describe('lifecycle event ids are scoped by namespace, DIG and hook', () => {
    let attackerNs: string;

    before(async () => {
      attackerNs = uniqueName('rest-sec-b');
      await createNamespace(attackerNs);
      tokens.attacker = await serviceAccountToken(attackerNs, 'attacker', [AUDIENCE]);
      await grant(attackerNs, 'attacker', [tacRule(['get', 'update'], INTENTS)], {
        kind: 'ServiceAccount',
        namespace: attackerNs,
        name: 'attacker',
      });
    });

    it("a pre-fired id in another namespace does not answer the real event, whose poll is the owner's", async () => {
      const eventId = 'deploy-42';
      const events = eventsPath(dig);
      expect(
        (
          await api.call('POST', events, {
            body: JSON.stringify({ hookType: 'pre-install', eventId, namespace: ns }),
            token: token('attacker'),
          })
        ).status,
      ).to.equal(403);
      const preFired = await api.call('POST', events, {
        body: JSON.stringify({ hookType: 'pre-install', eventId, namespace: attackerNs }),
        token: token('attacker'),
      });
      expect(preFired.status, preFired.text).to.equal(200);
      expect((JSON.parse(preFired.text) as { intents: unknown[] }).intents).to.deep.equal([]);

      const real = await api.call('POST', `${events}?async=true`, {
        body: JSON.stringify({ hookType: 'pre-install', eventId }),
        token: token('editor'),
      });
      expect(real.status, real.text).to.equal(202);
      const accepted = JSON.parse(real.text) as { statusUrl: string; eventId: string };
      expect(accepted.eventId).to.equal(eventId);
      expect(accepted.statusUrl).not.to.include(eventId);
      // The real event ran: the owner's intents got a run request with its id.
      const custom = kubeConfig().makeApiClient(CustomObjectsApi);
      await waitFor(
        async () => {
          const obj = (await custom.getNamespacedCustomObject({
            group: 'tac.emco.io',
            version: 'v1alpha1',
            namespace: ns,
            plural: 'temporalactionintents',
            name: resourceNameFor({ ...dig, name: 'mine' }),
          })) as {
            metadata?: { annotations?: Record<string, string> };
            status?: { lastRun?: { id?: string } };
          };
          const requested = obj.metadata?.annotations?.[ANNOTATION_RUN_REQUEST] ?? '';
          return requested.includes(`"id":"${eventId}"`) || obj.status?.lastRun?.id === eventId;
        },
        { what: 'the real event to request a run of intent mine', timeoutMs: 30_000 },
      );
      const polled = await api.call('GET', accepted.statusUrl, { token: token('editor') });
      expect(polled.status, polled.text).to.equal(200);
      expect((JSON.parse(polled.text) as { eventId: string }).eventId).to.equal(eventId);
      expectText(
        await api.call('GET', accepted.statusUrl, { token: token('attacker') }),
        403,
        `Forbidden: User "${tokens.attacker?.user}" cannot get resource "temporalactionintents/status" in API group "tac.emco.io" in the namespace "${ns}"`,
      );
      expect(
        (await api.call('GET', `/tac/v1/lifecycle-events/${eventId}`, { token: token('editor') })).status,
      ).to.equal(404);
    });
  });

  describe('client certificates for callers without a Kubernetes token', () => {
    let dir: string;
    let tlsOp: StartedOperator;
    let ca: string;
    const certs: Record<string, { cert: string; key: string }> = {};

    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'tac-rest-mtls-'));
      const pki = await makePki(dir);
      // Another CA's certificate for the same name must not count.
      const otherDir = await mkdtemp(path.join(dir, 'other-'));
      await makePki(otherDir);
      ca = await readFile(pki.caCert, 'utf8');
      certs.orchestrator = await clientCertificate(dir, 'orchestrator', '/O=emco/CN=emco-orchestrator');
      certs.stranger = await clientCertificate(dir, 'stranger', '/CN=stranger');
      certs.foreign = await clientCertificate(otherDir, 'foreign', '/CN=emco-orchestrator');
      await grant(ns, 'emco-orchestrator', [tacRule(['get', 'list'], INTENTS)], {
        kind: 'User',
        name: 'emco-orchestrator',
      });
      tlsOp = await startOperator({
        env: {
          TAC_DEFAULT_NAMESPACE: ns,
          TAC_REST_AUTH: 'kubernetes',
          TAC_REST_TLS_CERT_FILE: pki.servingCert,
          TAC_REST_TLS_KEY_FILE: pki.servingKey,
          TAC_REST_CLIENT_CA_FILE: pki.caCert,
        },
        waitForLeadership: false,
      });
    });

    after(async () => {
      await tlsOp?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    async function callWith(
      who: string | undefined,
      path: string,
    ): Promise<{ status: number; text: string }> {
      const c = who !== undefined ? certs[who] : undefined;
      const dispatcher = new Agent({
        connect: { ca, ...(c !== undefined ? { cert: c.cert, key: c.key } : {}) },
      });
      try {
        const res = await request(`https://127.0.0.1:${tlsOp.operator.restPort()}${path}`, { dispatcher });
        return { status: res.statusCode, text: await res.body.text() };
      } finally {
        await dispatcher.close();
      }
    }

    it('a certificate from the client CA is an identity authorized with RBAC; others are not', async () => {
      expect((await callWith('orchestrator', base)).status).to.equal(200);
      const stranger = await callWith('stranger', base);
      expect(stranger).to.deep.equal({
        status: 403,
        text: `Forbidden: User "stranger" cannot list resource "temporalactionintents" in API group "tac.emco.io" in the namespace "${ns}"\n`,
      });
      expect((await callWith('foreign', base)).status).to.equal(401);
      expect((await callWith(undefined, base)).status).to.equal(401);
    });
  });
});
