// Hostile input against the running operator: clients that send headers or a body a byte at a
// time are cut off by the receive timeouts while a legitimately long lifecycle call still
// answers; megabyte values are answered at once; and an intent whose fixed workflow id names a
// workflow the operator did not start fails without touching that workflow.
import net from 'node:net';
import type { Client } from '@temporalio/client';
import { expect } from 'chai';
import { RUN_ID_MEMO_KEY } from '../../../common/domain/annotations.js';
import { uniqueName, waitFor } from '../../support/env.js';
import type { StartedOperator } from '../../support/operator.js';
import type { WorkflowStack } from '../../support/stack.js';
import { eventsPath, expectJson, tacBase, type Dig, type RestClient } from './http.js';
import { startRestWorkflowFixture, type RestWorkflowFixture } from './workflow-fixture.js';

const MB = 1 << 20;

interface SlowResult {
  /** What the server sent before it closed the connection. */
  answer: string;
  /** Bytes of the request written before the connection closed. */
  written: number;
}

/**
 * Writes the first `atOnce` characters of `request`, then one byte every `everyMs` until the server
 * closes the connection (bounded by the request's length: a server that waits for all of it
 * answers only after the last byte).
 */
function sendSlowly(url: string, request: string, everyMs: number, atOnce = 0): Promise<SlowResult> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    let written = atOnce;
    let timer: NodeJS.Timeout | undefined;
    const next = (): void => {
      if (written >= request.length || socket.destroyed) return;
      socket.write(request[written] ?? '');
      written++;
      timer = setTimeout(next, everyMs);
    };
    socket.on('connect', () => {
      socket.write(request.slice(0, atOnce));
      next();
    });
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('error', (err) => {
      if ((err as { code?: string }).code !== 'ECONNRESET' && (err as { code?: string }).code !== 'EPIPE')
        reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answer, written });
    });
  });
}

