// Owns the fuzzer's request bodies: a plausible document for each body kind (built from the EMCO
// arbitraries, so a fair share is accepted and reaches the handlers' later steps), then broken on
// purpose — truncated, nested deeply, huge or malformed numbers, duplicate and case-folded keys
// (Go's decoder matches keys case-insensitively, Kelvin sign and long s included), wrong types,
// lone surrogates and invalid UTF-8, garbage, oversized.
import fc from 'fast-check';
import { HOOK_TYPES } from '../../common/emco/constraints.js';
import { encodeTacIntent, encodeTemporalSpec } from '../../common/emco/encode.js';
import type { TemporalSpec } from '../../common/emco/types.js';
import { activityOptions, emcoName, startOptions, tacIntent, text } from '../support/emco-arbitraries.js';
import type { BodyKind } from './routes.js';

/** The names and values the fuzz reuses, so creates, reads and deletes meet the same resources. */
export const POOL = {
  /** DIG path segments of the DIGs the fuzz writes into. */
  digs: [
    ['fuzzp', 'app', 'v1', 'dig1'],
    ['fuzzp', 'app', 'v1', 'dig2'],
    ['Fuzz_P', 'App.2', 'v2', 'd'],
  ],
  /** Intent and worker names (bounded, so the number of resources the fuzz creates is bounded). */
  names: ['alpha', 'beta', 'Gamma_1', 'd.e-l_t.a', 'x', 'intent-with-a-longer-name-0123456789'],
  eventIds: ['ev-1', 'ev-2', 'fuzz.event:3'],
  taskQueues: ['fuzz-queue-a', 'fuzz-queue-b'],
  clientNames: ['default', 'fuzz', 'other_client-1'],
} as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A body as a generator describes it: bytes, or a JSON prefix padded to `size` bytes at send time. */
export type BodySpec = { kind: 'bytes'; bytes: Buffer } | { kind: 'oversized'; size: number };

export function bodyBytes(spec: BodySpec): Buffer {
  if (spec.kind === 'bytes') return spec.bytes;
  const head = '{"metadata":{"name":"big","description":"';
  const buf = Buffer.alloc(spec.size, 0x61);
  buf.write(head, 0, 'latin1');
  buf.write('"}}', spec.size - 3, 'latin1');
  return buf;
}

const poolName = fc.constantFrom(...POOL.names);
const name = fc.oneof({ weight: 4, arbitrary: poolName }, { weight: 1, arbitrary: emcoName });
const anyText = text(16);

const tacIntentDoc: fc.Arbitrary<Json> = fc.tuple(tacIntent, name).map(([intent, n]) => {
  const doc = JSON.parse(encodeTacIntent({ ...intent, metadata: { ...intent.metadata, name: n } })) as Json;
  return doc;
});

const workerDoc: fc.Arbitrary<Json> = fc.record({
  metadata: fc.record({ name, description: anyText }),
  spec: fc.record({
    startToCloseTimeout: fc.oneof(fc.integer(), fc.constant(0)),
    deploymentIntentGroup: fc.oneof(fc.constant('dig1'), anyText),
    compositeApp: fc.oneof(fc.constant('app'), anyText),
    compositeAppVersion: fc.oneof(fc.constant('v1'), anyText),
  }),
});

const temporalServer = fc.constantFrom(
  '',
  'localhost:7233',
  '"127.0.0.1:1"',
  'temporal.example:7233',
  'http://x/',
);
const workflowId = fc.oneof(fc.constant(''), fc.constant('fuzz-absent-workflow'), anyText);

const cancelDoc: fc.Arbitrary<Json> = fc.record({
  metadata: fc.record({ name }),
  spec: fc.record({
    temporalServer,
    workflowID: workflowId,
    runID: fc.oneof(fc.constant(''), fc.uuid(), anyText),
    terminate: fc.boolean(),
    reason: anyText,
    details: fc.oneof(
      fc.constant(null),
      fc.array(fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { maxLength: 3 }),
    ),
  }),
});

