// Composition root of the worker program: reads the configuration, installs the SDK runtime with
// the winston bridge (and the core's metrics exporter), serves the monitoring port, connects to
// Temporal, runs the worker, and stops it gracefully on SIGTERM/SIGINT (exit 0 after a clean
// drain, 1 on failure), closing the monitoring port last.
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import type { Logger } from '../common/log.js';
import { createLogger, errorFields } from '../common/log.js';
import { describeTemporalConnection } from '../common/temporal/connection-config.js';
import { nativeConnectionOptions } from '../common/temporal/connection-options.js';
import { createHttpClient } from './activities/http-client.js';
import type { WorkerConfig } from './config.js';
import { workerConfigFromEnv } from './config.js';
import type { TacWorker } from './create-worker.js';
import { createWorker } from './create-worker.js';
import type { MonitorServer } from './monitor-server.js';
import { createMonitorServer } from './monitor-server.js';
import { WinstonSdkLogger } from './sdk-logger.js';
import type { SdkMetricsReader } from './sdk-metrics.js';
import { freeLoopbackPort, sdkMetricsExporter, sdkMetricsReader } from './sdk-metrics.js';

/** Binding the core's exporter races with other processes for the chosen port: a few tries. */
const SDK_METRICS_BIND_ATTEMPTS = 3;

/**
 * Installs the SDK runtime once for the process. With monitoring on, the core exports its metrics
 * on a loopback port, returned so /metrics can read it; undefined without monitoring.
 */
async function installRuntime(config: WorkerConfig, logger: Logger): Promise<number | undefined> {
  const base = {
    logger: new WinstonSdkLogger(logger.child({ component: 'sdk' })),
    shutdownSignals: [],
  };
  const logging = { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) };
  if (config.monitor === null) {
    Runtime.install({ ...base, telemetryOptions: { logging } });
    return undefined;
  }
  for (let attempt = 1; ; attempt++) {
    const port = await freeLoopbackPort();
    try {
      Runtime.install({ ...base, telemetryOptions: { logging, metrics: sdkMetricsExporter(port) } });
      return port;
    } catch (err) {
      if (attempt >= SDK_METRICS_BIND_ATTEMPTS) {
        throw new Error(`cannot start the Temporal SDK metrics exporter (${attempt} attempts)`, {
          cause: err,
        });
      }
      logger.warn('Retrying the Temporal SDK metrics exporter on another port', {
        port,
        ...errorFields(err),
      });
    }
  }
}

async function runWorker(
  config: WorkerConfig,
  logger: Logger,
  built: (w: TacWorker) => void,
): Promise<number> {
  logger.info('Connecting to Temporal', describeTemporalConnection(config.temporal));
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect(nativeConnectionOptions(config.temporal));
  } catch (err) {
    logger.error('Cannot connect to Temporal', {
      ...describeTemporalConnection(config.temporal),
      ...errorFields(err),
    });
    return 1;
  }

  try {
    const worker = await createWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueues: config.taskQueues,
      logger,
      activityDeps: {
        http: createHttpClient({ timeoutMs: config.httpTimeoutMs }),
        ...(config.emcoBaseUrl === undefined ? {} : { emcoBaseUrl: config.emcoBaseUrl }),
        emcoAllowedUrls: config.emcoAllowedUrls,
      },
      shutdownGraceTimeMs: config.shutdownGraceMs,
      ...(config.identity === undefined ? {} : { identity: config.identity }),
      ...(config.maxConcurrentActivities === undefined
        ? {}
        : { maxConcurrentActivityTaskExecutions: config.maxConcurrentActivities }),
    });
    built(worker);
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info('Shutting down', { signal, graceMs: config.shutdownGraceMs });
      worker.shutdown();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    await worker.run();
    return 0;
  } catch (err) {
    logger.error('Worker failed', errorFields(err));
    return 1;
  } finally {
    await connection.close();
  }
}

async function main(): Promise<number> {
  let config;
  try {
    config = workerConfigFromEnv(process.env);
  } catch (err) {
    createLogger({ program: 'tac-worker' }).error('Invalid configuration', errorFields(err));
    return 2;
  }
  const logger = createLogger({ program: 'tac-worker', level: config.logLevel });

  // The port is bound before the SDK runtime exists: a runtime that was installed but never used
  // would keep the process alive after a failure here.
  let worker: TacWorker | undefined;
  let sdkMetrics: SdkMetricsReader | undefined;
  let monitor: MonitorServer | undefined;
  if (config.monitor !== null) {
    monitor = createMonitorServer({
      host: config.monitor.host,
      port: config.monitor.port,
      states: () => worker?.states(),
      sdkMetrics: () => sdkMetrics,
      logger,
    });
    try {
      await monitor.start();
    } catch (err) {
      logger.error('Cannot serve the monitoring port', { ...config.monitor, ...errorFields(err) });
      return 1;
    }
  }
  try {
    try {
      const sdkMetricsPort = await installRuntime(config, logger);
      if (sdkMetricsPort !== undefined) sdkMetrics = sdkMetricsReader(sdkMetricsPort);
    } catch (err) {
      logger.error('Cannot install the Temporal SDK runtime', errorFields(err));
      return 1;
    }
    return await runWorker(config, logger, (built) => {
      worker = built;
    });
  } finally {
    await monitor?.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`tac-worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