describe('REST API against hostile input: slow clients, megabyte values, foreign workflow ids', function () {
  this.timeout(180_000);
  let stack: WorkflowStack;
  let op: StartedOperator;
  let api: RestClient;
  let fixture: RestWorkflowFixture | undefined;
  let temporal: Client;
  let dig: Dig;

  before(async () => {
    fixture = await startRestWorkflowFixture('hostile', {
      TAC_REST_AUTH: 'none',
      TAC_REST_HEADERS_TIMEOUT: '1s',
      TAC_REST_RECEIVE_TIMEOUT: '2s',
      TAC_REST_MAX_BODY_BYTES: String(4 * MB),
    });
    ({ stack, op, api, temporal, dig } = fixture);
  });

  after(async () => {
    await fixture?.stop();
  });

  function intentBody(name: string, spec: Record<string, unknown> = {}): string {
    return JSON.stringify({
      metadata: { name },
      spec: {
        hookType: 'pre-install',
        hookBlocking: true,
        hookBlockingTimeout: '60s',
        workflowClient: { clientEndpointName: '127.0.0.1', clientEndpointPort: stack.clientPort },
        temporal: {
          workflowClientName: 'default',
          workflowStartOptions: { taskqueue: 'sleep' },
          workflowParams: { activityParams: { sleep: { duration: '4s' } } },
        },
        ...spec,
      },
    });
  }

  it('closes a connection whose headers arrive a byte at a time, with 408', async () => {
    const request = `GET ${tacBase(dig)} HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`;
    const result = await sendSlowly(op.restUrl, request, 50);
    expect(result.answer).to.match(/^HTTP\/1\.1 408 /);
    expect(result.written).to.be.below(request.length);
  });

  it('the workflow client, too, closes a connection whose headers arrive a byte at a time (10 s)', async () => {
    const request = `POST /invoke/default HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(400)}\r\n\r\n`;
    const result = await sendSlowly(stack.clientUrl, request, 50);
    expect(result.answer).to.match(/^HTTP\/1\.1 408 /);
    expect(result.written).to.be.below(request.length);
  });

  it('closes a connection whose body arrives a byte at a time, with 408', async () => {
    const body = intentBody('slow-body');
    const request =
      `POST ${tacBase(dig)} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const headersEnd = request.indexOf('\r\n\r\n') + 4;
    const result = await sendSlowly(op.restUrl, request, 20, headersEnd);
    expect(result.answer).to.match(/^HTTP\/1\.1 408 /);
    expect(result.written).to.be.above(headersEnd).and.below(request.length);
  });

  it('still answers a lifecycle call that waits longer than the receive timeouts', async () => {
    const created = await api.call('POST', tacBase(dig), { body: intentBody('waits') });
    expect(created.status, created.text).to.equal(201);
    const fired = await api.call('POST', eventsPath(dig), {
      body: JSON.stringify({ hookType: 'pre-install' }),
    });
    const outcome = expectJson(fired, 200) as { state: string; intents: Array<{ phase: string }> };
    expect(outcome.state).to.equal('Succeeded');
    expect(outcome.intents.map((i) => i.phase)).to.deep.equal(['Succeeded']);
  });

  it('answers a 1 MB hookType at once with EMCO’s validation lines', async () => {
    const body = intentBody('big-hook', { hookType: 'a'.repeat(MB) });
    const answer = await api.call('POST', tacBase(dig), { body });
    expect(answer.status).to.equal(400);
    expect(answer.text).to.include('String length must be less than or equal to 64');
    expect(answer.text).to.include("Does not match pattern '[a-zA-Z]+-[a-zA-Z]+'");
  });

  it('answers a 1 MB temporalServer and a 1 MB emcoURL at once', async () => {
    const status = await api.call('GET', `${tacBase(dig)}/waits/status`, {
      body: JSON.stringify({ temporalServer: `${'1:'.repeat(MB / 2)}x` }),
    });
    expect(status.status).to.be.at.least(400);
    const fired = await api.call('POST', eventsPath(dig), {
      body: JSON.stringify({ hookType: 'pre-install', emcoURL: `http://${'a/'.repeat(MB / 2)}` }),
    });
    expect(fired.status).to.equal(400);
    expect(fired.text).to.include('emcoURL');
  });

  it('fails a run whose fixed workflow id names a workflow it did not start, and leaves that workflow running', async () => {
    const foreignId = uniqueName('someone-elses');
    const foreign = await temporal.workflow.start('sleep', {
      taskQueue: 'sleep',
      workflowId: foreignId,
      args: [{ activityParams: { sleep: { duration: '10m' } } }],
    });
    const created = await api.call('POST', tacBase(dig), {
      body: intentBody('adopter', {
        hookType: 'post-install',
        hookBlockingTimeout: '3s',
        temporal: {
          workflowClientName: 'default',
          workflowStartOptions: { id: foreignId, taskqueue: 'sleep' },
          workflowParams: { activityParams: { sleep: { duration: '1s' } } },
        },
      }),
    });
    expect(created.status, created.text).to.equal(201);
    const fired = await api.call('POST', eventsPath(dig), {
      body: JSON.stringify({ hookType: 'post-install' }),
    });
    const outcome = expectJson(fired, 424) as {
      intents: Array<{ intent: string; phase: string; message?: string }>;
    };
    const adopter = outcome.intents.find((i) => i.intent === 'adopter');
    expect(adopter?.phase).to.equal('Failed');
    expect(adopter?.message).to.include(`workflow ${foreignId}`);
    expect(adopter?.message).to.include('was not started for this run: its memo carries no TAC run id');

    // Past the intent's 3 s timeout and after its deletion, the workflow is still running.
    const deleted = await api.call('DELETE', `${tacBase(dig)}/adopter`);
    expect(deleted.status, deleted.text).to.be.within(200, 299);
    await waitFor(async () => (await api.call('GET', `${tacBase(dig)}/adopter`)).status === 404, {
      what: 'the intent to be gone',
      timeoutMs: 30_000,
    });
    const described = await foreign.describe();
    expect(described.status.name).to.equal('RUNNING');
    expect(described.memo?.[RUN_ID_MEMO_KEY]).to.equal(undefined);
    await foreign.terminate('test done');
  });
});
