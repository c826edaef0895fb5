// Owns the assembly of one operator process from its parts (informer cache, store, controller,
// lifecycle events, REST API, leader election) and their start/stop order. No configuration is
// read here: main.ts passes the validated config and the clients it built.
import { readFileSync } from 'node:fs';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import type { Logger } from '../common/log.js';
import { GROUP, PLURAL, VERSION, type TemporalActionIntent } from '../common/model/types.js';
import { connectionOptions } from '../common/temporal/connection-options.js';
import type { OperatorConfig } from './config.js';
import { Controller } from './controller/controller.js';
import { Executor } from './controller/executor.js';
import { Finalizer } from './controller/finalizer.js';
import { Observer } from './controller/observer.js';
import { Reconciler } from './controller/reconciler.js';
import { RunWatcher } from './controller/run-watcher.js';
import { CacheWaiter } from './kube/cache-waiter.js';
import { KubeEventRecorder } from './kube/event-recorder.js';
import { ResourceInformer } from './kube/informer.js';
import { IntentClient } from './kube/intent-client.js';
import { KubeIntentStore } from './kube/intent-store.js';
import { LeaderElector } from './kube/leader-election.js';
import { Lifecycle } from './lifecycle/lifecycle-service.js';
import { createOperatorMetrics, type OperatorMetrics } from './metrics.js';
import { forgetEmcoIntent, observeEmcoIntent } from './emco-gauge.js';
import type { IntentStore, LifecycleService } from './ports.js';
import { createActionController } from './grpc/action-controller.js';
import { createRestServer } from './rest/server.js';
import { Invoker } from './runs/invoke.js';
import { TemporalGateway } from './temporal/temporal-gateway.js';

/** Invokes per run at most (an unanswered invoke is looked up for `TAC_START_LOOKUP_TIMEOUT`
 * before the next one). */
const MAX_START_ATTEMPTS = 3;

export interface OperatorDeps {
  kubeConfig: KubeConfig;
  logger: Logger;
  /** A ready Temporal connection (tests pass one); otherwise one is made lazily from config.temporal. */
  temporalConnection?: Connection;
}

export interface Operator {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The REST port actually bound (useful with port 0). */
  restPort(): number;
  /** The gRPC action-controller port actually bound (0 when it is off). */
  grpcPort(): number;
  isLeader(): boolean;
  readonly metrics: OperatorMetrics;
  /** The internal lifecycle API (the REST lifecycle endpoint calls the same). */
  readonly lifecycle: LifecycleService;
  readonly store: IntentStore;
}

/**
 * The operator never reads metadata.managedFields, which can be the largest part of a cached object;
 * dropped in place (client-node's own ListWatch cache holds the same object) before caching.
 */
function withoutManagedFields(obj: KubernetesObject): TemporalActionIntent {
  if (obj.metadata !== undefined) delete obj.metadata.managedFields;
  return obj as TemporalActionIntent;
}

