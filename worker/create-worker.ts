// Owns the construction and lifecycle of the TAC worker: one SDK Worker per task queue, all
// sharing one workflow bundle and one activity set, run and stopped together. Used by main.ts,
// the tests and the demo (in-process).
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import type { NativeConnection, State, WorkflowBundle } from '@temporalio/worker';
import type { Logger } from '../common/log.js';
import { silentLogger } from '../common/log.js';
import type { Activities, ActivityDeps } from './activities/index.js';
import { createActivities } from './activities/index.js';
import { createHttpClient } from './activities/http-client.js';
import { WORKER_DEFAULTS } from './config.js';
import { WinstonSdkLogger } from './sdk-logger.js';
import { DEFAULT_TASK_QUEUES } from './workflow-names.js';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  /** Default `default`. */
  namespace?: string;
  /** Default: one queue per workflow name plus `tac-worker`. */
  taskQueues?: readonly string[];
  logger?: Logger;
  /** Dependencies of the default activities; ignored for activities given in `activities`. */
  activityDeps?: Partial<ActivityDeps>;
  /** Replaces individual activities (tests). */
  activities?: Partial<Activities>;
  /** After shutdown(), how long in-flight activities may run before they are cancelled, in ms. */
  shutdownGraceTimeMs?: number;
  identity?: string;
  maxConcurrentActivityTaskExecutions?: number;
  /** A prebuilt bundle; by default the bundle of `workflowsPath()`, built once per process. */
  workflowBundle?: WorkflowBundle;
}

/**
 * Path of the workflows entry point next to this module: `workflows/index.ts` when running
 * under tsx, `workflows/index.js` when compiled.
 */
export function workflowsPath(): string {
  const here = fileURLToPath(import.meta.url);
  return join(dirname(here), 'workflows', `index${extname(here)}`);
}

let sharedBundle: Promise<WorkflowBundle> | undefined;

/** Bundles the workflows once per process (bundling takes seconds); later calls share it. */
export function workflowBundle(logger: Logger = silentLogger()): Promise<WorkflowBundle> {
  sharedBundle ??= bundleWorkflowCode({
    workflowsPath: workflowsPath(),
    logger: new WinstonSdkLogger(logger.child({ component: 'bundler' }), { infoAsDebug: true }),
  }).then(({ code }) => ({ code }));
  sharedBundle.catch(() => {
    sharedBundle = undefined; // let a later call try again
  });
  return sharedBundle;
}

/** The running worker: every task queue polled by its own SDK Worker. */
export class TacWorker {
  #stopRequested = false;

  constructor(
    readonly taskQueues: readonly string[],
    private readonly workers: readonly Worker[],
    private readonly logger: Logger,
  ) {}

  /**
   * Polls all task queues until shutdown() (resolves) or until one Worker fails; then the others
   * are shut down too and the first error is rethrown once all have stopped.
   */
  async run(): Promise<void> {
    if (this.#stopRequested) return;
    this.logger.info('Worker polling', { taskQueues: this.taskQueues });
    const results = await Promise.allSettled(
      this.workers.map(async (worker) => {
        try {
          await worker.run();
        } catch (err) {
          this.shutdown();
          throw err;
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    this.logger.info('Worker stopped', { taskQueues: this.taskQueues });
  }

  /**
   * Stops polling; in-flight activities get the shutdown grace time, then are cancelled. run()
   * resolves once every Worker has drained. Safe to call more than once.
   */
  shutdown(): void {
    this.#stopRequested = true;
    for (const worker of this.workers) {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    }
  }

  /** Runs until `fn` settles, then shuts down and returns its result (tests and the demo). */
  async runUntil<R>(fn: () => Promise<R>): Promise<R> {
    const running = this.run();
    try {
      return await fn();
    } finally {
      this.shutdown();
      await running;
    }
  }

  /** States of the SDK Workers, by task queue. */
  states(): Record<string, State> {
    const states: Record<string, State> = {};
    this.workers.forEach((worker, i) => {
      const queue = this.taskQueues[i];
      if (queue !== undefined) states[queue] = worker.getState();
    });
    return states;
  }
}

/** Builds (but does not start) a worker; throws when a Worker cannot be created. */
export async function createWorker(options: CreateWorkerOptions): Promise<TacWorker> {
  const logger = (options.logger ?? silentLogger()).child({ component: 'worker' });
  const taskQueues = [...new Set(options.taskQueues ?? DEFAULT_TASK_QUEUES)];
  if (taskQueues.length === 0) throw new Error('createWorker: no task queue given');
  const deps: ActivityDeps = {
    http: options.activityDeps?.http ?? createHttpClient({ timeoutMs: WORKER_DEFAULTS.httpTimeoutMs }),
    logger: options.activityDeps?.logger ?? logger.child({ component: 'activity' }),
    ...(options.activityDeps?.emcoBaseUrl === undefined
      ? {}
      : { emcoBaseUrl: options.activityDeps.emcoBaseUrl }),
    ...(options.activityDeps?.emcoAllowedUrls === undefined
      ? {}
      : { emcoAllowedUrls: options.activityDeps.emcoAllowedUrls }),
  };
  const activities = { ...createActivities(deps), ...options.activities };
  const bundle = options.workflowBundle ?? (await workflowBundle(logger));
  const workers: Worker[] = [];
  try {
    for (const taskQueue of taskQueues) {
      workers.push(
        await Worker.create({
          connection: options.connection,
          namespace: options.namespace ?? 'default',
          taskQueue,
          workflowBundle: bundle,
          activities,
          shutdownGraceTime: options.shutdownGraceTimeMs ?? WORKER_DEFAULTS.shutdownGraceMs,
          ...(options.identity === undefined ? {} : { identity: options.identity }),
          ...(options.maxConcurrentActivityTaskExecutions === undefined
            ? {}
            : { maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions }),
        }),
      );
    }
  } catch (err) {
    throw new Error(`createWorker: cannot create the worker for task queue ${taskQueues[workers.length]}`, {
      cause: err,
    });
  }
  return new TacWorker(taskQueues, workers, logger);
}
