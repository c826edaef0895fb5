import { getEventListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { decodeHeaderId, endpointAllowed, Invoker, invokeUrl } from '../../../../operator/runs/invoke.js';
import { freePort } from '../../../../testenv/ports.js';

describe('invoke', () => {
  let server: http.Server;
  let port: number;
  const seen: { url: string; body: string; auth?: string }[] = [];
  const hanging: http.ServerResponse[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({
          url: req.url ?? '',
          body,
          ...(req.headers.authorization !== undefined ? { auth: req.headers.authorization } : {}),
        });
        if (req.url === '/invoke/ok') {
          res.writeHead(204, { 'x-workflow-id': 'wf-1', 'x-run-id': 'run-1' }).end();
        } else if (req.url === '/invoke/encoded') {
          res.writeHead(204, { 'x-workflow-id': 'wf-%C3%BC%2541', 'x-run-id': 'run-2' }).end();
        } else if (req.url === '/invoke/huge') {
          res.writeHead(500, { 'content-type': 'text/plain' }).end('x'.repeat(200_000));
        } else if (req.url === '/invoke/broken') {
          res.writeHead(500, { 'content-type': 'text/plain' }).end('temporal said no\n');
        } else {
          hanging.push(res);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts the body to /invoke/{name} and reads the workflow and run ids of a 204', async () => {
    const invoker = new Invoker({ timeoutMs: 2000, token: { value: 's3cret', endpoints: ['127.0.0.1'] } });
    const result = await invoker.invoke({ host: '127.0.0.1', port, clientName: 'ok' }, '{"a":1}');
    await invoker.close();
    expect(result).to.deep.equal({ outcome: 'started', workflowId: 'wf-1', runId: 'run-1' });
    expect(seen.at(-1)).to.deep.equal({ url: '/invoke/ok', body: '{"a":1}', auth: 'Bearer s3cret' });
  });

  it('sends the token only to the endpoints configured for it', async () => {
    const invoker = new Invoker({
      timeoutMs: 2000,
      token: { value: 's3cret', endpoints: ['wfc.tac.svc', `127.0.0.1:${port + 1}`] },
    });
    const result = await invoker.invoke({ host: '127.0.0.1', port, clientName: 'ok' }, '{}');
    await invoker.close();
    expect(result.outcome).to.equal('started');
    expect(seen.at(-1)).to.deep.equal({ url: '/invoke/ok', body: '{}' });
  });

  it('decodes a percent-encoded workflow id and accepts it when it is the requested one', async () => {
    const invoker = new Invoker({ timeoutMs: 2000 });
    const target = { host: '127.0.0.1', port, clientName: 'encoded' };
    const ok = await invoker.invoke({ ...target, workflowId: 'wf-ü%41' }, '{}');
    const other = await invoker.invoke({ ...target, workflowId: 'wf-1' }, '{}');
    await invoker.close();
    expect(ok).to.deep.equal({ outcome: 'started', workflowId: 'wf-ü%41', runId: 'run-2' });
    expect(other).to.deep.equal({
      outcome: 'rejected',
      status: 204,
      message: `workflow client http://127.0.0.1:${port}/invoke/encoded answered workflow id "wf-ü%41", not the requested "wf-1": the run cannot be followed`,
    });
  });

  it('caps the reply body and says so', async () => {
    const invoker = new Invoker({ timeoutMs: 2000, maxReplyBytes: 1024 });
    const result = await invoker.invoke({ host: '127.0.0.1', port, clientName: 'huge' }, '{}');
    await invoker.close();
    expect(result).to.deep.equal({
      outcome: 'rejected',
      status: 500,
      message: `workflow client http://127.0.0.1:${port}/invoke/huge answered 500 with a reply larger than 1024 bytes (not read further)`,
    });
  });

  it('takes header text that is not percent-encoding as it is', () => {
    expect(decodeHeaderId('a%zz')).to.equal('a%zz');
    expect(decodeHeaderId('a%20b')).to.equal('a b');
  });

  it('reports a non-204 answer with its status and text', async () => {
    const invoker = new Invoker({ timeoutMs: 2000 });
    const result = await invoker.invoke({ host: '127.0.0.1', port, clientName: 'broken' }, '{}');
    await invoker.close();
    expect(result.outcome).to.equal('rejected');
    expect(result).to.deep.include({ status: 500 });
    expect(result.outcome !== 'started' && result.message).to.equal(
      `workflow client http://127.0.0.1:${port}/invoke/broken answered 500: temporal said no`,
    );
  });

  it('reports a refused connection clearly', async () => {
    const closedPort = await freePort();
    const invoker = new Invoker({ timeoutMs: 2000 });
    const result = await invoker.invoke({ host: '127.0.0.1', port: closedPort, clientName: 'x' }, '{}');
    await invoker.close();
    expect(result.outcome).to.equal('rejected');
    expect(result.outcome !== 'started' && result.message).to.match(/unreachable: .*ECONNREFUSED/);
  });

  it('reports a client that never answers as a start of unknown outcome, not a failure', async () => {
    const invoker = new Invoker({ timeoutMs: 300 });
    const result = await invoker.invoke({ host: '127.0.0.1', port, clientName: 'hang' }, '{}');
    await invoker.close();
    expect(result.outcome).to.equal('unknown');
    expect(result.outcome !== 'started' && result.message).to.match(/no answer within 300 ms/);
  });

  it('ends a call at once when the leader’s term ends, as a start of unknown outcome', async () => {
    const invoker = new Invoker({ timeoutMs: 60_000 });
    const term = new AbortController();
    const pending = invoker.invoke({ host: '127.0.0.1', port, clientName: 'hang' }, '{}', term.signal);
    term.abort(new Error('leadership ended'));
    const result = await pending;
    await invoker.close();
    expect(result.outcome).to.equal('unknown');
    expect(result.outcome !== 'started' && result.message).to.match(/abandoned \(leadership ended\)/);
  });

  it('keeps no listener on the long-lived term signal once a call is over', async () => {
    const invoker = new Invoker({ timeoutMs: 2000 });
    const term = new AbortController();
    for (let i = 0; i < 3; i++) {
      const result = await invoker.invoke({ host: '127.0.0.1', port, clientName: 'ok' }, '{}', term.signal);
      expect(result.outcome).to.equal('started');
    }
    await invoker.close();
    expect(getEventListeners(term.signal, 'abort')).to.have.length(0);
  });

  it('builds EMCO URLs, bracketing IPv6 hosts', () => {
    expect(invokeUrl({ host: 'wfc', port: 9090, clientName: 'default' }, false)).to.equal(
      'http://wfc:9090/invoke/default',
    );
    expect(invokeUrl({ host: '::1', port: 9090, clientName: 'c' }, true)).to.equal(
      'https://[::1]:9090/invoke/c',
    );
  });

  it('applies the endpoint allow-list, failing closed when it is empty', () => {
    expect(endpointAllowed([], 'anything', 1)).to.equal(false);
    expect(endpointAllowed(['wfc'], 'wfc', 9090)).to.equal(true);
    expect(endpointAllowed(['wfc'], 'evil', 9090)).to.equal(false);
    expect(endpointAllowed(['wfc:9090'], 'wfc', 9091)).to.equal(false);
    expect(endpointAllowed(['*.tac.svc'], 'client.tac.svc', 80)).to.equal(true);
    expect(endpointAllowed(['*.tac.svc'], 'tac.svc', 80)).to.equal(false);
    expect(endpointAllowed(['WFC'], 'wfc', 1)).to.equal(true);
  });
});
