import type { V1SubjectAccessReview, V1TokenReview } from '@kubernetes/client-node';
import http from 'node:http';
import net from 'node:net';
import { expect } from 'chai';
import { request } from 'undici';
import { intent as intentFixture } from '../../../support/builders.js';
import { createOperatorMetrics } from '../../../../operator/metrics.js';
import { StoreError } from '../../../../operator/ports.js';
import { HttpError } from '../../../../operator/rest/reply.js';
import { createRestServer } from '../../../../operator/rest/server.js';
import { silentLogger } from '../../../../common/log.js';
import winston from 'winston';
import Transport from 'winston-transport';
import { waitFor } from '../../../support/env.js';
import { FakeLifecycle, FakeStore, FakeTemporal, startHarness, type Harness } from './fakes.js';

const BASE = '/v2/projects/p1/composite-apps/ca/v1/deployment-intent-groups/dig1/temporal-action-controller';
const OTHER_DIG =
  '/v2/projects/p1/composite-apps/ca/v1/deployment-intent-groups/dig2/temporal-action-controller';

/** The TAC unit test body of EMCO (lower-case keys, a dropped unknown key). */
const EMCO_BODY = JSON.stringify({
  metadata: { name: 'testworkflowintent' },
  spec: {
    hookType: 'pre-install',
    workflowClient: { clientEndpointName: 'endpoint1', clientEndpointPort: 9091 },
    temporal: {
      workflowClientName: 'client1',
      workflowStartOptions: { id: 'xyz', taskQueue: 'my-task-queue' },
      workflowParams: { activityOptions: {}, activityParams: {} },
    },
    unknownKey: 1,
  },
});
const EMCO_ECHO =
  '{"metadata":{"name":"testworkflowintent","description":"","userData1":"","userData2":""},"spec":{"hookType":"pre-install","workflowClient":{"clientEndpointName":"endpoint1","clientEndpointPort":9091},"temporal":{"workflowClientName":"client1","workflowStartOptions":{"ID":"xyz","TaskQueue":"my-task-queue","WorkflowExecutionTimeout":0,"WorkflowRunTimeout":0,"WorkflowTaskTimeout":0,"WorkflowIDReusePolicy":0,"WorkflowExecutionErrorWhenAlreadyStarted":false,"RetryPolicy":null,"CronSchedule":"","Memo":null,"SearchAttributes":null},"workflowParams":{}}}}\n';

function body(name: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    metadata: { name },
    spec: { hookType: 'pre-install', temporal: { workflowStartOptions: { TaskQueue: 'q' } }, ...extra },
  });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

let h: Harness;