/** Status bodies; result waits are short (a wait on a running workflow may legitimately hold). */
const statusDoc: fc.Arbitrary<Json> = fc.record(
  {
    temporalServer,
    workflowID: workflowId,
    runID: fc.oneof(fc.constant(''), fc.uuid()),
    waitForResult: fc.boolean(),
    waitForResultTimeout: fc.constantFrom<Json>(
      0,
      1,
      '1s',
      '250ms',
      301,
      '10m',
      -1,
      'soon',
      '9999999999h',
      1e300,
    ),
    runDescribeWfExec: fc.boolean(),
    getWfHistory: fc.boolean(),
    queryType: fc.oneof(fc.constant(''), fc.constant('__stack_trace'), anyText),
    queryParams: fc.oneof(
      fc.constant(null),
      fc.array(fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { maxLength: 3 }),
    ),
  },
  { requiredKeys: ['waitForResultTimeout'] },
);

const lifecycleDoc: fc.Arbitrary<Json> = fc.record(
  {
    hookType: fc.oneof(
      fc.constantFrom<Json>(...HOOK_TYPES),
      anyText,
      fc.constant('pre-'.repeat(5000) + 'install'),
    ),
    appContextId: fc.oneof(fc.constant('1234567890999'), anyText),
    emcoURL: fc.constantFrom<Json>('http://127.0.0.1:1', 'not a url', ''),
    eventId: fc.oneof(fc.constantFrom<Json>(...POOL.eventIds), anyText),
    namespace: fc.oneof(fc.constantFrom<Json>('default', 'kube-system', 'UPPER', ''), anyText),
    async: fc.boolean(),
  },
  { requiredKeys: ['hookType'] },
);

const invokeDoc: fc.Arbitrary<Json> = fc
  .record({
    workflowClientName: fc.oneof(fc.constantFrom(...POOL.clientNames), anyText),
    workflowStartOptions: startOptions,
    queue: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...POOL.taskQueues) },
      { weight: 1, arbitrary: anyText },
    ),
    reuse: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 0, max: 3 }) },
      { weight: 1, arbitrary: fc.integer() },
    ),
    plain: fc.boolean(),
    activityOptions: fc.option(fc.dictionary(text(8), activityOptions, { minKeys: 1, maxKeys: 2 }), {
      nil: null,
    }),
    activityParams: fc.option(
      fc.dictionary(text(8), fc.dictionary(text(8), text(12), { maxKeys: 3 }), { maxKeys: 2 }),
      {
        nil: null,
      },
    ),
  })
  .map((r) => {
    const spec: TemporalSpec = {
      workflowClientName: r.workflowClientName,
      // Workflows the fuzz starts never run (no worker polls these queues): let Temporal drop them.
      workflowStartOptions: {
        ...r.workflowStartOptions,
        TaskQueue: r.queue,
        WorkflowIDReusePolicy: r.reuse,
        WorkflowExecutionTimeout: 60_000_000_000n,
        // Half the starts carry no exotic options, so a fair share reaches Temporal.
        ...(r.plain
          ? {
              RetryPolicy: null,
              CronSchedule: '',
              WorkflowRunTimeout: 0n,
              WorkflowTaskTimeout: 0n,
              SearchAttributes: null,
            }
          : {}),
      },
      workflowParams: { activityOptions: r.activityOptions, activityParams: r.activityParams },
    };
    return JSON.parse(encodeTemporalSpec(spec)) as Json;
  });

/** A plausible document for a body kind (`none`: a small arbitrary JSON value). */
export function plausible(kind: BodyKind): fc.Arbitrary<Json> {
  switch (kind) {
    case 'tac-intent':
      return tacIntentDoc;
    case 'worker':
      return workerDoc;
    case 'cancel':
      return cancelDoc;
    case 'status':
      return statusDoc;
    case 'lifecycle':
      return lifecycleDoc;
    case 'invoke':
      return invokeDoc;
    case 'none':
      return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
  }
}

const NUMBER_TOKENS = [
  '1e400',
  '-1e400',
  '1e-400',
  '123456789012345678901234567890',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775809',
  '18446744073709551616',
  '0.1e1',
  '1.0',
  '-0',
  '00',
  '01',
  '1.',
  '.5',
  '+1',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '1e',
  '1E+',
  '9'.repeat(5000),
  '1e99999999999',
];

