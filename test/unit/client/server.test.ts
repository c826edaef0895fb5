import { expect } from 'chai';
import { request as httpRequest } from 'node:http';
import { InvokeError } from '../../../client/invoke-error.js';
import { createClientMetrics } from '../../../client/metrics.js';
import { NamedClients, parseNamedClients } from '../../../client/named-clients.js';
import type { ClientServer } from '../../../client/server.js';
import { createClientServer } from '../../../client/server.js';
import type { StartRequest } from '../../../client/start-request.js';
import type { Readiness, StartOutcome, WorkflowStarterPort } from '../../../client/workflow-starter.js';
import { Secret } from '../../../common/temporal/secret.js';

/** Stands in for Temporal: records starts, answers with a scripted outcome. */
class FakeStarter implements WorkflowStarterPort {
  readonly starts: StartRequest[] = [];
  next: () => Promise<StartOutcome> = () => Promise.resolve({ workflowId: 'wf', runId: 'run-1' });
  readiness: Readiness = { ready: true };

  start(request: StartRequest): Promise<StartOutcome> {
    this.starts.push(request);
    return this.next().then((o) => ({ ...o, workflowId: request.options.workflowId }));
  }
  ready(): Promise<Readiness> {
    return Promise.resolve(this.readiness);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const BODY = JSON.stringify({
  workflowStartOptions: { ID: 'wf-1', TaskQueue: 'helloWorld' },
  workflowParams: { activityParams: { greet: { name: 'EMCO' } } },
});

describe('workflow-client HTTP surface (fake Temporal)', () => {
  let server: ClientServer;
  let starter: FakeStarter;

  async function serve(options: { clients?: NamedClients; token?: Secret; bodyLimitBytes?: number } = {}) {
    await server?.stop();
    starter = new FakeStarter();
    server = createClientServer({
      host: '127.0.0.1',
      port: 0,
      tls: null,
      token: options.token ?? null,
      bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
      clients: options.clients ?? new NamedClients(undefined, undefined),
      starter,
      metrics: createClientMetrics({ processMetrics: false }),
    });
    await server.start();
  }

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });

  beforeEach(async () => serve());
  after(async () => server?.stop());

  it('starts the workflow and answers 204 with empty body and the ids in headers', async () => {
    const res = await post('/invoke/default', BODY, { 'x-request-id': 'req-42' });
    expect(res.status).to.equal(204);
    expect(await res.text()).to.equal('');
    expect(res.headers.get('x-workflow-id')).to.equal('wf-1');
    expect(res.headers.get('x-run-id')).to.equal('run-1');
    expect(res.headers.get('x-request-id')).to.equal('req-42');
    expect(starter.starts).to.have.length(1);
    expect(starter.starts[0]?.workflowType).to.equal('helloWorld');
    expect(starter.starts[0]?.options.args).to.deep.equal([{ activityParams: { greet: { name: 'EMCO' } } }]);
  });

  it('percent-encodes ids that cannot appear in a header as they are', async () => {
    const res = await post(
      '/invoke/default',
      JSON.stringify({ workflowStartOptions: { ID: 'wf-ü\n1', TaskQueue: 'q' } }),
    );
    expect(res.status).to.equal(204);
    expect(res.headers.get('x-workflow-id')).to.equal('wf-%C3%BC%0A1');
    expect(starter.starts[0]?.options.workflowId).to.equal('wf-ü\n1');
    // An id holding `%` is encoded too, so decoding the header always gives the id back.
    const percent = await post(
      '/invoke/default',
      JSON.stringify({ workflowStartOptions: { ID: 'a%41', TaskQueue: 'q' } }),
    );
    expect(percent.headers.get('x-workflow-id')).to.equal('a%2541');
    expect(decodeURIComponent(percent.headers.get('x-workflow-id') ?? '')).to.equal('a%41');
  });

  it('answers 404 for names other than "default" without a client file, creating no metric label', async () => {
    const res = await post('/invoke/anything', BODY);
    expect([res.status, await res.text()]).to.deep.equal([
      404,
      'unknown workflow client "anything": configured clients are default\n',
    ]);
    expect(starter.starts).to.have.length(0);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).not.to.contain('anything');
  });