async function call(
  method: string,
  path: string,
  options: { body?: string | Buffer; headers?: Record<string, string>; url?: string } = {},
): Promise<Answer> {
  const res = await request(`${options.url ?? h.url}${path}`, {
    method: method as 'GET',
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.headers !== undefined ? { headers: options.headers } : {}),
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

/** A request whose path is sent exactly as written (undici normalizes dot segments). */
function rawCall(method: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(h.url);
    const req = http.request({ host: hostname, port, method, path }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

function expectText(a: Answer, status: number, text: string): void {
  expect({ status: a.status, text: a.text }).to.deep.equal({ status, text: `${text}\n` });
  expect(a.headers['content-type']).to.equal('text/plain; charset=utf-8');
  expect(a.headers['x-content-type-options']).to.equal('nosniff');
}

function expectJson(a: Answer, status: number): unknown {
  expect(a.status, a.text).to.equal(status);
  expect(a.headers['content-type']).to.equal('application/json');
  expect(a.text.endsWith('\n')).to.equal(true);
  return JSON.parse(a.text);
}

describe('operator/rest/server (HTTP, in-memory ports)', () => {
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  describe('TAC intents', () => {
    it('creates with 201 and the canonical echo, then gets and lists the same document', async () => {
      const created = await call('POST', BASE, { body: EMCO_BODY });
      expect(created.status).to.equal(201);
      expect(created.headers['content-type']).to.equal('application/json');
      expect(created.text).to.equal(EMCO_ECHO);
      const got = await call('GET', `${BASE}/testworkflowintent`);
      expect(got.status).to.equal(200);
      expect(got.text).to.equal(EMCO_ECHO);
      const listed = await call('GET', BASE);
      expect(listed.status).to.equal(200);
      expect(listed.text).to.equal(`[${EMCO_ECHO.trimEnd()}]\n`);
    });

    it('stores the intent in the REST namespace with the EMCO name kept', async () => {
      await call('POST', BASE, { body: body('My_Intent.1') });
      const [obj] = [...h.store.objects.values()];
      expect(obj?.metadata.namespace).to.equal('tac');
      expect(obj?.metadata.annotations?.['tac.emco.io/name']).to.equal('My_Intent.1');
      expect(obj?.spec.deploymentIntentGroup).to.equal('dig1');
      expect((await call('GET', `${BASE}/My_Intent.1`)).status).to.equal(200);
    });

    it('lists what the DIG holds after a member is added, replaced and deleted', async () => {
      const names = async (): Promise<string[]> =>
        (expectJson(await call('GET', BASE), 200) as Array<{ metadata: { name: string } }> | null)?.map(
          (i) => i.metadata.name,
        ) ?? [];
      await call('POST', BASE, { body: body('first') });
      expect(await names()).to.deep.equal(['first']);
      expect(await names(), 'a repeated list').to.deep.equal(['first']);
      await call('POST', BASE, { body: body('second') });
      expect(await names(), 'after an add').to.deep.equal(['first', 'second']);
      await call('PUT', `${BASE}/second`, {
        body: body('second', { workflowClient: { clientEndpointName: 'changed', clientEndpointPort: 1 } }),
      });
      const listed = expectJson(await call('GET', BASE), 200) as Array<{
        spec: { workflowClient: { clientEndpointName: string } };
      }>;
      expect(listed[1]?.spec.workflowClient.clientEndpointName, 'after a replace').to.equal('changed');
      expect((await call('DELETE', `${BASE}/first`)).status).to.equal(204);
      expect(await names(), 'after a delete').to.deep.equal(['second']);
      expect(await call('GET', OTHER_DIG).then((a) => a.text), 'another DIG').to.equal('null\n');
    });

    it('routes repeated GETs of different intents to their own intent', async () => {
      await call('POST', BASE, { body: body('one') });
      await call('POST', BASE, { body: body('two') });
      for (let round = 0; round < 2; round++) {
        for (const name of ['one', 'two']) {
          const got = expectJson(await call('GET', `${BASE}/${name}`), 200) as { metadata: { name: string } };
          expect(got.metadata.name).to.equal(name);
        }
        expect((await call('GET', `${BASE}/three`)).status).to.equal(404);
      }
    });

    it('lists an empty DIG as null', async () => {
      const a = await call('GET', OTHER_DIG);
      expect(a.status).to.equal(200);
      expect(a.headers['content-type']).to.equal('application/json');
      expect(a.text).to.equal('null\n');
    });

    it('finds intents made with kubectl (any resource name) by their spec anchors', async () => {
      const obj = intentFixture({
        name: 'made-by-kubectl',
        namespace: 'tac',
        dig: { project: 'p1', compositeApp: 'ca', compositeAppVersion: 'v1', deploymentIntentGroup: 'dig1' },
      });
      await h.store.create(obj);
      const list = expectJson(await call('GET', BASE), 200) as Array<{ metadata: { name: string } }>;
      expect(list.map((i) => i.metadata.name)).to.deep.equal(['made-by-kubectl']);
      expect((await call('GET', `${BASE}/made-by-kubectl`)).status).to.equal(200);
    });

    it('answers EMCO texts for duplicates, missing intents and bad bodies', async () => {
      await call('POST', BASE, { body: body('dup') });
      expectText(await call('POST', BASE, { body: body('dup') }), 409, 'workflow hook intent already exists');
      expectText(await call('GET', `${BASE}/nope`), 404, 'Workflow Hook not found');
      expectText(await call('DELETE', `${BASE}/nope`), 404, 'The requested resource not found');
      expectText(await call('POST', BASE), 400, 'empty post body');
      expectText(await call('POST', BASE, { body: '   ' }), 400, 'empty post body');
      expectText(
        await call('POST', BASE, { body: '{"metadata":{"name":"x"' }),
        422,
        'error decoding json body',
      );
      expectText(await call('POST', BASE, { body: '[1,2]' }), 422, 'error decoding json body');
      expectText(
        await call('POST', BASE, { body: '{"metadata":{"name":"x"},"spec":{"hookType":""}}' }),
        400,
        'Invalid Input:\nspec.hookType must be one of the following: "pre-install", "post-install", "pre-update", "post-update", "pre-termination", "post-termination", "pre-terminate", "post-terminate"\nDoes not match pattern \'[a-zA-Z]+-[a-zA-Z]+\'',
      );
      expectText(
        await call('POST', BASE, { body: body('x'.repeat(129)) }),
        400,
        'Invalid Input:\nString length must be less than or equal to 128',
      );
    });

    it('accepts trailing bytes after the first JSON value, as Go does', async () => {
      const a = await call('POST', BASE, { body: `${body('trailing')} garbage` });
      expect(a.status).to.equal(201);
    });

    it('PUT upserts by the body name (the URL name is ignored) and answers 201', async () => {
      const a = await call('PUT', `${BASE}/foo`, { body: body('bar') });
      expect(a.status).to.equal(201);
      expectText(await call('GET', `${BASE}/foo`), 404, 'Workflow Hook not found');
      expect((await call('GET', `${BASE}/bar`)).status).to.equal(200);
      const replaced = await call('PUT', `${BASE}/bar`, { body: body('bar', { hookType: 'post-install' }) });
      expect(replaced.status).to.equal(201);
      const got = expectJson(await call('GET', `${BASE}/bar`), 200) as { spec: { hookType: string } };
      expect(got.spec.hookType).to.equal('post-install');
    });

    it("PUT keeps the resource's finalizers and foreign annotations, and replaces EMCO metadata", async () => {
      await call('POST', BASE, {
        body: JSON.stringify({
          metadata: { name: 'keep', description: 'old' },
          spec: { hookType: 'pre-install' },
        }),
      });
      const [k, obj] = [...h.store.objects.entries()][0] ?? [];
      if (obj === undefined || k === undefined) throw new Error('not stored');
      obj.metadata.finalizers = ['tac.emco.io/run-cleanup'];
      obj.metadata.annotations = { ...obj.metadata.annotations, 'tac.emco.io/run-request': '{"id":"e1"}' };
      await call('PUT', `${BASE}/keep`, { body: body('keep') });
      const after = h.store.objects.get(k);
      expect(after?.metadata.finalizers).to.deep.equal(['tac.emco.io/run-cleanup']);
      expect(after?.metadata.annotations?.['tac.emco.io/run-request']).to.equal('{"id":"e1"}');
      expect(after?.metadata.annotations?.['tac.emco.io/description']).to.equal(undefined);
    });

    it('deletes with 204, Content-Type application/json and no body', async () => {
      await call('POST', BASE, { body: body('gone') });
      const a = await call('DELETE', `${BASE}/gone`);
      expect(a.status).to.equal(204);
      expect(a.headers['content-type']).to.equal('application/json');
      expect(a.text).to.equal('');
      expect(h.store.objects.size).to.equal(0);
    });

    it("maps the API server's rejections: Invalid 400, Forbidden 403, Unavailable 503", async () => {
      h.store.failNext = new StoreError('Invalid', 'create tac/x: spec.hookBlockingTimeout: Invalid value');
      expectText(
        await call('POST', BASE, { body: body('x') }),
        400,
        'create tac/x: spec.hookBlockingTimeout: Invalid value',
      );
      h.store.failNext = new StoreError('Forbidden', 'create tac/x: forbidden');
      expectText(await call('POST', BASE, { body: body('x') }), 403, 'create tac/x: forbidden');
      h.store.failNext = new StoreError('Unavailable', 'create tac/x: connection refused');
      expectText(await call('POST', BASE, { body: body('x') }), 503, 'create tac/x: connection refused');
      expect((await call('POST', BASE, { body: body('x') })).status).to.equal(201);
    });
  });

  describe('router behaviour of gorilla/mux', () => {
    it('answers 404 page not found for unknown paths and trailing slashes', async () => {
      expectText(await call('GET', '/v2/nothing'), 404, '404 page not found');
      expectText(await call('GET', `${BASE}/`), 404, '404 page not found');
      expectText(await call('GET', '/'), 404, '404 page not found');
    });

    it('answers 405 with no body and no Content-Type for a known path with another method, HEAD included', async () => {
      for (const method of ['PATCH', 'DELETE', 'HEAD', 'OPTIONS']) {
        const a = await call(method, BASE);
        expect(a.status, method).to.equal(405);
        expect(a.text).to.equal('');
        expect(a.headers['content-type']).to.equal(undefined);
      }
      expect((await call('POST', `${BASE}/x/status`)).status).to.equal(405);
    });

    it('redirects //, /./ and /../ with 301 to the cleaned path', async () => {
      for (const [path, location] of [
        ['/v2//projects', '/v2/projects'],
        [`${BASE}/./x`, `${BASE}/x`],
        [`${BASE}/y/../x?a=1`, `${BASE}/x?a=1`],
      ] as const) {
        const a = await rawCall('GET', path);
        expect(a.status, path).to.equal(301);
        expect(a.headers.location).to.equal(location);
      }
    });

    it('treats an encoded slash as a path separator (decoded-path routing, as EMCO)', async () => {
      expectText(await call('GET', `${BASE}/a%2Fb`), 404, '404 page not found');
      await call('POST', BASE, { body: body('a') });
      const status = await call('GET', `${BASE}/a%2Fstatus`, { body: '{}' });
      expect(status.status).to.equal(200);
      expect((JSON.parse(status.text) as { workflowID: string }).workflowID).to.equal('');
      const doubled = await call('GET', `${BASE}/a%2F%2Fb`);
      expect(doubled.status).to.equal(301);
      expect(doubled.headers.location).to.equal(`${BASE}/a/b`);
    });

    it('answers 400 for a malformed escape', async () => {
      expectText(await call('GET', `${BASE}/a%zz`), 400, '400 Bad Request: invalid URL escape "%zz"');
    });

    it('echoes X-Request-Id, or makes one', async () => {
      expect(
        (await call('GET', '/healthz', { headers: { 'X-Request-Id': 'abc-123' } })).headers['x-request-id'],
      ).to.equal('abc-123');
      expect((await call('GET', '/healthz')).headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
      expect(
        (await call('GET', '/healthz', { headers: { 'X-Request-Id': 'bad id\twith spaces' } })).headers[
          'x-request-id'
        ],
      ).to.match(/^[0-9a-f-]{36}$/);
    });
  });

  describe('bad input', () => {
    it('answers 413 for a body over the limit and keeps serving', async () => {
      const big = Buffer.alloc(2 << 20, 0x20);
      const a = await call('POST', BASE, { body: big });
      expectText(a, 413, 'request body too large: the limit is 1048576 bytes');
      expect((await call('POST', BASE, { body: body('after') })).status).to.equal(201);
    });

    it('keeps serving after a client hangs up mid-body', async () => {
      const net = await import('node:net');
      const { port } = new URL(h.url);
      await new Promise<void>((resolve) => {
        const sock = net.connect(Number(port), '127.0.0.1', () => {
          sock.write(`POST ${BASE} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"meta`);
          sock.destroy();
          resolve();
        });
      });
      expect((await call('GET', BASE)).status).to.equal(200);
    });
  });

  describe('status', () => {
    beforeEach(async () => {
      await call('POST', BASE, { body: body('run1') });
      const obj = [...h.store.objects.values()][0];
      if (obj === undefined) throw new Error('not stored');
      obj.status = {
        lastRun: {
          id: 'e1',
          trigger: { type: 'Lifecycle', hookType: 'pre-install' },
          phase: 'Running',
          workflowId: 'wf-1',
          runId: 'run-1',
        },
      };
    });

    it('answers 400 EOF without a body and 422 with Go decoder texts', async () => {
      expectText(await call('GET', `${BASE}/run1/status`), 400, 'EOF');
      expectText(
        await call('GET', `${BASE}/run1/status`, { body: 'not json' }),
        422,
        "invalid character 'o' in literal null (expecting 'u')",
      );
      expectText(
        await call('GET', `${BASE}/run1/status`, { body: '{"waitForResult":"yes"}' }),
        422,
        'json: cannot unmarshal string into Go struct field WfTemporalStatusQuery.waitForResult of type bool',
      );
    });

    it('answers from the recorded run without ids and carries the recorded status', async () => {
      const out = expectJson(await call('GET', `${BASE}/run1/status`, { body: '{}' }), 200) as Record<
        string,
        unknown
      >;
      expect(out.workflowID).to.equal('wf-1');
      expect(out.runID).to.equal('run-1');
      expect(out.workflowExecutionDescription).to.deep.equal({});
      expect((out.tacStatus as { lastRun: { phase: string } }).lastRun.phase).to.equal('Running');
      expect(h.temporal.calls).to.deep.equal([]);
    });

    it('asks Temporal for describe, history, query and a bounded wait with the recorded ids', async () => {
      const q = {
        runDescribeWfExec: true,
        getWfHistory: true,
        queryType: 'state',
        queryParams: [1],
        waitForResult: true,
        waitForResultTimeout: '2s',
      };
      const out = expectJson(
        await call('GET', `${BASE}/run1/status`, { body: JSON.stringify(q) }),
        200,
      ) as Record<string, unknown>;
      expect(h.temporal.calls.map((c) => c.op)).to.deep.equal(['describe', 'wait', 'history', 'query']);
      expect(h.temporal.calls.every((c) => c.ref.workflowId === 'wf-1' && c.ref.runId === 'run-1')).to.equal(
        true,
      );
      expect(h.temporal.calls[1]?.args).to.deep.equal([2000]);
      expect(out.workflowExecutionDescription).to.deep.equal({
        workflow_execution_info: { execution: { workflow_id: 'wf-1' }, status: 1 },
      });
      expect(out.workflowHistory).to.deep.equal([{ event_id: 1, event_type: 1 }]);
      expect(out.workflowQueryResult).to.deep.equal({ answer: 'state' });
      expect(out.workflowResult).to.deep.equal({ greeting: 'hi' });
      expect(out.workflowStatus).to.equal('COMPLETED');
    });

    it('reads the query string when there is no body (workflowmgr style)', async () => {
      const out = expectJson(
        await call('GET', `${BASE}/run1/status?runDescribeWfExec=true&workflowID=wf-1`),
        200,
      ) as Record<string, unknown>;
      expect(out.workflowID).to.equal('wf-1');
      expect(h.temporal.calls[0]?.ref.workflowId).to.equal('wf-1');
      expectText(await call('GET', `${BASE}/run1/status?foo=1`), 400, 'Unknown query parameter: foo');
    });

    it('reports a wait that ran out instead of blocking', async () => {
      h.temporal.waitResult = { done: false };
      const out = expectJson(
        await call('GET', `${BASE}/run1/status`, { body: '{"waitForResult":true}' }),
        200,
      ) as Record<string, unknown>;
      expect(out.waitTimedOut).to.equal(true);
      expect(h.temporal.calls[0]?.args).to.deep.equal([30_000]);
      expectText(
        await call('GET', `${BASE}/run1/status`, {
          body: '{"waitForResult":true,"waitForResultTimeout":301}',
        }),
        400,
        'waitForResultTimeout must be at most 300 seconds (got 301)',
      );
    });

    it('uses only the configured Temporal server', async () => {
      expect(
        (await call('GET', `${BASE}/run1/status`, { body: '{"temporalServer":"temporal:7233"}' })).status,
      ).to.equal(200);
      const a = await call('GET', `${BASE}/run1/status`, { body: '{"temporalServer":"other:7233"}' });
      expect(a.status).to.equal(500);
      expect(a.text).to.match(/^failed to connect to Temporal server \(other:7233\)\. Error: /);
      expect(h.temporal.calls).to.deep.equal([]);
      // After the intent lookup, as EMCO: an unknown intent is 404 whatever the server.
      const b = await call('GET', `${BASE}/nope/status`, { body: '{"temporalServer":"other:7233"}' });
      expect(b.status).to.equal(404);
    });

    it('answers 404 for an unknown intent and for a workflow not recorded for the intent', async () => {
      expectText(await call('GET', `${BASE}/nope/status`, { body: '{}' }), 404, 'Workflow Hook not found');
      expectText(
        await call('GET', `${BASE}/nope/status`, { body: '{"workflowID":"w"}' }),
        404,
        'Workflow Hook not found',
      );
      const other = await call('GET', `${BASE}/run1/status`, { body: '{"workflowID":"someone-elses"}' });
      expect(other.status).to.equal(404);
      expect(other.text).to.match(/^workflow "someone-elses" is not a run recorded for intent /);
      expect(h.temporal.calls).to.deep.equal([]);
    });

    it('with arbitrary workflow ids allowed, answers for any workflow id (EMCO never looks it up)', async () => {
      const open = await startHarness({ config: { arbitraryWorkflowIds: true } });
      try {
        const out = expectJson(
          await call('GET', `${BASE}/nope/status`, { body: '{"workflowID":"w"}', url: open.url }),
          200,
        ) as Record<string, unknown>;
        expect(out.workflowID).to.equal('w');
        expect(out.tacStatus).to.equal(null);
      } finally {
        await open.close();
      }
    });

    it('answers 500 with the Temporal error text', async () => {
      h.temporal.failWith = new Error('workflow not found for ID: wf-1');
      expectText(
        await call('GET', `${BASE}/run1/status`, { body: '{"runDescribeWfExec":true}' }),
        500,
        'workflow not found for ID: wf-1',
      );
    });
  });

  describe('cancel', () => {
    beforeEach(async () => {
      await call('POST', BASE, { body: body('run1') });
      const obj = [...h.store.objects.values()][0];
      if (obj === undefined) throw new Error('not stored');
      obj.status = {
        lastRun: {
          id: 'e1',
          trigger: { type: 'Manual' },
          phase: 'Running',
          workflowId: 'wf-1',
          runId: 'run-1',
        },
      };
    });

    it('answers 400 EOF without a body and 422 with Go decoder texts', async () => {
      expectText(await call('POST', `${BASE}/run1/cancel`), 400, 'EOF');
      expectText(
        await call('POST', `${BASE}/run1/cancel`, { body: '{"spec":{"terminate":"yes"}}' }),
        422,
        'json: cannot unmarshal string into Go struct field WfhTemporalCancelRequestSpec.spec.terminate of type bool',
      );
    });

    it('cancels the recorded run with 204, no body and no Content-Type', async () => {
      const a = await call('POST', `${BASE}/run1/cancel`, { body: '{}' });
      expect(a.status).to.equal(204);
      expect(a.text).to.equal('');
      expect(a.headers['content-type']).to.equal(undefined);
      expect(h.temporal.calls).to.deep.equal([{ op: 'cancel', ref: { workflowId: 'wf-1', runId: 'run-1' } }]);
    });

    it('terminates the recorded run the body names, with reason and details', async () => {
      const req = { spec: { workflowID: 'wf-1', terminate: true, reason: 'stop', details: ['d'] } };
      expect((await call('POST', `${BASE}/run1/cancel`, { body: JSON.stringify(req) })).status).to.equal(204);
      expect(h.temporal.calls).to.deep.equal([
        { op: 'terminate', ref: { workflowId: 'wf-1', runId: 'run-1' }, args: ['stop', ['d']] },
      ]);
    });

    it('refuses a workflow not recorded for the intent, and a foreign Temporal server as EMCO does', async () => {
      const a = await call('POST', `${BASE}/run1/cancel`, { body: '{"spec":{"workflowID":"w2"}}' });
      expect(a.status).to.equal(404);
      expect(a.text).to.match(/^workflow "w2" is not a run recorded for intent /);
      const b = await call('POST', `${BASE}/run1/cancel`, { body: '{"spec":{"temporalServer":"x:1"}}' });
      expect(b.status).to.equal(500);
      expect(b.text).to.match(
        /^CancelWorkflowIntent: Failed to connect to Temporal server \(x:1\)\. Error: /,
      );
      expect(h.temporal.calls).to.deep.equal([]);
    });

    it('answers 404 for a missing intent (EMCO answers 500)', async () => {
      expectText(
        await call('POST', `${BASE}/nope/cancel`, { body: '{}' }),
        404,
        'Workflow Intent Hook not found',
      );
    });

    it("with arbitrary ids allowed, falls back to the intent's workflow id when nothing was recorded", async () => {
      const open = await startHarness({ config: { arbitraryWorkflowIds: true } });
      const at = (method: string, path: string, o: { body?: string } = {}): Promise<Answer> =>
        call(method, path, { ...o, url: open.url });
      after(() => open.close());
      await at('POST', BASE, {
        body: JSON.stringify({
          metadata: { name: 'n2' },
          spec: { hookType: 'pre-install', temporal: { workflowStartOptions: { ID: 'spec-id' } } },
        }),
      });
      expect((await at('POST', `${BASE}/n2/cancel`, { body: '{"spec":{}}' })).status).to.equal(204);
      expect(open.temporal.calls[0]?.ref.workflowId).to.equal('spec-id');
      await at('POST', BASE, { body: body('n3') });
      expectText(
        await at('POST', `${BASE}/n3/cancel`, { body: '{}' }),
        400,
        'intent n3 has no recorded run to cancel',
      );
    });
  });

  describe('workers sub-API', () => {
    const W = `${BASE}/owner/workers`;
    const worker = (name: string, dig = 'wdig'): string =>
      JSON.stringify({
        metadata: { name },
        spec: {
          startToCloseTimeout: 60000,
          deploymentIntentGroup: dig,
          compositeApp: 'wapp',
          compositeAppVersion: 'v1',
        },
      });
    const echo = (name: string, dig = 'wdig'): string =>
      `{"metadata":{"name":"${name}","description":"","userData1":"","userData2":""},"spec":{"startToCloseTimeout":60000,"deploymentIntentGroup":"${dig}","compositeApp":"wapp","compositeAppVersion":"v1"}}\n`;

    it('needs the parent TAC intent', async () => {
      expectText(
        await call('POST', W, { body: worker('w1') }),
        409,
        'Cannot perform requested operation. Parent resource not found',
      );
      const list = await call('GET', W);
      expect(list.text).to.equal('null\n');
    });

    it('creates, lists, gets, upserts and deletes with EMCO codes and texts', async () => {
      await call('POST', BASE, { body: body('owner') });
      const created = await call('POST', W, { body: worker('w1') });
      expect(created.status).to.equal(201);
      expect(created.text).to.equal(echo('w1'));
      expectText(
        await call('POST', W, { body: worker('w1') }),
        409,
        'A worker with this name already exists.',
      );
      expect((await call('PUT', `${W}/ignored`, { body: worker('w2') })).status).to.equal(201);
      expect((await call('PUT', `${W}/w1`, { body: worker('w1', 'other') })).status).to.equal(201);
      expect((await call('GET', W)).text).to.equal(
        `[${echo('w1', 'other').trimEnd()},${echo('w2').trimEnd()}]\n`,
      );
      expect((await call('GET', `${W}/w2`)).text).to.equal(echo('w2'));
      expectText(await call('GET', `${W}/nope`), 404, 'The worker you are looking for was not found.');
      expectText(
        await call('DELETE', `${BASE}/owner`),
        409,
        'Cannot delete parent without deleting child references first',
      );
      const del = await call('DELETE', `${W}/w1`);
      expect(del.status).to.equal(204);
      expect(del.headers['content-type']).to.equal('application/json');
      expectText(await call('DELETE', `${W}/w1`), 404, 'The requested resource not found');
      expect((await call('DELETE', `${W}/w2`)).status).to.equal(204);
      expect((await call('GET', W)).text).to.equal('null\n');
      expect((await call('DELETE', `${BASE}/owner`)).status).to.equal(204);
    });

    it('validates and decodes like EMCO', async () => {
      await call('POST', BASE, { body: body('owner') });
      expectText(await call('POST', W), 400, 'empty post body');
      expectText(
        await call('POST', W, { body: '{"spec":{"startToCloseTimeout":1.5}}' }),
        422,
        'error decoding json body',
      );
      expectText(
        await call('POST', W, {
          body: '{"metadata":{"name":"w"},"spec":{"compositeApp":"' + 'a'.repeat(129) + '"}}',
        }),
        400,
        'Invalid Input:\nString length must be less than or equal to 128',
      );
    });

    it('keeps workers across a PUT of their TAC intent', async () => {
      await call('POST', BASE, { body: body('owner') });
      await call('POST', W, { body: worker('w1') });
      await call('PUT', `${BASE}/owner`, { body: body('owner') });
      expect((await call('GET', W)).text).to.equal(`[${echo('w1').trimEnd()}]\n`);
    });
  });

  describe('lifecycle endpoint', () => {
    const EVENTS = '/tac/v1/projects/p1/composite-apps/ca/v1/deployment-intent-groups/dig1/lifecycle-events';

    it('fires the event for the DIG and answers 200 with the outcome when it succeeded', async () => {
      h.lifecycle.immediate = (e) => ({
        eventId: e.eventId ?? '',
        dig: e.dig,
        hookType: e.hookType,
        succeeded: true,
        intents: [],
        startTime: 't0',
        endTime: 't1',
      });
      const out = expectJson(
        await call('POST', EVENTS, {
          body: '{"hookType":"pre-install","appContextId":"42","emcoURL":"http://emco","eventId":"ev1"}',
        }),
        200,
      ) as Record<string, unknown>;
      expect(out.state).to.equal('Succeeded');
      expect(out.eventId).to.equal('ev1');
      expect(h.lifecycle.fired[0]).to.deep.equal({
        dig: { project: 'p1', compositeApp: 'ca', compositeAppVersion: 'v1', deploymentIntentGroup: 'dig1' },
        hookType: 'pre-install',
        eventId: 'ev1',
        namespace: 'tac',
        appContextId: '42',
        emcoUrl: 'http://emco',
      });
    });

    it('answers 424 naming the failed blocking intent', async () => {
      h.lifecycle.immediate = (e) => ({
        eventId: e.eventId ?? '',
        dig: e.dig,
        hookType: e.hookType,
        succeeded: false,
        failedIntent: 'migrate',
        intents: [
          {
            intent: 'migrate',
            namespace: 'tac',
            resourceName: 'migrate-x',
            blocking: true,
            phase: 'Failed',
            message: 'activity failed: boom',
          },
          { intent: 'later', namespace: 'tac', resourceName: 'later-x', blocking: true, phase: 'Skipped' },
        ],
        startTime: 't0',
        endTime: 't1',
      });
      const out = expectJson(
        await call('POST', EVENTS, { body: '{"hookType":"pre-install"}' }),
        424,
      ) as Record<string, unknown>;
      expect(out.state).to.equal('Failed');
      expect(out.failedIntent).to.equal('migrate');
      expect(out.error).to.equal('pre-install hook failed at intent migrate: activity failed: boom');
    });

    it('answers 202 with a poll URL when async, and the poll follows the event', async () => {
      const accepted = await call('POST', `${EVENTS}?async=true`, {
        body: '{"hookType":"post-install","eventId":"ev2"}',
      });
      expect(accepted.status).to.equal(202);
      expect(accepted.headers.location).to.equal('/tac/v1/lifecycle-events/poll-ev2');
      const running = expectJson(await call('GET', '/tac/v1/lifecycle-events/poll-ev2'), 200) as Record<
        string,
        unknown
      >;
      expect(running.state).to.equal('Running');
      h.lifecycle.finish('ev2');
      const done = expectJson(await call('GET', '/tac/v1/lifecycle-events/poll-ev2'), 200) as Record<
        string,
        unknown
      >;
      expect(done.state).to.equal('Succeeded');
      expectText(
        await call('GET', '/tac/v1/lifecycle-events/unknown'),
        404,
        'lifecycle event not found: unknown (outcomes are kept by the replica that ran the event)',
      );
    });

    it('answers 202 with the poll URL when the event outlasts the request timeout', async () => {
      const short = await startHarness({ config: { requestTimeoutMs: 150 } });
      try {
        const a = await call('POST', EVENTS, {
          body: '{"hookType":"pre-update","eventId":"slow"}',
          url: short.url,
        });
        expect(a.status).to.equal(202);
        expect(a.headers.location).to.equal('/tac/v1/lifecycle-events/poll-slow');
        short.lifecycle.finish('slow', { succeeded: false, failedIntent: 'x' });
        const polled = expectJson(
          await call('GET', '/tac/v1/lifecycle-events/poll-slow', { url: short.url }),
          200,
        ) as Record<string, unknown>;
        expect(polled.state).to.equal('Failed');
      } finally {
        await short.close();
      }
    });

    it('explains bad requests', async () => {
      expectText(
        await call('POST', EVENTS, { body: '{"hookType":"install"}' }),
        400,
        'Invalid lifecycle event:\nhookType must be one of: pre-install, post-install, pre-update, post-update, pre-termination, post-termination, pre-terminate, post-terminate',
      );
      expect((await call('GET', EVENTS)).status).to.equal(405);
    });
  });

  describe('operational routes', () => {
    it('serves healthz, readyz and the OpenAPI document', async () => {
      expect((await call('GET', '/healthz')).text).to.equal('ok\n');
      expect((await call('GET', '/readyz')).text).to.equal('ok\n');
      const doc = await call('GET', '/openapi.yaml');
      expect(doc.status).to.equal(200);
      expect(doc.headers['content-type']).to.equal('application/yaml');
      expect(doc.text).to.match(/^openapi: 3\./m);
    });

    it('answers 503 on readyz and the API routes before the cache synced', async () => {
      const other = await startHarness({ ready: () => false });
      try {
        expectText(await call('GET', '/readyz', { url: other.url }), 503, 'not ready');
        const early = await call('GET', BASE, { url: other.url });
        expectText(early, 503, 'the operator is starting: its intent cache has not synced yet');
        expect(early.headers['retry-after']).to.equal('1');
        expect((await call('GET', '/healthz', { url: other.url })).status).to.equal(200);
      } finally {
        await other.close();
      }
    });

    it('serves the metrics registry with the REST latency by route pattern', async () => {
      const metrics = createOperatorMetrics({ processMetrics: false });
      const server = createRestServer({
        store: new FakeStore(),
        lifecycle: new FakeLifecycle(),
        temporal: new FakeTemporal(),
        logger: silentLogger(),
        metrics,
        config: { defaultNamespace: 'tac', maxBodyBytes: 1024, requestTimeoutMs: 5000, auth: 'none' },
        health: { ready: () => true },
      });
      const port = await server.listen(0, '127.0.0.1');
      try {
        const url = `http://127.0.0.1:${port}`;
        await call('GET', `${BASE}/x`, { url });
        const text = (await call('GET', '/metrics', { url })).text;
        expect(text).to.include(
          'tac_rest_request_duration_seconds_count{method="GET",route="/v2/projects/{project}/composite-apps/{compositeApp}/{compositeAppVersion}/deployment-intent-groups/{deploymentIntentGroup}/temporal-action-controller/{tacIntent}",code="404"} 1',
        );
      } finally {
        await server.close();
      }
    });
  });

  describe('handler timeout and the parent check', () => {
    it('answers 409 parent not found from the DIG check, after validation', async () => {
      const other = await startHarness({
        parentCheck: {
          digExists: () =>
            Promise.reject(
              new HttpError(409, 'Cannot perform requested operation. Parent resource not found'),
            ),
        },
      });
      try {
        expectText(
          await call('POST', BASE, { body: body('x'), url: other.url }),
          409,
          'Cannot perform requested operation. Parent resource not found',
        );
        expect((await call('POST', BASE, { body: '{}', url: other.url })).status).to.equal(400);
        expect((await call('PUT', `${BASE}/x`, { body: body('x'), url: other.url })).status).to.equal(409);
      } finally {
        await other.close();
      }
    });

    it('bounds an ordinary route by routeTimeoutMs, apart from the long request timeout', async () => {
      const other = await startHarness({
        config: { requestTimeoutMs: 60_000, routeTimeoutMs: 100 },
        parentCheck: { digExists: () => new Promise(() => undefined) },
      });
      try {
        expectText(
          await call('POST', BASE, { body: body('x'), url: other.url }),
          503,
          'request timed out: the operator did not finish it in time',
        );
      } finally {
        await other.close();
      }
    });

    it('answers 503 when a handler takes longer than the request timeout, and keeps serving', async () => {
      const other = await startHarness({
        config: { requestTimeoutMs: 100 },
        parentCheck: { digExists: () => new Promise(() => undefined) },
      });
      try {
        expectText(
          await call('POST', BASE, { body: body('x'), url: other.url }),
          503,
          'request timed out: the operator did not finish it in time',
        );
        expect((await call('GET', BASE, { url: other.url })).status).to.equal(200);
      } finally {
        await other.close();
      }
    });
    it('answers 408 and closes the connection when the body is still arriving at the request timeout', async () => {
      const other = await startHarness({ config: { requestTimeoutMs: 150 } });
      try {
        const { hostname, port } = new URL(other.url);
        const answer = await new Promise<string>((resolve, reject) => {
          const socket = net.connect({ host: hostname, port: Number(port) }, () => {
            socket.write(`POST ${BASE} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"metadata":`);
          });
          let text = '';
          socket.on('data', (c: Buffer) => (text += c.toString()));
          socket.on('close', () => resolve(text));
          socket.on('error', reject);
        });
        expect(answer).to.match(/^HTTP\/1\.1 408 /);
        expect(answer).to.match(/\r\nconnection: close\r\n/i);
        expect(answer).to.contain('request timed out: the request body did not arrive in time\n');
        expect((await call('GET', BASE, { url: other.url })).status).to.equal(200);
      } finally {
        await other.close();
      }
    });
  });

  describe('authentication (kubernetes)', () => {
    let authed: Harness;
    const reviews: { tokens: V1TokenReview[]; access: V1SubjectAccessReview[] } = { tokens: [], access: [] };

    beforeEach(async () => {
      reviews.tokens.length = 0;
      reviews.access.length = 0;
      const users: Record<string, string> = { 'alice-token': 'alice', 'bob-token': 'bob' };
      authed = await startHarness({
        config: { auth: 'kubernetes' },
        authz: {
          tokenReview: {
            createTokenReview: ({ body: b }) => {
              reviews.tokens.push(b);
              const u = users[b.spec.token ?? ''];
              return Promise.resolve({
                spec: b.spec,
                status:
                  u === undefined ? { authenticated: false } : { authenticated: true, user: { username: u } },
              });
            },
          },
          subjectAccessReview: {
            createSubjectAccessReview: ({ body: b }) => {
              reviews.access.push(b);
              const verb = b.spec.resourceAttributes?.verb ?? '';
              const allowed = b.spec.user === 'alice' || verb === 'get' || verb === 'list';
              return Promise.resolve({ spec: b.spec, status: { allowed } });
            },
          },
        },
      });
    });
    afterEach(async () => {
      await authed.close();
    });

    it('answers 401 without a token, 403 for a caller without the verb, 201 for one with it', async () => {
      const u = { url: authed.url };
      const none = await call('POST', BASE, { ...u, body: body('x') });
      expect(none.status).to.equal(401);
      expect(none.headers['www-authenticate']).to.match(/^Bearer/);
      expect(
        (await call('POST', BASE, { ...u, body: body('x'), headers: { Authorization: 'Bearer wrong' } }))
          .status,
      ).to.equal(401);
      const bob = await call('POST', BASE, {
        ...u,
        body: body('x'),
        headers: { Authorization: 'Bearer bob-token' },
      });
      expectText(
        bob,
        403,
        'Forbidden: User "bob" cannot create resource "temporalactionintents" in API group "tac.emco.io" in the namespace "tac"',
      );
      expect(
        (await call('GET', BASE, { ...u, headers: { Authorization: 'Bearer bob-token' } })).status,
      ).to.equal(200);
      expect(
        (
          await call('POST', BASE, {
            ...u,
            body: body('x'),
            headers: { Authorization: 'Bearer alice-token' },
          })
        ).status,
      ).to.equal(201);
    });

    it('maps routes to verbs on temporalactionintents (and its status for runs)', async () => {
      const auth = { Authorization: 'Bearer alice-token' };
      const u = { url: authed.url, headers: auth };
      await call('POST', BASE, { ...u, body: body('x') });
      await call('PUT', `${BASE}/x`, { ...u, body: body('x') });
      await call('GET', `${BASE}/x/status`, { ...u, body: '{}' });
      await call('POST', `${BASE}/x/cancel`, { ...u, body: '{"spec":{"workflowID":"w"}}' });
      await call('DELETE', `${BASE}/x`, u);
      const seen = reviews.access.map((r) => {
        const a = r.spec.resourceAttributes;
        return `${a?.verb ?? ''} ${a?.resource ?? ''}${a?.subresource !== undefined ? '/' + a.subresource : ''} ${a?.namespace ?? ''}`;
      });
      expect(seen).to.deep.equal([
        'create temporalactionintents tac',
        'update temporalactionintents tac',
        'get temporalactionintents/status tac',
        'update temporalactionintents/status tac',
        'delete temporalactionintents tac',
      ]);
      expect(reviews.tokens).to.have.length(1);
      // Routes naming an intent carry its resource name; a create (name in the body) does not.
      const names = reviews.access.map((r) => r.spec.resourceAttributes?.name);
      expect(names[0]).to.equal(undefined);
      expect(new Set(names.slice(1)).size).to.equal(1);
      expect(names[1]).to.match(/^x-[a-z0-9]+$/);
    });

    it("authorizes a lifecycle poll in the event's namespace", async () => {
      const auth = { Authorization: 'Bearer bob-token' };
      const events =
        '/tac/v1/projects/p1/composite-apps/ca/v1/deployment-intent-groups/dig1/lifecycle-events';
      const fired = await call('POST', `${events}?async=true`, {
        url: authed.url,
        headers: { Authorization: 'Bearer alice-token' },
        body: '{"hookType":"pre-install","eventId":"e9","namespace":"team-b"}',
      });
      expect(fired.status, fired.text).to.equal(202);
      const statusUrl = (JSON.parse(fired.text) as { statusUrl: string }).statusUrl;
      reviews.access.length = 0;
      expect((await call('GET', statusUrl, { url: authed.url, headers: auth })).status).to.equal(200);
      expect(reviews.access.map((r) => r.spec.resourceAttributes)).to.deep.equal([
        {
          group: 'tac.emco.io',
          resource: 'temporalactionintents',
          subresource: 'status',
          verb: 'get',
          namespace: 'team-b',
        },
      ]);
    });

    it('leaves health, readiness and metrics open', async () => {
      for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.yaml']) {
        expect((await call('GET', path, { url: authed.url })).status, path).to.equal(200);
      }
    });
  });

  describe('access log', () => {
    /** Collects what reaches the transport. */
    class Lines extends Transport {
      readonly lines: Array<Record<string, unknown>> = [];
      override log(info: Record<string, unknown>, next: () => void): void {
        this.lines.push(info);
        next();
      }
    }
    const harnessAt = async (level: 'info' | 'warn'): Promise<Lines> => {
      const lines = new Lines();
      await h.close();
      h = await startHarness({ logger: winston.createLogger({ level, transports: [lines] }) });
      return lines;
    };

    it('writes one line per request with the route template when info is enabled', async () => {
      const lines = await harnessAt('info');
      await call('GET', `${BASE}/missing`);
      await call('GET', `${BASE}/missing`);
      await waitFor(() => lines.lines.length >= 2, {
        what: 'two access lines',
        timeoutMs: 5000,
        intervalMs: 10,
      });
      const access = lines.lines.filter((l) => l.message === 'REST request');
      expect(access).to.have.length(2);
      expect(access[1]).to.include({
        method: 'GET',
        status: 404,
        route:
          '/v2/projects/{project}/composite-apps/{compositeApp}/{compositeAppVersion}/deployment-intent-groups/{deploymentIntentGroup}/temporal-action-controller/{tacIntent}',
      });
      expect(access[1]?.requestId).to.be.a('string');
    });

    it('formats no access line when info is off, and still logs failures', async () => {
      const lines = await harnessAt('warn');
      await call('GET', BASE);
      h.store.failNext = new StoreError('Unavailable', 'the API server is down');
      expect((await call('POST', BASE, { body: body('x') })).status).to.equal(503);
      // The start-up warning of a server without authentication is not a request line.
      const requestLines = (): string[] =>
        lines.lines.map((l) => String(l.message)).filter((m) => !m.startsWith('REST authentication is off'));
      await waitFor(() => requestLines().length >= 1, {
        what: 'the failure line',
        timeoutMs: 5000,
        intervalMs: 10,
      });
      expect(requestLines()).to.deep.equal(['Request failed']);
    });
  });
});