const STRING_LITERALS = [
  '"\\ud800"',
  '"\\udfff\\ud800"',
  '"\\u0000"',
  '"\u2028\u2029"',
  '"\\uZZZZ"',
  '"\\x41"',
  '"a\tb"',
  '"\u212a\u017f"',
  '"\u0130stanbul\u0131"',
  '"\ud83d\ude00\u200d\u202e"',
  '"unterminated',
  "'single'",
];

export type Mutation =
  | { kind: 'none' }
  | { kind: 'truncate'; at: number }
  | { kind: 'deep'; node: number; depth: number; open: '[' | '{"a":'; closed: boolean }
  | { kind: 'number'; node: number; token: string }
  | { kind: 'duplicate-key'; node: number; value: Json; before: boolean }
  | { kind: 'case-fold'; fold: number }
  | { kind: 'wrong-type'; node: number; value: Json }
  | { kind: 'string'; node: number; literal: string }
  | { kind: 'garbage'; at: number; bytes: Uint8Array }
  | { kind: 'trailing'; text: string }
  | { kind: 'bom' }
  | { kind: 'invalid-utf8'; at: number; bytes: Uint8Array }
  | { kind: 'replace'; text: string }
  | { kind: 'random-bytes'; bytes: Uint8Array }
  | { kind: 'oversized'; size: number };

const node = fc.nat({ max: 10_000 });
const fraction = fc.double({ min: 0, max: 1, noNaN: true });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 10, arbitrary: fc.constant<Mutation>({ kind: 'none' }) },
  { weight: 4, arbitrary: fraction.map((at): Mutation => ({ kind: 'truncate', at })) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        node,
        depth: fc.constantFrom(64, 1000, 10_001, 100_000),
        open: fc.constantFrom<'[' | '{"a":'>('[', '{"a":'),
        closed: fc.boolean(),
      })
      .map((r): Mutation => ({ kind: 'deep', ...r })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({ node, token: fc.constantFrom(...NUMBER_TOKENS) })
      .map((r): Mutation => ({ kind: 'number', ...r })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({ node, value: fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>, before: fc.boolean() })
      .map((r): Mutation => ({ kind: 'duplicate-key', ...r })),
  },
  { weight: 3, arbitrary: fc.nat().map((fold): Mutation => ({ kind: 'case-fold', fold })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ node, value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> })
      .map((r): Mutation => ({ kind: 'wrong-type', ...r })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        node,
        literal: fc.oneof(
          fc.constantFrom(...STRING_LITERALS),
          text(40).map((s) => JSON.stringify(s)),
        ),
      })
      .map((r): Mutation => ({ kind: 'string', ...r })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ at: fraction, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) })
      .map((r): Mutation => ({ kind: 'garbage', ...r })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(' {}', '}', ']]', ',"x":1}', '\u0000', '{"metadata":{}}')
      .map((t): Mutation => ({ kind: 'trailing', text: t })),
  },
  { weight: 1, arbitrary: fc.constant<Mutation>({ kind: 'bom' }) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        at: fraction,
        bytes: fc.constantFrom(
          Uint8Array.of(0xff),
          Uint8Array.of(0xc0, 0x80),
          Uint8Array.of(0xed, 0xa0, 0x80),
          Uint8Array.of(0xf4, 0x90, 0x80, 0x80),
          Uint8Array.of(0xe2, 0x82),
        ),
      })
      .map((r): Mutation => ({ kind: 'invalid-utf8', ...r })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        '',
        ' ',
        '\n',
        'null',
        '[]',
        '{}',
        '""',
        '0',
        'true',
        '{"metadata":null,"spec":null}',
        '{{',
        '[1,]',
        '{"a" 1}',
      )
      .map((t): Mutation => ({ kind: 'replace', text: t })),
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 256 }).map((bytes): Mutation => ({ kind: 'random-bytes', bytes })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(1_048_577, 1_300_000, 2_500_000)
      .map((size): Mutation => ({ kind: 'oversized', size })),
  },
);

