// The fuzzer's own parts: the route list follows the operator's router, bodies are broken the way
// their mutation says, and the verdict accepts exactly the answers docs/security.md allows.
import { expect } from 'chai';
import { bodyBytes, mutatedBody, type Mutation } from '../../fuzz/bodies.js';
import type { RawAnswer } from '../../fuzz/raw-http.js';
import { encodeRequest, type FuzzRequest } from '../../fuzz/requests.js';
import { clientRoutes, operatorRoutes, type FuzzRoute } from '../../fuzz/routes.js';
import { judge } from '../../fuzz/verdict.js';

const doc = { metadata: { name: 'alpha', description: 'kept' }, spec: { hookType: 'pre-install', n: 1 } };

function text(m: Mutation): string {
  return bodyBytes(mutatedBody(doc, m)).toString('utf8');
}

function route(pattern: string, method = 'GET', isPublic = false): FuzzRoute {
  return {
    program: 'operator',
    method,
    pattern,
    label: `${method} ${pattern}`,
    body: 'none',
    public: isPublic,
  };
}

function request(over: Partial<FuzzRequest> = {}): FuzzRequest {
  return {
    target: 'operator',
    route: route('/v2/x/:tacIntent/status'),
    onRoute: true,
    method: 'GET',
    path: '/v2/x/a/status',
    version: 'HTTP/1.1',
    credential: 'none',
    headers: [],
    framing: 'length',
    body: { kind: 'bytes', bytes: Buffer.from('{}') },
    mutation: 'none',
    delivery: { kind: 'whole' },
    ...over,
  };
}

function answer(status: number | undefined, body = '', over: Partial<RawAnswer> = {}): RawAnswer {
  return {
    outcome: status === undefined ? 'closed' : 'answered',
    ...(status !== undefined ? { status } : {}),
    headers: {},
    body,
    latencyMs: 1,
    sentAll: true,
    ...over,
  };
}

describe('test/fuzz harness', () => {
  describe('routes', () => {
    it('lists every route the operator registers, each with a unique label, and the client routes', () => {
      const routes = operatorRoutes();
      const labels = routes.map((r) => r.label);
      expect(new Set(labels).size).to.equal(labels.length);
      expect(labels).to.include.members([
        'GET /healthz',
        'GET /metrics',
        'POST /tac/v1/projects/{project}/composite-apps/{compositeApp}/{compositeAppVersion}/deployment-intent-groups/{deploymentIntentGroup}/lifecycle-events',
        'GET /tac/v1/lifecycle-events/{pollId}',
      ]);
      expect(routes.filter((r) => r.label.endsWith('/status') || r.label.endsWith('/cancel'))).to.have.length(
        2,
      );
      expect(routes.filter((r) => r.label.includes('/workers'))).to.have.length(5);
      expect(clientRoutes().map((r) => r.label)).to.deep.equal([
        'POST /invoke/{name}',
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
      ]);
    });
  });

  describe('bodies', () => {
    it('leaves the document valid JSON without a mutation', () => {
      expect(JSON.parse(text({ kind: 'none' }))).to.deep.equal(doc);
    });

    it('nests deeply at the chosen node', () => {
      const t = text({ kind: 'deep', node: 0, depth: 10_001, open: '[', closed: true });
      expect(t.startsWith('['.repeat(10_001) + '1')).to.equal(true);
    });

    it('duplicates a key, folds keys as Go matches them, and puts raw number tokens in', () => {
      expect(text({ kind: 'duplicate-key', node: 0, value: 7, before: false })).to.match(
        /"metadata":.*"metadata":7\}$/,
      );
      expect(text({ kind: 'case-fold', fold: 4 })).to.contain('"\u017fpec"');
      expect(text({ kind: 'case-fold', fold: 0 })).to.contain('"HOOKTYPE"');
      expect(text({ kind: 'number', node: 2, token: '1e400' })).to.contain('"name":1e400');
    });

    it('truncates, adds invalid UTF-8 and pads beyond the body limit', () => {
      expect(text({ kind: 'truncate', at: 0.5 }).length).to.be.lessThan(JSON.stringify(doc).length);
      const bytes = bodyBytes(mutatedBody(doc, { kind: 'invalid-utf8', at: 0, bytes: Uint8Array.of(0xff) }));
      expect(bytes[0]).to.equal(0xff);
      expect(bodyBytes(mutatedBody(doc, { kind: 'oversized', size: 1_048_577 })).length).to.equal(1_048_577);
    });

    it('frames a request with contradictory lengths as generated', () => {
      const wire = encodeRequest(request({ framing: 'both', method: 'POST' }), 'h:1', {});
      const head = wire.bytes.subarray(0, wire.headEnd).toString();
      expect(head).to.contain('Content-Length: 2\r\n');
      expect(head).to.contain('Transfer-Encoding: chunked\r\n');
    });
  });

  describe('verdict', () => {
    it("accepts EMCO's 500 with Temporal's text on /status and /cancel only", () => {
      expect(judge(request(), answer(500, 'workflow not found for ID: x\n'), 1000)).to.deep.equal([]);
      expect(
        judge(request(), answer(500, 'The server encountered an internal error and was …'), 1000),
      ).to.have.length(1);
      expect(judge(request({ route: route('/v2/x/:tacIntent') }), answer(500, 'x'), 1000)).to.have.length(1);
      expect(judge(request({ method: 'POST' }), answer(500, 'x'), 1000)).to.have.length(1);
      expect(judge(request(), answer(503, 'request timed out'), 1000)).to.have.length(1);
    });

    it('fails a request left unanswered, or closed without an answer', () => {
      expect(judge(request(), answer(undefined, '', { outcome: 'deadline' }), 1000)[0]).to.contain(
        'no answer within 1000 ms',
      );
      expect(judge(request(), answer(undefined), 1000)[0]).to.contain('closed without an answer');
      const slow = request({ delivery: { kind: 'slow', chunks: 3, pauseMs: 5 } });
      const reset = answer(undefined, '', { socketError: 'write EPIPE', sentAll: false });
      expect(judge(slow, reset, 1000)).to.deep.equal([]);
      expect(judge(request(), { ...reset, sentAll: true }, 1000)[0]).to.contain('closed without an answer');
    });

    it('fails a 2xx on a protected route without a valid token, with auth on', () => {
      const auth = request({ target: 'operator-auth', route: route('/v2/x', 'GET') });
      expect(judge(auth, answer(200), 1000)).to.have.length(1);
      expect(judge(auth, answer(401), 1000)).to.deep.equal([]);
      expect(judge({ ...auth, route: route('/healthz', 'GET', true) }, answer(200), 1000)).to.deep.equal([]);
      const invoke = request({
        target: 'client',
        route: { ...route('/invoke/:name', 'POST'), program: 'client' },
        credential: 'garbage',
      });
      expect(judge(invoke, answer(204), 1000)).to.have.length(1);
    });
  });
});