export function createOperator(config: OperatorConfig, deps: OperatorDeps): Operator {
  const { kubeConfig: kc, logger } = deps;
  const metrics = createOperatorMetrics();
  const ownsConnection = deps.temporalConnection === undefined;
  const connection = deps.temporalConnection ?? Connection.lazy(connectionOptions(config.temporal));
  const temporalClient = new Client({ connection, namespace: config.temporal.namespace });
  const temporal = new TemporalGateway(temporalClient, {
    namespace: config.temporal.namespace,
    callTimeoutMs: config.temporalCallTimeoutMs,
    ...(config.temporalUiUrl !== undefined ? { uiUrl: config.temporalUiUrl } : {}),
  });
  const informer = new ResourceInformer<TemporalActionIntent>(
    kc,
    {
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespaces: [...config.watchNamespaces],
      decode: withoutManagedFields,
    },
    { logger: logger.child({ component: 'informer' }) },
  );
  const waiter = new CacheWaiter();
  const store = new KubeIntentStore(informer, new IntentClient(kc), waiter);
  const invoker = new Invoker({
    timeoutMs: config.invoke.timeoutMs,
    ...(config.invoke.tlsCaFile !== undefined
      ? { tlsCa: readFileSync(config.invoke.tlsCaFile, 'utf8') }
      : {}),
    ...(config.invoke.tokenFile !== undefined
      ? {
          token: {
            value: readFileSync(config.invoke.tokenFile, 'utf8').trim(),
            endpoints: config.invoke.tokenEndpoints,
          },
        }
      : {}),
    maxReplyBytes: config.invoke.maxReplyBytes,
  });
  const events = new KubeEventRecorder(kc, 'tac-operator', logger.child({ component: 'events' }));
  // The watcher re-queues through the controller, which needs the watcher: tie the knot here.
  const late: { controller?: Controller } = {};
  const watcher = new RunWatcher(
    temporal,
    (key) => late.controller?.enqueue(key),
    logger.child({ component: 'run-watcher' }),
  );
  const startLookupMs = config.invoke.startLookupMs;
  const reconciler = new Reconciler({
    store,
    finalizer: new Finalizer({
      store,
      temporal,
      watcher,
      events,
      deletionGraceMs: config.deletionGraceMs,
      now: () => new Date(),
    }),
    observer: new Observer(temporal, config.invoke.allowedEndpoints, watcher),
    executor: new Executor({
      store,
      temporal,
      invoker,
      events,
      watcher,
      metrics,
      ...(config.emcoOrchestratorUrl !== undefined
        ? { emcoOrchestratorUrl: config.emcoOrchestratorUrl }
        : {}),
    }),
    watcher,
    planner: {
      defaultBlockingTimeoutMs: config.defaultBlockingTimeoutMs,
      timeoutPolicy: config.timeoutPolicy,
      allowedEndpoints: config.invoke.allowedEndpoints,
      startLookupMs,
      maxStartAttempts: MAX_START_ATTEMPTS,
      uiLink: (ref) => temporal.uiLink(ref),
    },
    metrics,
    logger: logger.child({ component: 'reconciler' }),
  });
  const ctl = new Controller({
    list: () => informer.list(),
    reconciler,
    watcher,
    logger: logger.child({ component: 'controller' }),
    metrics,
    workers: config.workers,
    resyncMs: config.resyncMs,
  });
  late.controller = ctl;
  informer.on('add', (obj) => {
    store.onUpsert(obj);
    if (config.intentGauge) observeEmcoIntent(metrics, obj);
    ctl.onChange(obj);
  });
  informer.on('update', (obj, old) => {
    store.onUpsert(obj);
    if (config.intentGauge) observeEmcoIntent(metrics, obj);
    ctl.onChange(obj, old);
  });
  informer.on('delete', (obj) => {
    store.onDelete(obj);
    if (config.intentGauge) forgetEmcoIntent(metrics, obj);
    ctl.onDelete(obj);
  });
  const lifecycle = new Lifecycle({
    store,
    logger: logger.child({ component: 'lifecycle' }),
    metrics,
    config: {
      defaultBlockingTimeoutMs: config.defaultBlockingTimeoutMs,
      startLookupMs,
      maxStartAttempts: MAX_START_ATTEMPTS,
    },
  });
  const rest = createRestServer({
    store,
    lifecycle,
    temporal,
    logger: logger.child({ component: 'rest' }),
    metrics,
    kubeConfig: kc,
    config: {
      defaultNamespace: config.defaultNamespace,
      maxBodyBytes: config.rest.maxBodyBytes,
      requestTimeoutMs: config.rest.requestTimeoutMs,
      routeTimeoutMs: config.rest.routeTimeoutMs,
      headersTimeoutMs: config.rest.headersTimeoutMs,
      receiveTimeoutMs: config.rest.receiveTimeoutMs,
      auth: config.rest.auth,
      authAudiences: config.rest.authAudiences,
      authCacheTtlMs: config.rest.authCacheTtlMs,
      authCacheMaxEntries: config.rest.authCacheMaxEntries,
      arbitraryWorkflowIds: config.rest.arbitraryWorkflowIds,
      ...(config.rest.tlsCertFile !== undefined && config.rest.tlsKeyFile !== undefined
        ? {
            tls: {
              certFile: config.rest.tlsCertFile,
              keyFile: config.rest.tlsKeyFile,
              ...(config.rest.clientCaFile !== undefined ? { clientCaFile: config.rest.clientCaFile } : {}),
            },
          }
        : {}),
      ...(config.emcoOrchestratorUrl !== undefined
        ? { emcoOrchestratorUrl: config.emcoOrchestratorUrl }
        : {}),
      ...(config.temporalUiUrl !== undefined ? { temporalUiUrl: config.temporalUiUrl } : {}),
      temporalAddress: config.temporal.address,
    },
    health: { ready: () => store.synced() },
  });
  const actionController = config.grpc.enabled
    ? createActionController(config.grpc, {
        lifecycle,
        store,
        namespace: config.defaultNamespace,
        logger: logger.child({ component: 'grpc' }),
        ...(config.emcoOrchestratorUrl !== undefined
          ? { emcoOrchestratorUrl: config.emcoOrchestratorUrl }
          : {}),
      })
    : undefined;
  const elector = config.leaderElection.enabled
    ? new LeaderElector(
        kc,
        {
          leaseName: config.leaderElection.leaseName,
          namespace: config.leaderElection.leaseNamespace,
          identity: config.identity,
          leaseDurationMs: config.leaderElection.leaseDurationMs,
          renewDeadlineMs: config.leaderElection.renewDeadlineMs,
          retryPeriodMs: config.leaderElection.retryPeriodMs,
          onStartedLeading: () => {
            logger.info('Became leader', { identity: config.identity });
            metrics.leader.set(1);
            ctl.startLeading();
          },
          onStoppedLeading: () => {
            logger.warn('Lost leadership; reconciling stops', { identity: config.identity });
            metrics.leader.set(0);
            void ctl.stopLeading();
          },
        },
        { logger },
      )
    : undefined;

  let boundPort = 0;
  return {
    metrics,
    lifecycle,
    store,
    restPort: () => boundPort,
    grpcPort: () => actionController?.port() ?? 0,
    isLeader: () => ctl.leading(),
    async start() {
      // Listen first: /healthz answers while the cache syncs (/readyz says when it has), and the
      // open socket keeps the process alive through informer retries (their timers are unref'd).
      boundPort = await rest.listen(config.rest.port, config.rest.host);
      logger.info('REST API listening', { port: boundPort, host: config.rest.host });
      await informer.start();
      // After the cache synced: an event fired on an empty cache would run no intent and succeed.
      await actionController?.start();
      if (elector !== undefined) elector.start();
      else {
        metrics.leader.set(1);
        ctl.startLeading();
      }
    },
    async stop() {
      // Drain our reconciles before releasing the Lease, so a standby never overlaps with us.
      await ctl.stopLeading();
      if (elector !== undefined) await elector.stop();
      await rest.close();
      await actionController?.stop();
      await informer.stop();
      waiter.close();
      await invoker.close();
      if (ownsConnection) await connection.close();
      logger.info('Operator stopped');
    },
  };
}
