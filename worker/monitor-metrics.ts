// Owns the worker program's own Prometheus metrics, in a registry of its own: the state of each
// task queue's SDK Worker, readiness, whether the SDK's metrics could be read, process metrics.
// The Temporal SDK's metrics (temporal_*) are not here: they come from the SDK core's exporter.
import type { State } from '@temporalio/worker';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { WorkerStates } from './health.js';
import { readiness } from './health.js';

/** Every state an SDK Worker can be in, so each task queue has one series per state. */
export const WORKER_STATES: readonly State[] = [
  'INITIALIZED',
  'RUNNING',
  'STOPPING',
  'DRAINING',
  'DRAINED',
  'STOPPED',
  'FAILED',
];

export interface WorkerMonitorMetrics {
  readonly registry: Registry;
  /** Records whether the last read of the SDK core's metrics succeeded. */
  sdkMetricsRead(ok: boolean): void;
}

export interface WorkerMonitorMetricsOptions {
  /** The SDK Workers' states, read at every scrape. */
  states: () => WorkerStates;
  /** Register Node process metrics (CPU, memory, event loop, GC). Default true. */
  processMetrics?: boolean;
}

export function createWorkerMonitorMetrics(options: WorkerMonitorMetricsOptions): WorkerMonitorMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'tac_worker_state',
    help: 'State of the SDK Worker of each task queue: 1 for its current state, 0 for the others.',
    labelNames: ['task_queue', 'state'] as const,
    registers,
    collect() {
      this.reset();
      for (const [queue, current] of Object.entries(options.states() ?? {})) {
        for (const state of WORKER_STATES) this.set({ task_queue: queue, state }, state === current ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'tac_worker_ready',
    help: '1 while every task queue is polled (what /readyz answers 200 to), else 0.',
    registers,
    collect() {
      this.set(readiness(options.states()).ok ? 1 : 0);
    },
  });
  const sdkUp = new Gauge({
    name: 'tac_worker_sdk_metrics_up',
    help: "1 when this scrape read the Temporal SDK core's metrics (temporal_*), 0 when it could not.",
    registers,
  });
  return {
    registry,
    sdkMetricsRead: (ok) => sdkUp.set(ok ? 1 : 0),
  };
}
