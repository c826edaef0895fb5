// Owns the operator's Prometheus metrics: one registry per OperatorMetrics object (no global
// registry, so tests and embedded uses can make several), the tac_* series, EMCO's emco_tac_intent
// gauge and the default process metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The work queue's view of the metrics: depth after every change, adds, backoff retries. */
export interface QueueMetrics {
  /** Keys waiting to be processed (not in flight, not delayed). */
  setDepth(depth: number): void;
  /** A key entered the queue (duplicates of a queued key do not count). */
  added(): void;
  /** A key was scheduled again with backoff after its handler failed. */
  retried(): void;
}

/** Label names of EMCO's gauge, spelled as EMCO spells them (including its `hoot_type` typo). */
export type EmcoTacIntentLabel =
  | 'name'
  | 'project'
  | 'composite_app'
  | 'composite_app_version'
  | 'deployment_intent_group'
  | 'hoot_type'
  | 'client_endpoint_name'
  | 'client_endpoint_port'
  | 'workflow_client_name';

export interface OperatorMetrics {
  readonly registry: Registry;
  /** Workflow runs that ended, by hook type and final phase (outcome). */
  readonly runsTotal: Counter<'hook_type' | 'outcome'>;
  /** Wall time of a run from start to end, in seconds. */
  readonly runDuration: Histogram<'hook_type' | 'outcome'>;
  /** Duration of one reconcile call, in seconds. */
  readonly reconcileDuration: Histogram;
  /** Reconcile calls that threw (retried with backoff or dropped as terminal). */
  readonly reconcileErrors: Counter;
  readonly workqueueDepth: Gauge;
  readonly workqueueAdds: Counter;
  readonly workqueueRetries: Counter;
  /** REST API latency, in seconds; `route` is the route pattern, never the raw path. */
  readonly restRequestDuration: Histogram<'method' | 'route' | 'code'>;
  /** Lifecycle events fired through the REST API, by hook type and outcome. */
  readonly lifecycleEvents: Counter<'hook_type' | 'outcome'>;
  /** 1 while this process holds the leader lease, else 0. */
  readonly leader: Gauge;
  /** EMCO compatibility: 1 for every known TAC intent, labelled as EMCO labels it. */
  readonly emcoTacIntent: Gauge<EmcoTacIntentLabel>;
  /** The subset the work queue writes. */
  readonly queue: QueueMetrics;
}

export interface OperatorMetricsOptions {
  /** Register Node process metrics (CPU, memory, event loop, GC). Default true. */
  processMetrics?: boolean;
}

/** Run durations span seconds to hours (blocking hooks wait for whole workflows). */
const RUN_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];
const RECONCILE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const REST_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Creates a fresh registry with every operator metric registered on it. */
export function createOperatorMetrics(options: OperatorMetricsOptions = {}): OperatorMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const workqueueDepth = new Gauge({
    name: 'tac_workqueue_depth',
    help: 'Keys waiting in the reconcile work queue (not in flight, not delayed).',
    registers,
  });
  const workqueueAdds = new Counter({
    name: 'tac_workqueue_adds_total',
    help: 'Keys added to the reconcile work queue.',
    registers,
  });
  const workqueueRetries = new Counter({
    name: 'tac_workqueue_retries_total',
    help: 'Keys re-queued with backoff after a failed reconcile.',
    registers,
  });

  return {
    registry,
    runsTotal: new Counter({
      name: 'tac_runs_total',
      help: 'Workflow runs of lifecycle hooks that ended, by hook type and outcome.',
      labelNames: ['hook_type', 'outcome'] as const,
      registers,
    }),
    runDuration: new Histogram({
      name: 'tac_run_duration_seconds',
      help: 'Duration of workflow runs of lifecycle hooks, from start to end.',
      labelNames: ['hook_type', 'outcome'] as const,
      buckets: RUN_BUCKETS,
      registers,
    }),
    reconcileDuration: new Histogram({
      name: 'tac_reconcile_duration_seconds',
      help: 'Duration of one reconcile of a TemporalActionIntent.',
      buckets: RECONCILE_BUCKETS,
      registers,
    }),
    reconcileErrors: new Counter({
      name: 'tac_reconcile_errors_total',
      help: 'Reconciles that failed with an error.',
      registers,
    }),
    workqueueDepth,
    workqueueAdds,
    workqueueRetries,
    restRequestDuration: new Histogram({
      name: 'tac_rest_request_duration_seconds',
      help: 'Latency of REST API requests, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'code'] as const,
      buckets: REST_BUCKETS,
      registers,
    }),
    lifecycleEvents: new Counter({
      name: 'tac_lifecycle_events_total',
      help: 'Lifecycle events fired, by hook type and outcome.',
      labelNames: ['hook_type', 'outcome'] as const,
      registers,
    }),
    leader: new Gauge({
      name: 'tac_leader',
      help: '1 while this operator replica holds the leader lease, else 0.',
      registers,
    }),
    emcoTacIntent: new Gauge({
      name: 'emco_tac_intent',
      help: 'TAC intents known to the operator (EMCO compatible; the label hoot_type is spelled as in EMCO).',
      labelNames: [
        'name',
        'project',
        'composite_app',
        'composite_app_version',
        'deployment_intent_group',
        'hoot_type',
        'client_endpoint_name',
        'client_endpoint_port',
        'workflow_client_name',
      ] as const,
      registers,
    }),
    queue: {
      setDepth: (depth) => workqueueDepth.set(depth),
      added: () => workqueueAdds.inc(),
      retried: () => workqueueRetries.inc(),
    },
  };
}