  it('refuses with 403 a body naming another task queue than the client pins, unless it allows overrides', async () => {
    await serve({
      clients: parseNamedClients(
        'clients:\n  pinned:\n    workflowType: helloWorld\n    taskQueue: tac-worker\n' +
          '  open:\n    workflowType: helloWorld\n    taskQueue: tac-worker\n    allowTaskQueueOverride: true\n',
        'c.yaml',
      ),
    });
    const other = JSON.stringify({ workflowStartOptions: { ID: 'x', TaskQueue: 'other-queue' } });
    const refused = await post('/invoke/pinned', other);
    expect([refused.status, await refused.text()]).to.deep.equal([
      403,
      'workflow client "pinned" pins task queue "tac-worker": workflowStartOptions.TaskQueue "other-queue" is not allowed ' +
        '(leave it empty or equal, or set allowTaskQueueOverride for this client)\n',
    ]);
    expect(starter.starts).to.have.length(0);
    const same = await post(
      '/invoke/pinned',
      JSON.stringify({ workflowStartOptions: { ID: 'x', TaskQueue: 'tac-worker' } }),
    );
    expect(same.status).to.equal(204);
    const allowed = await post('/invoke/open', other);
    expect(allowed.status).to.equal(204);
    expect(starter.starts.map((s) => s.options.taskQueue)).to.deep.equal(['tac-worker', 'other-queue']);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).to.contain('tac_client_invocations_total{client="pinned",result="forbidden"} 1');
  });

  it('answers 429 with Retry-After above the concurrency limit, and serves again once a call ends', async () => {
    await server.stop();
    starter = new FakeStarter();
    server = createClientServer({
      host: '127.0.0.1',
      port: 0,
      tls: null,
      token: null,
      bodyLimitBytes: 1024 * 1024,
      maxConcurrentInvokes: 1,
      clients: new NamedClients(undefined, undefined),
      starter,
      metrics: createClientMetrics({ processMetrics: false }),
    });
    await server.start();
    let release: () => void = () => undefined;
    starter.next = () =>
      new Promise((resolve) => {
        release = () => resolve({ workflowId: 'wf', runId: 'run-1' });
      });
    const first = post('/invoke/default', BODY);
    const deadline = Date.now() + 5000;
    while (starter.starts.length === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(starter.starts).to.have.length(1);
    const busy = await post('/invoke/default', BODY);
    expect([busy.status, busy.headers.get('retry-after'), await busy.text()]).to.deep.equal([
      429,
      '1',
      'too many /invoke calls in flight: retry later\n',
    ]);
    release();
    expect((await first).status).to.equal(204);
    starter.next = () => Promise.resolve({ workflowId: 'wf', runId: 'run-2' });
    expect((await post('/invoke/default', BODY)).status).to.equal(204);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).to.contain('tac_client_invocations_total{client="default",result="too_many_requests"} 1');
  });

  it("answers EMCO's 404 text for unknown paths and names outside [a-zA-Z0-9-_]", async () => {
    for (const path of ['/nope', '/invoke/', '/invoke/a%20b', '/invoke/a/b', '/invoke/a.b', '/v2/invoke/a']) {
      const res = await post(path, BODY);
      expect(res.status, path).to.equal(404);
      expect(res.headers.get('content-type')).to.equal('text/plain; charset=utf-8');
      expect(await res.text()).to.equal('404 page not found\n');
    }
    expect(starter.starts).to.have.length(0);
  });

  it('answers 405 for other methods on known paths', async () => {
    const get = await fetch(`${server.url}/invoke/helloWorld`);
    expect(get.status).to.equal(405);
    expect(get.headers.get('allow')).to.equal('POST');
    const postHealth = await post('/healthz', '');
    expect(postHealth.status).to.equal(405);
    expect(postHealth.headers.get('allow')).to.equal('GET');
  });

  it('answers 400 for bodies that are empty or not JSON, 422 for wrong types, with the reason', async () => {
    const empty = await post('/invoke/default', '');
    expect([empty.status, await empty.text()]).to.deep.equal([
      400,
      "empty request body: expected EMCO's temporal spec (JSON)\n",
    ]);
    const truncated = await post('/invoke/default', '{"workflowStartOptions":{"TaskQueue":"q"');
    expect([truncated.status, await truncated.text()]).to.deep.equal([
      400,
      'request body is not valid JSON: unexpected EOF\n',
    ]);
    const notJson = await post('/invoke/default', 'hello');
    expect(notJson.status).to.equal(400);
    expect(await notJson.text()).to.match(/^request body is not valid JSON: invalid character 'h'/);
    const wrongType = await post(
      '/invoke/default',
      '{"workflowStartOptions":{"WorkflowExecutionErrorWhenAlreadyStarted":"yes"}}',
    );
    expect(wrongType.status).to.equal(422);
    expect(await wrongType.text()).to.match(
      /^request body does not fit EMCO's temporal spec: json: cannot unmarshal string/,
    );
    const badPolicy = await post(
      '/invoke/default',
      '{"workflowStartOptions":{"TaskQueue":"q","WorkflowIDReusePolicy":916}}',
    );
    expect(badPolicy.status).to.equal(400);
    expect(await badPolicy.text()).to.match(
      /^workflowStartOptions.WorkflowIDReusePolicy 916 is not supported/,
    );
    expect(starter.starts).to.have.length(0);
  });

  it('with a client configuration, answers 404 for unknown client names and names the known ones', async () => {
    await serve({
      clients: parseNamedClients(
        'clients:\n  greeter:\n    workflowType: helloWorld\n    taskQueue: tac-worker\n',
        'c.yaml',
      ),
    });
    const unknown = await post('/invoke/other', BODY);
    expect([unknown.status, await unknown.text()]).to.deep.equal([
      404,
      'unknown workflow client "other": configured clients are default, greeter\n',
    ]);
    const known = await post('/invoke/greeter', '{"workflowStartOptions":{"ID":"x"}}');
    expect(known.status).to.equal(204);
    expect(starter.starts[0]).to.deep.include({ workflowType: 'helloWorld' });
    expect(starter.starts[0]?.options.taskQueue).to.equal('tac-worker');
  });

  it('answers 413 for bodies over the limit, declared or streamed', async () => {
    await serve({ bodyLimitBytes: 64 });
    const declared = await post('/invoke/default', 'x'.repeat(65));
    expect([declared.status, await declared.text()]).to.deep.equal([
      413,
      'request body larger than 64 bytes\n',
    ]);
    const streamed = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const url = new URL(`${server.url}/invoke/default`);
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'transfer-encoding': 'chunked' },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write('y'.repeat(40));
      req.write('y'.repeat(40));
      req.end();
    });
    expect(streamed).to.deep.equal({ status: 413, text: 'request body larger than 64 bytes\n' });
    expect(starter.starts).to.have.length(0);
  });

  it('checks the bearer token when one is configured', async () => {
    await serve({ token: new Secret('t0ken') });
    const missing = await post('/invoke/default', BODY);
    expect([missing.status, missing.headers.get('www-authenticate'), await missing.text()]).to.deep.equal([
      401,
      'Bearer',
      'missing or invalid bearer token\n',
    ]);
    expect((await post('/invoke/default', BODY, { authorization: 'Bearer nope' })).status).to.equal(401);
    expect((await post('/invoke/default', BODY, { authorization: 'Bearer t0ken' })).status).to.equal(204);
    expect((await fetch(`${server.url}/healthz`)).status).to.equal(200);
  });

  it("passes the starter's refusals through and survives unexpected errors", async () => {
    starter.next = () =>
      Promise.reject(new InvokeError(503, 'Temporal is unavailable: connect ECONNREFUSED', 'unavailable'));
    const unavailable = await post('/invoke/default', BODY);
    expect([unavailable.status, await unavailable.text()]).to.deep.equal([
      503,
      'Temporal is unavailable: connect ECONNREFUSED\n',
    ]);
    starter.next = () => Promise.reject(new Error('bug'));
    const broken = await post('/invoke/default', BODY);
    expect([broken.status, await broken.text()]).to.deep.equal([
      500,
      'internal error while handling the request\n',
    ]);
    starter.next = () => Promise.resolve({ workflowId: '', runId: 'r2' });
    expect((await post('/invoke/default', BODY)).status).to.equal(204);
  });

  it('serves /healthz, /readyz (following the starter) and /metrics', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).text()).to.equal('ok\n');
    expect((await fetch(`${server.url}/readyz`)).status).to.equal(200);
    starter.readiness = { ready: false, reason: 'Temporal is unavailable: connection refused' };
    const notReady = await fetch(`${server.url}/readyz`);
    expect([notReady.status, await notReady.text()]).to.deep.equal([
      503,
      'not ready: Temporal is unavailable: connection refused\n',
    ]);
    await post('/invoke/default', BODY);
    await post('/invoke/default', '{');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).to.contain('tac_client_invocations_total{client="default",result="started"} 1');
    expect(metrics).to.contain('tac_client_invocations_total{client="default",result="invalid_body"} 1');
    expect(metrics).to.contain('tac_client_workflow_start_duration_seconds_count{client="default"} 1');
  });
});
