// Composition root of the worker program: reads the configuration, installs the SDK runtime with
// the winston bridge, connects to Temporal, runs the worker, and stops it gracefully on
// SIGTERM/SIGINT (exit 0 after a clean drain, 1 on failure).
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { createLogger, errorFields } from '../common/log.js';
import { describeTemporalConnection } from '../common/temporal/connection-config.js';
import { nativeConnectionOptions } from '../common/temporal/connection-options.js';
import { createHttpClient } from './activities/http-client.js';
import { workerConfigFromEnv } from './config.js';
import { createWorker } from './create-worker.js';
import { WinstonSdkLogger } from './sdk-logger.js';

async function main(): Promise<number> {
  let config;
  try {
    config = workerConfigFromEnv(process.env);
  } catch (err) {
    createLogger({ program: 'tac-worker' }).error('Invalid configuration', errorFields(err));
    return 2;
  }
  const logger = createLogger({ program: 'tac-worker', level: config.logLevel });
  Runtime.install({
    logger: new WinstonSdkLogger(logger.child({ component: 'sdk' })),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) },
    },
    shutdownSignals: [],
  });

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
      },
      shutdownGraceTimeMs: config.shutdownGraceMs,
      ...(config.identity === undefined ? {} : { identity: config.identity }),
      ...(config.maxConcurrentActivities === undefined
        ? {}
        : { maxConcurrentActivityTaskExecutions: config.maxConcurrentActivities }),
    });
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

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`tac-worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
