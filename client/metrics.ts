// Owns the workflow client's Prometheus metrics, in a registry of its own (so several servers can
// live in one process): invocations by client and result, start latency, process metrics.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { InvokeResult } from './invoke-error.js';

export interface ClientMetrics {
  readonly registry: Registry;
  /** Counts one /invoke answer. `client` is the name from the URL (only names that resolved). */
  invocation(client: string, result: InvokeResult): void;
  /** Observes one start call against Temporal (success or failure), in seconds. */
  startDuration(client: string, seconds: number): void;
  /** Moves the number of /invoke calls holding a slot of the concurrency limit by `delta`. */
  inFlight(delta: 1 | -1): void;
}

export function createClientMetrics(options: { processMetrics?: boolean } = {}): ClientMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const invocations = new Counter({
    name: 'tac_client_invocations_total',
    help: 'POST /invoke answers, by workflow client name and result.',
    labelNames: ['client', 'result'] as const,
    registers: [registry],
  });
  const starts = new Histogram({
    name: 'tac_client_workflow_start_duration_seconds',
    help: 'Time of one workflow start call against Temporal, by workflow client name.',
    labelNames: ['client'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'tac_client_invocations_in_flight',
    help: 'POST /invoke calls in flight (holding a slot of TAC_CLIENT_MAX_CONCURRENT_INVOKES).',
    registers: [registry],
  });
  return {
    registry,
    invocation: (client, result) => invocations.inc({ client, result }),
    startDuration: (client, seconds) => starts.observe({ client }, seconds),
    inFlight: (delta) => inFlight.inc(delta),
  };
}
