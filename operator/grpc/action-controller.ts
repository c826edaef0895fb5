// Owns assembling EMCO's action-controller surface from the operator's parts: the app-context
// reader (EMCO's etcd), the orchestrator worker client (when an orchestrator URL is configured),
// the call semantics and the gRPC server. The operator starts and stops it as one piece.
import type { Logger } from '../../common/log.js';
import type { GrpcConfig } from '../config.js';
import { EtcdAppContextReader, type AppContextReader } from '../emco/app-context.js';
import { ContextActions } from '../emco/context-actions.js';
import { OrchestratorWorkers } from '../emco/orchestrator-workers.js';
import type { IntentStore, LifecycleService } from '../ports.js';
import { ContextUpdateServer } from './contextupdate-server.js';

export interface ActionControllerDeps {
  lifecycle: LifecycleService;
  store: IntentStore;
  namespace: string;
  emcoOrchestratorUrl?: string;
  logger: Logger;
  /** Tests may pass their own reader; otherwise EMCO's etcd from the config. */
  contexts?: AppContextReader;
}

export interface ActionController {
  /** Binds the configured port; returns the bound port. */
  start(): Promise<number>;
  stop(): Promise<void>;
  port(): number;
}

const WORKER_REQUEST_TIMEOUT_MS = 10_000;
const WORKER_POLL_MS = 1000;

export function createActionController(config: GrpcConfig, deps: ActionControllerDeps): ActionController {
  const contexts =
    deps.contexts ?? (config.etcd !== undefined ? new EtcdAppContextReader(config.etcd) : undefined);
  if (contexts === undefined) {
    throw new Error('the gRPC action controller needs EMCO etcd endpoints (TAC_EMCO_ETCD_ENDPOINTS)');
  }
  const actions = new ContextActions({
    lifecycle: deps.lifecycle,
    store: deps.store,
    contexts,
    namespace: deps.namespace,
    logger: deps.logger,
    ...(deps.emcoOrchestratorUrl !== undefined
      ? {
          emcoUrl: deps.emcoOrchestratorUrl,
          workers: new OrchestratorWorkers(deps.emcoOrchestratorUrl, {
            requestTimeoutMs: WORKER_REQUEST_TIMEOUT_MS,
            pollMs: WORKER_POLL_MS,
            logger: deps.logger.child({ part: 'workers' }),
          }),
        }
      : {}),
  });
  const server = new ContextUpdateServer({ actions, logger: deps.logger });
  return {
    async start() {
      const port = await server.listen(config.port, config.host);
      deps.logger.info('gRPC action controller listening', { port, host: config.host });
      return port;
    },
    async stop() {
      await server.close();
      await contexts.close();
    },
    port: () => server.boundPort(),
  };
}
