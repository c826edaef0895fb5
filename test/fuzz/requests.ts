// Owns the generated requests: which program and route, the method (right or wrong), the request
// target (pool names, unicode, percent-encoding good and bad, dot segments, long segments), the
// headers (auth, oversized, many, contradictory framing), the body and how its bytes are paced.
import fc from 'fast-check';
import { emcoName, text } from '../support/emco-arbitraries.js';
import { body, bodyBytes, POOL, type BodySpec } from './bodies.js';
import type { Delivery } from './raw-http.js';
import { paramsOf, type FuzzRoute } from './routes.js';

/** The three listeners under test. `operator-auth` is the replica with Kubernetes auth on. */
export type Target = 'operator' | 'operator-auth' | 'client';

/** What the Authorization header carries. */
export type Credential = 'valid' | 'none' | 'garbage' | 'unprivileged';

export interface FuzzRequest {
  target: Target;
  /** The route the request was built from (its label), even when the method or path was bent. */
  route: FuzzRoute;
  /** Whether method and path are the route's own (unbent): the request reaches the handler. */
  onRoute: boolean;
  method: string;
  path: string;
  version: string;
  credential: Credential;
  /** Header lines after Host and Authorization, in order (duplicates allowed). */
  headers: Array<[string, string]>;
  framing: 'length' | 'chunked' | 'bad-chunked' | 'short-length' | 'long-length' | 'none' | 'both';
  body: BodySpec;
  mutation: string;
  delivery: Delivery;
}

const WRONG_METHODS = [
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'HEAD',
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'get',
  'FOO',
  'G\tET',
];

