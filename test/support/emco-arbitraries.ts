// fast-check generators of EMCO TAC documents in the codec's canonical form (what decodeTacIntent
// returns for a body that validateTacIntent accepts), of EMCO names and of DIGs.
import fc from 'fast-check';
import {
  EMCO_NAME_PATTERN,
  ENDPOINT_NAME_PATTERN,
  HOOK_TYPES,
  MAX_TIMEOUT_SECONDS,
  WORKFLOW_CLIENT_NAME_PATTERN,
} from '../../common/emco/constraints.js';
import { formatGoDuration } from '../../common/domain/go-duration.js';
import type { IntentIdentity } from '../../common/emco/names.js';
import type {
  DigRef,
  GoActivityOptions,
  GoRetryPolicy,
  GoStartWorkflowOptions,
  JsonValue,
  TacIntent,
} from '../../common/emco/types.js';

const INT64_MAX = (1n << 63n) - 1n;

/** Any Unicode text (full code points, no lone surrogates). */
export const text = (maxLength = 24): fc.Arbitrary<string> => fc.string({ unit: 'binary', maxLength });

export const emcoName: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(new RegExp(EMCO_NAME_PATTERN)).filter((s) => s.length <= 128),
  fc
    .tuple(
      fc.stringMatching(/^[A-Za-z0-9]$/),
      fc.stringMatching(/^[-A-Za-z0-9_.]{100,126}$/),
      fc.stringMatching(/^[A-Za-z0-9]$/),
    )
    .map(([a, b, c]) => `${a}${b}${c}`),
);

/** DIG parts: any non-empty path segment. */
export const digRef: fc.Arbitrary<DigRef> = fc.record({
  project: text(12).filter((s) => s !== '' && !s.includes('/')),
  compositeApp: text(12).filter((s) => s !== '' && !s.includes('/')),
  compositeAppVersion: text(6).filter((s) => s !== '' && !s.includes('/')),
  deploymentIntentGroup: text(12).filter((s) => s !== '' && !s.includes('/')),
});

export const identity: fc.Arbitrary<IntentIdentity> = fc
  .tuple(digRef, emcoName)
  .map(([dig, name]) => ({ ...dig, name }));

/** int64 nanoseconds >= 0, biased to small values and to values around 2^53. */
export const nanos: fc.Arbitrary<bigint> = fc.oneof(
  fc.constant(0n),
  fc.bigInt({ min: 0n, max: 10_000_000_000_000n }),
  fc.bigInt({ min: (1n << 53n) - 4n, max: (1n << 53n) + 4n }),
  fc.bigInt({ min: 0n, max: INT64_MAX }),
);

/** A double as Go's float64 round-trips it through JSON (no -0, which JSON.stringify cannot keep). */
const float64: fc.Arbitrary<number> = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .map((d) => (Object.is(d, -0) ? 0 : d));

function withoutNegativeZero(v: JsonValue): JsonValue {
  if (typeof v === 'number') return Object.is(v, -0) ? 0 : v;
  if (Array.isArray(v)) return v.map(withoutNegativeZero);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(v))
      Object.defineProperty(out, k, {
        value: withoutNegativeZero(x),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  return v;
}

const jsonMap: fc.Arbitrary<Record<string, JsonValue>> = fc
  .dictionary(text(8), fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>, { maxKeys: 4 })
  .map((m) => withoutNegativeZero(m) as Record<string, JsonValue>);

export const retryPolicy: fc.Arbitrary<GoRetryPolicy> = fc.record({
  InitialInterval: nanos,
  BackoffCoefficient: float64,
  MaximumInterval: nanos,
  MaximumAttempts: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  NonRetryableErrorTypes: fc.option(fc.array(text(10), { maxLength: 3 }), { nil: null }),
});

export const startOptions: fc.Arbitrary<GoStartWorkflowOptions> = fc.record({
  ID: text(),
  TaskQueue: text(),
  WorkflowExecutionTimeout: nanos,
  WorkflowRunTimeout: nanos,
  WorkflowTaskTimeout: nanos,
  WorkflowIDReusePolicy: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  WorkflowExecutionErrorWhenAlreadyStarted: fc.boolean(),
  RetryPolicy: fc.option(retryPolicy, { nil: null }),
  CronSchedule: text(),
  Memo: fc.option(jsonMap, { nil: null }),
  SearchAttributes: fc.option(jsonMap, { nil: null }),
});

export const activityOptions: fc.Arbitrary<GoActivityOptions> = fc.record({
  TaskQueue: text(),
  ScheduleToCloseTimeout: nanos,
  ScheduleToStartTimeout: nanos,
  StartToCloseTimeout: nanos,
  HeartbeatTimeout: nanos,
  WaitForCancellation: fc.boolean(),
  ActivityID: text(),
  RetryPolicy: retryPolicy,
});

/** Valid timeouts: whole seconds or a duration string as Go prints it. */
export const timeout: fc.Arbitrary<number | string> = fc.oneof(
  fc.integer({ min: 0, max: MAX_TIMEOUT_SECONDS }),
  nanos.map((ns) => formatGoDuration(ns)),
  fc.constantFrom('90s', '10m', '1h30m', '0', '1.5h', '250ms', '1us', '2µs', '3μs', '.5s'),
);

export const endpointName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    'tac-workflow-client',
    'ABCDEFGHIJKLMNOPQRSTU',
    '1.1.1.1',
    'localhost',
    '::1',
    '[fe80::1]',
  ),
  fc.stringMatching(new RegExp(ENDPOINT_NAME_PATTERN)).filter((s) => s.length <= 253),
);

/** A TAC intent that passes validateTacIntent, in decodeTacIntent's canonical form. */
export const tacIntent: fc.Arbitrary<TacIntent> = fc
  .record({
    name: emcoName,
    description: text(40),
    userData1: text(20),
    userData2: text(20),
    hookType: fc.constantFrom(...HOOK_TYPES),
    hookBlocking: fc.option(fc.constant(true as const), { nil: undefined }),
    hookBlockingTimeout: fc.option(timeout, { nil: undefined }),
    clientEndpointName: endpointName,
    clientEndpointPort: fc.bigInt({ min: 0n, max: 65535n }),
    workflowClientName: fc.oneof(
      fc.constant(''),
      fc.stringMatching(new RegExp(WORKFLOW_CLIENT_NAME_PATTERN)),
    ),
    workflowStartOptions: startOptions,
    activityOptions: fc.option(fc.dictionary(text(8), activityOptions, { minKeys: 1, maxKeys: 3 }), {
      nil: null,
    }),
    activityParams: fc.option(
      fc.dictionary(text(8), fc.dictionary(text(8), text(12), { maxKeys: 3 }), { minKeys: 1, maxKeys: 3 }),
      {
        nil: null,
      },
    ),
  })
  .map((r) => ({
    metadata: { name: r.name, description: r.description, userData1: r.userData1, userData2: r.userData2 },
    spec: {
      hookType: r.hookType,
      ...(r.hookBlocking !== undefined ? { hookBlocking: r.hookBlocking } : {}),
      ...(r.hookBlockingTimeout !== undefined ? { hookBlockingTimeout: r.hookBlockingTimeout } : {}),
      workflowClient: { clientEndpointName: r.clientEndpointName, clientEndpointPort: r.clientEndpointPort },
      temporal: {
        workflowClientName: r.workflowClientName,
        workflowStartOptions: r.workflowStartOptions,
        workflowParams: { activityOptions: r.activityOptions, activityParams: r.activityParams },
      },
    },
  }));
