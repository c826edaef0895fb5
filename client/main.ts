// Composition root of the workflow-client service: reads the configuration, builds the lazy
// Temporal starter and the HTTP server, and stops both on SIGTERM/SIGINT (exit 0 after draining).
import { createLogger, errorFields } from '../common/log.js';
import { describeTemporalConnection } from '../common/temporal/connection-config.js';
import { clientConfigFromEnv } from './config.js';
import { createClientServer } from './server.js';
import { WorkflowStarter } from './workflow-starter.js';

async function main(): Promise<number> {
  let config;
  try {
    config = clientConfigFromEnv(process.env);
  } catch (err) {
    createLogger({ program: 'tac-workflow-client' }).error('Invalid configuration', errorFields(err));
    return 2;
  }
  const logger = createLogger({ program: 'tac-workflow-client', level: config.logLevel });
  logger.info('Starting', {
    temporal: describeTemporalConnection(config.temporal),
    clientConfig: config.clients.file ?? 'built-in default (EMCO reference client)',
    clients: config.clients.names(),
    maxConcurrentInvokes: config.maxConcurrentInvokes,
  });
  if (config.token === null) {
    logger.warn(
      'Accepting /invoke without a bearer token (TAC_CLIENT_AUTH=none): anyone who reaches the port can start workflows',
    );
  }

  const starter = WorkflowStarter.lazy(config.temporal, {
    startTimeoutMs: config.startTimeoutMs,
    readyTimeoutMs: config.readyTimeoutMs,
  });
  const server = createClientServer({
    host: config.host,
    port: config.port,
    tls: config.tls,
    token: config.token,
    bodyLimitBytes: config.bodyLimitBytes,
    maxConcurrentInvokes: config.maxConcurrentInvokes,
    clients: config.clients,
    starter,
    logger,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
  });
  try {
    await server.start();
  } catch (err) {
    logger.error('Cannot listen', { host: config.host, port: config.port, ...errorFields(err) });
    await starter.close();
    return 1;
  }

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info('Shutting down', { signal });
  await server.stop();
  await starter.close();
  logger.info('Stopped');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `tac-workflow-client: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
