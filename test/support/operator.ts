// Owns running the operator inside integration tests: the repo's RBAC applied, the CRD installed,
// and the operator started in-process under the `operator` ServiceAccount identity with its logs
// captured (so tests can assert, e.g., that no call was forbidden).
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import winston from 'winston';
import Transport from 'winston-transport';
import { Connection } from '@temporalio/client';
import { KubeConfig } from '@kubernetes/client-node';
import { operatorConfigFromEnv } from '../../operator/config.js';
import { withKeepAliveAgents } from '../../operator/kube/kube-config.js';
import { createOperator, type Operator } from '../../operator/operator.js';
import { REPO_ROOT } from '../../testenv/env.js';
import { kubeConfig, testEnv, waitFor } from './env.js';
import { testInvokeAuth } from './invoke-auth.js';

const run = promisify(execFile);

class MemoryTransport extends Transport {
  readonly lines: Record<string, unknown>[] = [];
  override log(info: Record<string, unknown>, next: () => void): void {
    this.lines.push(info);
    if (process.env.TAC_TEST_LOGS === '1') console.error(JSON.stringify(info));
    next();
  }
}

let setupDone: Promise<void> | undefined;

/** Applies the CRD and deploy/rbac once per run (as admin) and waits for the CRD to be served. */
export function installCrdAndRbac(): Promise<void> {
  setupDone ??= (async () => {
    const env = testEnv();
    const kubectl = (args: string[]) =>
      run(env.kubectlPath, ['--kubeconfig', env.kubeconfigPath, '--context', 'admin', ...args]);
    await kubectl(['apply', '--server-side', '--force-conflicts', '-f', path.join(REPO_ROOT, 'crds')]);
    await kubectl([
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/temporalactionintents.tac.emco.io',
    ]);
    await kubectl(['apply', '--server-side', '--force-conflicts', '-f', path.join(REPO_ROOT, 'deploy/rbac')]);
  })();
  return setupDone;
}

/** Writes a kubeconfig whose current context is `identity` (for child processes). */
export async function kubeconfigFileFor(identity: string): Promise<string> {
  const env = testEnv();
  const kc = new KubeConfig();
  kc.loadFromFile(env.kubeconfigPath);
  kc.setCurrentContext(identity);
  const file = path.join(env.workDir, `kubeconfig-${identity}`);
  await writeFile(file, kc.exportConfig(), { mode: 0o600 });
  return file;
}

export interface StartedOperator {
  operator: Operator;
  restUrl: string;
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

export interface StartOperatorOptions {
  /** Extra environment for the operator's config (e.g. TAC_WATCH_NAMESPACES). */
  env?: Record<string, string>;
  identity?: string;
  /** Wait until this operator leads (default true; false for standby tests). */
  waitForLeadership?: boolean;
}

/** Starts an operator in-process against the test environment, as the `operator` identity. */
export async function startOperator(options: StartOperatorOptions = {}): Promise<StartedOperator> {
  await installCrdAndRbac();
  const env = testEnv();
  const config = operatorConfigFromEnv({
    TEMPORAL_ADDRESS: env.temporalAddress,
    TEMPORAL_NAMESPACE: env.temporalNamespace,
    TAC_REST_HOST: '127.0.0.1',
    TAC_REST_PORT: '0',
    TAC_REST_AUTH: 'none',
    TAC_LEASE_NAMESPACE: 'tac-system',
    TAC_LEASE_NAME: 'tac-operator-test',
    TAC_LEASE_DURATION: '4s',
    TAC_LEASE_RENEW_DEADLINE: '3s',
    TAC_LEASE_RETRY_PERIOD: '500ms',
    TAC_INVOKE_TIMEOUT: '3s',
    TAC_START_LOOKUP_TIMEOUT: '2s',
    TAC_DEFAULT_NAMESPACE: 'default',
    LOG_LEVEL: 'debug',
    ...(await testInvokeAuth()).operatorEnv,
    ...options.env,
  });
  const memory = new MemoryTransport();
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.json(),
    transports: [memory],
  });
  const connection = await Connection.connect({ address: env.temporalAddress });
  const operator = createOperator(config, {
    kubeConfig: withKeepAliveAgents(kubeConfig(options.identity ?? 'operator')),
    logger,
    temporalConnection: connection,
  });
  await operator.start();
  if (options.waitForLeadership !== false) {
    await waitFor(() => operator.isLeader(), { what: 'the operator to lead', timeoutMs: 20_000 });
  }
  return {
    operator,
    restUrl: `http://127.0.0.1:${operator.restPort()}`,
    logs: memory.lines,
    async stop() {
      await operator.stop();
      await connection.close();
    },
  };
}

/** Log lines that report a forbidden (403) Kubernetes call. */
export function forbiddenLines(logs: Record<string, unknown>[]): Record<string, unknown>[] {
  return logs.filter((l) => /forbidden|\b403\b/i.test(JSON.stringify(l)));
}
