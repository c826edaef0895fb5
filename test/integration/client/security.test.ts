// The workflow-client program's safe defaults against real Temporal: a token is required unless
// explicitly turned off, named clients pin their task queue, unknown names answer 404 without a
// metric label, and calls above the concurrency limit answer 429 with Retry-After.
import http from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { uniqueName, waitFor } from '../../support/env.js';
import { spawnJsonProgram, type JsonProgram } from '../../support/json-program.js';
import type { TemporalFixture } from '../worker/temporal-fixture.js';
import { startWorker, temporalFixture } from '../worker/temporal-fixture.js';

const TOKEN = 'security-test-token';

describe('workflow-client program: secure defaults (real Temporal)', function () {
  this.timeout(120_000);
  let fx: TemporalFixture;
  let dir: string;
  const programs: JsonProgram[] = [];

  before(async () => {
    fx = await temporalFixture();
    dir = await mkdtemp(path.join(tmpdir(), 'tac-client-sec-'));
  });
  after(async () => {
    for (const p of programs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await fx?.close();
    await rm(dir, { recursive: true, force: true });
  });

  function spawnClient(env: Record<string, string>): JsonProgram {
    const p = spawnJsonProgram('client/main.ts', {
      TEMPORAL_ADDRESS: fx.address,
      TEMPORAL_NAMESPACE: fx.namespace,
      TAC_CLIENT_HOST: '127.0.0.1',
      TAC_CLIENT_PORT: '0',
      ...env,
    });
    programs.push(p);
    return p;
  }

  async function listening(p: JsonProgram): Promise<string> {
    const line = await waitFor(() => p.lines.find((l) => l['message'] === 'Listening'), {
      what: `the client to listen (log: ${JSON.stringify(p.lines.slice(-5))})`,
      timeoutMs: 60_000,
    });
    return String(line['url']);
  }

  /** POSTs `body` with `token` as bearer (null: no Authorization header). */
  const post = (url: string, name: string, body: unknown, token: string | null = TOKEN) =>
    fetch(`${url}/invoke/${name}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });

  it('refuses to start without a token (exit 2), and starts open only when told so, with a warning', async () => {
    const refused = spawnClient({});
    expect(await refused.exited).to.equal(2);
    const line = refused.lines.find((l) => l['message'] === 'Invalid configuration');
    expect(String(line?.['error'])).to.match(
      /^TAC_CLIENT_TOKEN_FILE: a bearer token is required: set TAC_CLIENT_TOKEN_FILE \(or TAC_CLIENT_TOKEN\), or TAC_CLIENT_AUTH=none/,
    );

    const open = spawnClient({ TAC_CLIENT_AUTH: 'none' });
    const url = await listening(open);
    const warning = open.lines.find((l) => l['level'] === 'warn');
    expect(warning?.['message']).to.match(
      /^Accepting \/invoke without a bearer token \(TAC_CLIENT_AUTH=none\)/,
    );
    const id = uniqueName('open');
    const res = await post(
      url,
      'default',
      { workflowStartOptions: { ID: id, TaskQueue: uniqueName('q') } },
      null,
    );
    expect(res.status).to.equal(204);
    await fx.client.workflow.getHandle(id).terminate('test done');
    open.child.kill('SIGTERM');
    expect(await open.exited).to.equal(0);
  });

  describe('with a token and named clients', () => {
    let p: JsonProgram;
    let url: string;
    let taskQueue: string;
    let stopWorker: () => Promise<void>;

    before(async () => {
      const started = await startWorker(fx);
      taskQueue = started.taskQueue;
      stopWorker = async () => {
        started.worker.shutdown();
        await started.running;
      };
      const config = path.join(dir, 'clients.yaml');
      await writeFile(
        config,
        [
          'clients:',
          '  hello:',
          '    workflowType: helloWorld',
          `    taskQueue: ${taskQueue}`,
          '  flexible:',
          '    workflowType: helloWorld',
          `    taskQueue: ${taskQueue}`,
          '    allowTaskQueueOverride: true',
        ].join('\n'),
      );
      const tokenFile = path.join(dir, 'token');
      await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
      p = spawnClient({
        TAC_CLIENT_CONFIG: config,
        TAC_CLIENT_TOKEN_FILE: tokenFile,
        TAC_CLIENT_MAX_CONCURRENT_INVOKES: '1',
      });
      url = await listening(p);
    });
    after(async () => {
      p?.child.kill('SIGTERM');
      await p?.exited;
      await stopWorker?.();
    });

    it('starts for the right token, answers 401 to a wrong or missing one', async () => {
      const id = uniqueName('hello');
      const body = {
        workflowStartOptions: { ID: id },
        workflowParams: { activityParams: { greet: { name: 'sec' } } },
      };
      const missing = await post(url, 'hello', body, null);
      expect([missing.status, missing.headers.get('www-authenticate'), await missing.text()]).to.deep.equal([
        401,
        'Bearer',
        'missing or invalid bearer token\n',
      ]);
      expect((await post(url, 'hello', body, 'wrong-token')).status).to.equal(401);
      const ok = await post(url, 'hello', body);
      expect(ok.status).to.equal(204);
      expect(await fx.client.workflow.getHandle(id).result()).to.equal('Hello, sec!');
    });

    it('refuses a body that names another task queue than the client pins, unless the client allows it', async () => {
      const elsewhere = uniqueName('elsewhere');
      const denied = await post(url, 'hello', {
        workflowStartOptions: { ID: uniqueName('deny'), TaskQueue: elsewhere },
      });
      expect([denied.status, denied.headers.get('content-type'), await denied.text()]).to.deep.equal([
        403,
        'text/plain; charset=utf-8',
        `workflow client "hello" pins task queue "${taskQueue}": workflowStartOptions.TaskQueue "${elsewhere}" ` +
          'is not allowed (leave it empty or equal, or set allowTaskQueueOverride for this client)\n',
      ]);
      const id = uniqueName('flex');
      const allowed = await post(url, 'flexible', { workflowStartOptions: { ID: id, TaskQueue: elsewhere } });
      expect(allowed.status).to.equal(204);
      const handle = fx.client.workflow.getHandle(id);
      expect((await handle.describe()).taskQueue).to.equal(elsewhere);
      await handle.terminate('test done');
    });

    it('answers 404 for unknown names before any metric label exists for them', async () => {
      const name = `nobody${uniqueName('x').replace('-', '')}`;
      const res = await post(url, name, { workflowStartOptions: { TaskQueue: 'q' } });
      expect([res.status, await res.text()]).to.deep.equal([
        404,
        `unknown workflow client "${name}": configured clients are default, flexible, hello\n`,
      ]);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).to.contain('tac_client_invocations_total{client="hello",result="forbidden"} 1');
      expect(metrics).not.to.contain(name);
    });

    it('answers 429 with Retry-After while the limit of calls is in flight, and serves again after', async () => {
      // A call whose body never completes holds the only slot (taken before the body is read).
      const target = new URL(`${url}/invoke/hello`);
      const held = http.request({
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-length': '1000' },
      });
      // Cut by the test below: its end (an error) is expected, and awaited before the next call.
      const heldEnded = new Promise<void>((resolve) => {
        held.on('response', (r) => {
          r.resume();
          resolve();
        });
        held.on('error', () => resolve());
      });
      held.write('{"workflowStartOptions":');
      await waitFor(
        async () =>
          (await (await fetch(`${url}/metrics`)).text()).includes('tac_client_invocations_in_flight 1'),
        { what: 'the held call to take the only slot' },
      );
      const body = { workflowStartOptions: { ID: uniqueName('limit') } };
      const res = await post(url, 'hello', body);
      const busy = { retryAfter: res.headers.get('retry-after'), text: await res.text(), status: res.status };
      expect(busy).to.deep.equal({
        status: 429,
        retryAfter: '1',
        text: 'too many /invoke calls in flight: retry later\n',
      });
      held.destroy();
      await heldEnded;
      const again = await waitFor(
        async () => {
          const res = await post(url, 'hello', body);
          return res.status === 429 ? undefined : res.status;
        },
        { what: 'the slot to be free again', timeoutMs: 30_000 },
      );
      expect(again).to.equal(204);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      // One 429 above, and as many more as the wait for the free slot saw.
      const refused = /tac_client_invocations_total\{client="hello",result="too_many_requests"\} (\d+)/.exec(
        metrics,
      );
      expect(Number(refused?.[1] ?? 0)).to.be.at.least(1);
      expect(metrics).to.contain('tac_client_invocations_in_flight 0');
    });
  });
});
