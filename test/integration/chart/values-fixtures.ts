// Owns the chart values the chart tests render with: every optional feature on at once, and the
// environment-variable contracts of the three programs the rendered containers must stay within.
import { TEMPORAL_ENV_VARS } from '../../../common/temporal/connection-config.js';
import { OPERATOR_ENV_VARS } from '../../../operator/config.js';

/** Values turning every optional feature of the chart on (TLS everywhere, auth, monitoring, policies). */
export function everythingOn(): Record<string, unknown> {
  return {
    imagePullSecrets: [{ name: 'pull-secret' }],
    temporal: {
      address: 'temporal.example.internal:7233',
      namespace: 'tac',
      uiUrl: 'https://temporal-ui.example.internal',
      tls: {
        enabled: true,
        serverName: 'temporal.example.internal',
        caSecret: { name: 'temporal-ca', key: 'ca.pem' },
        clientCertSecret: { name: 'temporal-client' },
      },
      apiKeySecret: { name: 'temporal-api-key', key: 'key' },
    },
    operator: {
      replicaCount: 2,
      rest: { auth: { enabled: true }, tls: { enabled: true, secretName: 'operator-rest-tls' } },
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
      emcoOrchestratorUrl: 'http://orchestrator.emco:9015',
      grpc: {
        enabled: true,
        emcoEtcd: {
          endpoints: ['https://etcd.emco:2379'],
          tls: { secretName: 'emco-etcd-tls', clientCertificate: true },
          username: 'tac',
          passwordSecret: 'emco-etcd-password',
        },
      },
      invoke: {
        allowedClientEndpoints: ['*.workflow-clients.svc.cluster.local', 'legacy-client:9090'],
        tokenEndpoints: ['legacy-client:9090'],
      },
      podAnnotations: { team: 'tac' },
    },
    workflowClient: {
      config: { clients: { migrate: { workflowType: 'MigrateWorkflow', taskQueue: 'MIGRATION' } } },
      auth: { tokenSecret: { name: 'invoke-token', key: 'token' } },
      tls: { enabled: true, secretName: 'workflow-client-tls', caKey: 'ca.crt' },
    },
    worker: {
      taskQueues: ['HELLO_WORLD', 'MIGRATION'],
      emcoUrl: 'http://orchestrator.emco:9015',
      emcoAllowedUrls: ['http://orchestrator.emco:9015', 'https://emco.example.com/api'],
      maxConcurrentActivities: 20,
      monitoring: { enabled: true, port: 9191, host: '::' },
      probes: {
        startup: { periodSeconds: 5, failureThreshold: 60 },
        liveness: { periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
        readiness: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 2 },
      },
    },
    metrics: {
      serviceMonitor: {
        enabled: true,
        labels: { release: 'prometheus' },
        tlsConfig: { insecureSkipVerify: false },
      },
    },
    networkPolicy: {
      enabled: true,
      operator: {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'emco' } } }],
        grpcFrom: [{ podSelector: { matchLabels: { app: 'orchestrator' } } }],
      },
      workflowClient: {
        extraFrom: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      },
      worker: {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      },
    },
  };
}

/** Temporal variables every program reads, from the shared loader. */
const TEMPORAL_VARS: readonly string[] = TEMPORAL_ENV_VARS;

/**
 * Environment variables each program reads; the chart must set no other. The operator's list is
 * its config loader's own; the client's and the worker's mirror their config loaders.
 */
export const PROGRAM_ENV: Record<'operator' | 'workflow-client' | 'worker', ReadonlySet<string>> = {
  operator: new Set<string>([...OPERATOR_ENV_VARS, ...TEMPORAL_VARS]),
  'workflow-client': new Set([
    ...TEMPORAL_VARS,
    'TAC_CLIENT_PORT',
    'TAC_CLIENT_BODY_LIMIT',
    'TAC_CLIENT_START_TIMEOUT',
    'TAC_CLIENT_SHUTDOWN_TIMEOUT',
    'TAC_CLIENT_MAX_CONCURRENT_INVOKES',
    'TAC_CLIENT_CONFIG',
    'TAC_CLIENT_AUTH',
    'TAC_CLIENT_TOKEN_FILE',
    'TAC_CLIENT_TLS_CERT_FILE',
    'TAC_CLIENT_TLS_KEY_FILE',
    'LOG_LEVEL',
  ]),
  worker: new Set([
    ...TEMPORAL_VARS,
    'TAC_WORKER_TASK_QUEUES',
    'TAC_WORKER_EMCO_URL',
    'TAC_WORKER_EMCO_ALLOWED_URLS',
    'TAC_WORKER_HTTP_TIMEOUT',
    'TAC_WORKER_SHUTDOWN_GRACE',
    'TAC_WORKER_MAX_CONCURRENT_ACTIVITIES',
    'TAC_WORKER_MONITOR',
    'TAC_WORKER_MONITOR_HOST',
    'TAC_WORKER_MONITOR_PORT',
    'LOG_LEVEL',
  ]),
};