/** A path parameter value, as it appears in the request target. */
const paramValue = (known: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...known).map(encodeURIComponent) },
    { weight: 3, arbitrary: emcoName },
    {
      weight: 2,
      arbitrary: text(20)
        .filter((s) => s !== '')
        .map(encodeURIComponent),
    },
    { weight: 1, arbitrary: text(12).filter((s) => s !== '' && !/[\s/?#%]/.test(s)) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '%',
        '%z',
        '%zz',
        '%G0',
        '%2',
        '%%',
        '%2F',
        'a%2Fb',
        'a%2Fstatus',
        '%2e%2e',
        '..',
        '.',
        '%00',
        '%C0%AF',
        '%ED%A0%80',
        '%FF',
        '%E2%80%AE',
        'a;b',
        'a%3Fb',
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom(300, 5000, 70_000).map((n) => 'a'.repeat(n)) },
  );

function paramPool(param: string): readonly string[] {
  const dig = POOL.digs[0] ?? [];
  switch (param) {
    case 'project':
      return [...new Set(POOL.digs.map((d) => d[0] ?? ''))];
    case 'compositeApp':
      return [...new Set(POOL.digs.map((d) => d[1] ?? ''))];
    case 'compositeAppVersion':
      return [...new Set(POOL.digs.map((d) => d[2] ?? ''))];
    case 'deploymentIntentGroup':
      return [...new Set(POOL.digs.map((d) => d[3] ?? ''))];
    case 'eventId':
      return POOL.eventIds;
    case 'name':
      return POOL.clientNames;
    default:
      return dig.length > 0 ? POOL.names : [];
  }
}

/** Fills a pattern: mostly one of the fuzz's DIGs whole (so writes meet), else per-parameter values. */
function targetPath(route: FuzzRoute): fc.Arbitrary<string> {
  const params = paramsOf(route.pattern);
  if (params.length === 0) return fc.constant(route.pattern);
  const digParams = ['project', 'compositeApp', 'compositeAppVersion', 'deploymentIntentGroup'];
  const perParam = fc.tuple(...params.map((p) => paramValue(paramPool(p))));
  const wholeDig = fc.tuple(
    fc.constantFrom(...POOL.digs),
    fc.tuple(...params.map((p) => (digParams.includes(p) ? fc.constant('') : paramValue(paramPool(p))))),
  );
  const values = fc.oneof(
    {
      weight: 3,
      arbitrary: wholeDig.map(([dig, rest]) =>
        params.map((p, i) =>
          digParams.includes(p) ? encodeURIComponent(dig[digParams.indexOf(p)] ?? '') : (rest[i] ?? ''),
        ),
      ),
    },
    { weight: 2, arbitrary: perParam },
  );
  return values.map((vals) => {
    let i = 0;
    return route.pattern
      .split('/')
      .map((s) => (s.startsWith(':') ? (vals[i++] ?? '') : s))
      .join('/');
  });
}

const query = fc.oneof(
  { weight: 8, arbitrary: fc.constant('') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '?async=true',
      '?async=maybe',
      '?workflowID=fuzz-absent-workflow&runDescribeWfExec=true',
      '?waitForResult=true&waitForResultTimeout=1s',
      '?waitForResult=true&waitForResultTimeout=999999h',
      '?unknown=1',
      '?a=%zz',
      '?' + 'x=1&'.repeat(2000),
      '?%',
      '#frag',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(text(8), text(8))
      .map(([k, v]) => `?${encodeURIComponent(k)}=${encodeURIComponent(v)}`),
  },
);

/** Bends a good path: what Go's router and URL cleaning must get right. */
const pathBend = fc.constantFrom(
  (p: string) => p + '/',
  (p: string) => p.replace('/', '//'),
  (p: string) => p.replace(/\/([^/]*)$/, '/./$1'),
  (p: string) => p.replace(/\/([^/]*)$/, '/../$1'),
  (p: string) => p.toUpperCase(),
  (p: string) => p.replace(/\//g, '%2F'),
  (p: string) => `http://127.0.0.1${p}`,
  (p: string) => p.slice(1),
  () => '*',
  () => '/',
  () => '',
  (p: string) => `/v2${p}`,
  (p: string) => `${p}/extra/segments/${'s/'.repeat(50)}`,
  (p: string) => p.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`),
  (p: string) => p + '\u00e9\u{1f600}',
);

const garbageToken = fc.oneof(
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'Basic dXNlcjpwYXNz',
    'bearer x',
    'Bearer a b',
    'Bearer ' + 'x'.repeat(8000),
    'Token abc',
  ),
  fc
    .string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 })
    .map((s) => `Bearer ${s.replace(/[\r\n]/g, '')}`),
);

const extraHeaders: fc.Arbitrary<{ headers: Array<[string, string]>; label: string }> = fc.oneof(
  {
    weight: 30,
    arbitrary: fc.constant<{ headers: Array<[string, string]>; label: string }>({ headers: [], label: '' }),
  },
  {
    weight: 2,
    arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 140 }).map((s) => ({
      headers: [['X-Request-Id', s.replace(/[\r\n]/g, '')] as [string, string]],
      label: 'request-id',
    })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(8_000, 17_000, 70_000).map((n) => ({
      headers: [['X-Fuzz', 'h'.repeat(n)] as [string, string]],
      label: `header-${n}`,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(60, 300, 2000).map((n) => ({
      headers: Array.from({ length: n }, (_, i): [string, string] => [`X-Many-${i}`, 'v']),
      label: `headers-${n}`,
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom<Array<[string, string]>>(
        [['Expect', '100-continue']],
        [['Content-Type', 'text/plain']],
        [['Content-Type', 'application/json; charset=utf-16']],
        [['Content-Encoding', 'gzip']],
        [['Transfer-Encoding', 'gzip']],
        [['Transfer-Encoding', 'chunked, chunked']],
        [['X Bad Name', 'v']],
        [['X-Nul', 'a\u0000b']],
        [['X-Utf8', '\u00e9\u{1f600}']],
        [[' X-Folded', 'v']],
        [
          ['Connection', 'keep-alive, Upgrade'],
          ['Upgrade', 'websocket'],
        ],
        [
          ['Upgrade', 'h2c'],
          ['Connection', 'Upgrade, HTTP2-Settings'],
          ['HTTP2-Settings', 'AAMAAABkAARAAAAAAAIAAAAA'],
        ],
        [['Host', 'second.example']],
        [['Content-Length', 'abc']],
        [['Content-Length', '-1']],
        [['Content-Length', '99999999999999999999']],
      )
      .map((headers) => ({ headers, label: `header:${headers[0]?.[0] ?? ''}` })),
  },
);

const delivery: fc.Arbitrary<Delivery> = fc.oneof(
  { weight: 40, arbitrary: fc.constant<Delivery>({ kind: 'whole' }) },
  {
    weight: 2,
    arbitrary: fc
      .record({ chunks: fc.integer({ min: 2, max: 12 }), pauseMs: fc.integer({ min: 1, max: 150 }) })
      .map((r): Delivery => ({ kind: 'slow', ...r })),
  },
  { weight: 1, arbitrary: fc.nat({ max: 400 }).map((keep): Delivery => ({ kind: 'abort', keep })) },
);

const framing = fc.oneof(
  { weight: 20, arbitrary: fc.constant<FuzzRequest['framing']>('length') },
  { weight: 2, arbitrary: fc.constant<FuzzRequest['framing']>('chunked') },
  {
    weight: 1,
    arbitrary: fc.constantFrom<FuzzRequest['framing']>('bad-chunked', 'short-length', 'none', 'both'),
  },
);

const version = fc.oneof(
  { weight: 30, arbitrary: fc.constant('HTTP/1.1') },
  { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/1.2', 'HTTP/1.1x', 'HTTPS/1.1', '') },
);

function credentialFor(target: Target): fc.Arbitrary<Credential> {
  if (target === 'operator') return fc.constantFrom<Credential>('none', 'none', 'garbage');
  if (target === 'client') {
    return fc.oneof(
      { weight: 9, arbitrary: fc.constant<Credential>('valid') },
      { weight: 1, arbitrary: fc.constantFrom<Credential>('none', 'garbage') },
    );
  }
  return fc.constantFrom<Credential>('none', 'garbage', 'unprivileged');
}

/** One request against one of `routes` (all of one program), for `target`. */
export function requestFor(target: Target, routes: readonly FuzzRoute[]): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...routes).chain((route) =>
    fc
      .record({
        path: targetPath(route),
        query,
        bend: fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: pathBend }),
        method: fc.oneof(
          { weight: 9, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.constantFrom(...WRONG_METHODS) },
        ),
        version,
        credential: credentialFor(target),
        garbage: garbageToken,
        extra: extraHeaders,
        framing,
        body:
          route.body === 'none'
            ? fc.oneof(
                { weight: 4, arbitrary: fc.constant(undefined) },
                { weight: 1, arbitrary: body('none') },
              )
            : body(route.body),
        delivery,
      })
      .map((r): FuzzRequest => {
        const method = r.method ?? route.method;
        const path = r.bend === null ? r.path : r.bend(r.path);
        const noBody = { spec: { kind: 'bytes', bytes: Buffer.alloc(0) } as BodySpec, mutation: 'no-body' };
        const b = r.body ?? noBody;
        return {
          target,
          route,
          onRoute: r.bend === null && method === route.method,
          method,
          path: path + r.query,
          version: r.version,
          credential: r.credential,
          headers: [
            ...(r.credential === 'garbage'
              ? ([['Authorization', r.garbage]] as Array<[string, string]>)
              : []),
            ...r.extra.headers,
          ],
          framing: r.framing,
          body: b.spec,
          mutation: [b.mutation, r.extra.label, r.framing === 'length' ? '' : r.framing]
            .filter((s) => s !== '')
            .join('+'),
          delivery: r.delivery,
        };
      }),
  );
}

/** A request whose connection is left open after its first bytes: the server must end it. */
export function stalledFor(target: Target, routes: readonly FuzzRoute[]): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(
      requestFor(target, routes),
      fc.constantFrom<'headers' | 'body' | 'long-length'>('headers', 'body', 'long-length'),
    )
    .map(([r, where]) => ({
      ...r,
      framing: where === 'long-length' ? 'long-length' : r.framing === 'length' ? 'length' : 'chunked',
      delivery: { kind: 'stall', keep: where === 'headers' ? 12 : -1 },
      mutation: `stall-${where}`,
    }));
}

function chunked(bytes: Buffer, bad: boolean): Buffer {
  const parts: Buffer[] = [];
  const size = Math.max(1, Math.ceil(bytes.length / 3));
  for (let i = 0; i < bytes.length; i += size) {
    const piece = bytes.subarray(i, i + size);
    parts.push(
      Buffer.from(`${bad ? 'zz' : piece.length.toString(16)}\r\n`, 'latin1'),
      piece,
      Buffer.from('\r\n'),
    );
  }
  if (!bad) parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

export interface Wire {
  bytes: Buffer;
  /** Where the body starts (a stall that keeps the headers and part of the body cuts here). */
  headEnd: number;
}

/** The bytes of a request. `token` is the valid credential of the target, `unprivileged` another. */
export function encodeRequest(
  req: FuzzRequest,
  host: string,
  credentials: { token?: string; unprivileged?: string },
): Wire {
  const payload = bodyBytes(req.body);
  const lines = [`${req.method} ${req.path}${req.version === '' ? '' : ` ${req.version}`}`, `Host: ${host}`];
  if (req.credential === 'valid' && credentials.token !== undefined)
    lines.push(`Authorization: Bearer ${credentials.token}`);
  if (req.credential === 'unprivileged' && credentials.unprivileged !== undefined) {
    lines.push(`Authorization: Bearer ${credentials.unprivileged}`);
  }
  for (const [k, v] of req.headers) lines.push(`${k}: ${v}`);
  if (!req.headers.some(([k]) => k.toLowerCase() === 'content-type'))
    lines.push('Content-Type: application/json');
  lines.push('Connection: close');
  let framed = payload;
  switch (req.framing) {
    case 'length':
      lines.push(`Content-Length: ${payload.length}`);
      break;
    case 'chunked':
    case 'bad-chunked':
      lines.push('Transfer-Encoding: chunked');
      framed = chunked(payload, req.framing === 'bad-chunked');
      break;
    case 'short-length':
      lines.push(`Content-Length: ${Math.floor(payload.length / 2)}`);
      break;
    case 'long-length':
      lines.push(`Content-Length: ${payload.length + 1000}`);
      break;
    case 'both':
      lines.push(`Content-Length: ${payload.length}`, 'Transfer-Encoding: chunked');
      break;
    case 'none':
      break;
  }
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return { bytes: Buffer.concat([head, framed]), headEnd: head.length };
}