/** Go's case-insensitive key match, exercised: upper, lower, alternating, Kelvin sign, long s. */
function foldKey(key: string, fold: number): string {
  switch (fold % 5) {
    case 0:
      return key.toUpperCase();
    case 1:
      return key.toLowerCase();
    case 2:
      return [...key].map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c.toLowerCase())).join('');
    case 3:
      return key.replace(/k/gi, '\u212a');
    default:
      return key.replace(/s/gi, '\u017f');
  }
}

interface EmitState {
  index: number;
  target: number;
  mutation: Mutation;
  hit: boolean;
}

function deepText(m: Extract<Mutation, { kind: 'deep' }>): string {
  const close = m.open === '[' ? ']' : '}';
  return m.open.repeat(m.depth) + '1' + (m.closed ? close.repeat(m.depth) : '');
}

/** JSON text of `value`, with the mutation applied at the `target`-th node (pre-order). */
function emit(value: Json, state: EmitState, fold: number | undefined): string {
  const here = state.index++;
  const m = state.mutation;
  if (here === state.target && !state.hit) {
    state.hit = true;
    if (m.kind === 'deep') return deepText(m);
    if (m.kind === 'number') return m.token;
    if (m.kind === 'wrong-type') return JSON.stringify(m.value);
    if (m.kind === 'string') return m.literal;
    if (m.kind === 'duplicate-key' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const entries = Object.entries(value);
      const key = entries[0]?.[0] ?? 'metadata';
      const extra = `${JSON.stringify(key)}:${JSON.stringify(m.value)}`;
      const inner = entries.map(([k, v]) => `${JSON.stringify(k)}:${emit(v, state, fold)}`);
      return `{${(m.before ? [extra, ...inner] : [...inner, extra]).join(',')}}`;
    }
    state.hit = false;
  }
  if (Array.isArray(value)) return `[${value.map((v) => emit(v, state, fold)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const parts = Object.entries(value).map(
      ([k, v]) => `${JSON.stringify(fold === undefined ? k : foldKey(k, fold))}:${emit(v, state, fold)}`,
    );
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value);
}

function countNodes(value: Json): number {
  if (Array.isArray(value)) return 1 + value.reduce((n: number, v) => n + countNodes(v), 0);
  if (value !== null && typeof value === 'object') {
    return 1 + Object.values(value).reduce((n: number, v) => n + countNodes(v), 0);
  }
  return 1;
}

function insertAt(text: Buffer, at: number, bytes: Uint8Array): Buffer {
  const i = Math.floor(at * text.length);
  return Buffer.concat([text.subarray(0, i), Buffer.from(bytes), text.subarray(i)]);
}

/** The body a document and a mutation make. */
export function mutatedBody(doc: Json, m: Mutation): BodySpec {
  const bytes = (b: Buffer): BodySpec => ({ kind: 'bytes', bytes: b });
  switch (m.kind) {
    case 'oversized':
      return { kind: 'oversized', size: m.size };
    case 'replace':
      return bytes(Buffer.from(m.text, 'utf8'));
    case 'random-bytes':
      return bytes(Buffer.from(m.bytes));
    default:
      break;
  }
  const nodes = countNodes(doc);
  const target = 'node' in m ? m.node % nodes : -1;
  const json = emit(
    doc,
    { index: 0, target, mutation: m, hit: false },
    m.kind === 'case-fold' ? m.fold : undefined,
  );
  const text = Buffer.from(json, 'utf8');
  switch (m.kind) {
    case 'truncate':
      return bytes(text.subarray(0, Math.floor(m.at * text.length)));
    case 'garbage':
    case 'invalid-utf8':
      return bytes(insertAt(text, m.at, m.bytes));
    case 'trailing':
      return bytes(Buffer.concat([text, Buffer.from(m.text, 'utf8')]));
    case 'bom':
      return bytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]));
    default:
      return bytes(text);
  }
}

/** A body for a route: its plausible document, broken by a generated mutation. */
export function body(kind: BodyKind): fc.Arbitrary<{ spec: BodySpec; mutation: Mutation['kind'] }> {
  return fc
    .tuple(plausible(kind), mutation)
    .map(([doc, m]) => ({ spec: mutatedBody(doc, m), mutation: m.kind }));
}
