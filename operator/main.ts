// The operator program's composition root: reads and validates configuration, builds the clients,
// starts the operator, and stops it cleanly on SIGTERM/SIGINT.
import { KubeConfig } from '@kubernetes/client-node';
import { createLogger, errorFields } from '../common/log.js';
import { operatorConfigFromEnv } from './config.js';
import { withKeepAliveAgents } from './kube/kube-config.js';
import { createOperator } from './operator.js';

async function main(): Promise<void> {
  const bootLogger = createLogger({ program: 'tac-operator' });
  let config;
  try {
    config = operatorConfigFromEnv(process.env);
  } catch (err) {
    bootLogger.error('Invalid configuration', errorFields(err));
    process.exitCode = 2;
    return;
  }
  const logger = createLogger({ program: 'tac-operator', level: config.logLevel });
  const kc = new KubeConfig();
  kc.loadFromDefault();
  withKeepAliveAgents(kc);
  const operator = createOperator(config, { kubeConfig: kc, logger });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('Shutting down', { signal });
    operator.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('Shutdown failed', errorFields(err));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await operator.start();
  logger.info('Operator started', {
    identity: config.identity,
    watchNamespaces: config.watchNamespaces,
    temporal: config.temporal.address,
    leaderElection: config.leaderElection.enabled,
  });
}

main().catch((err: unknown) => {
  createLogger({ program: 'tac-operator' }).error('Operator failed to start', errorFields(err));
  process.exit(1);
});
