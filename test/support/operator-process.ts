// Owns operator child processes for tests that kill and restart the operator (SIGKILL, leader
// failover): `tsx operator/main.ts` under a test identity, logs kept in the environment's work dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../testenv/env.js';
import { freePort } from '../../testenv/ports.js';
import { testEnv, waitFor } from './env.js';
import { testInvokeAuth } from './invoke-auth.js';
import { installCrdAndRbac, kubeconfigFileFor } from './operator.js';

export interface OperatorProcess {
  name: string;
  child: ChildProcess;
  restUrl: string;
  logPath: string;
  logs(): Promise<string>;
  /** Sends a signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function spawnOperator(
  name: string,
  env: Record<string, string> = {},
): Promise<OperatorProcess> {
  await installCrdAndRbac();
  const te = testEnv();
  const port = await freePort();
  const logPath = path.join(te.workDir, `operator-${name}-${Date.now()}.log`);
  const out = createWriteStream(logPath);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'operator/main.ts')], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      KUBECONFIG: await kubeconfigFileFor('operator'),
      TEMPORAL_ADDRESS: te.temporalAddress,
      TEMPORAL_NAMESPACE: te.temporalNamespace,
      TAC_REST_HOST: '127.0.0.1',
      TAC_REST_PORT: String(port),
      TAC_REST_AUTH: 'none',
      POD_NAME: name,
      TAC_LEASE_NAMESPACE: 'tac-system',
      TAC_LEASE_NAME: 'tac-operator-proc-test',
      TAC_LEASE_DURATION: '4s',
      TAC_LEASE_RENEW_DEADLINE: '3s',
      TAC_LEASE_RETRY_PERIOD: '500ms',
      TAC_INVOKE_TIMEOUT: '3s',
      LOG_LEVEL: 'debug',
      ...(await testInvokeAuth()).operatorEnv,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const restUrl = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${restUrl}/readyz`)).ok, {
    what: `operator ${name} to be ready`,
    timeoutMs: 60_000,
  });
  return {
    name,
    child,
    restUrl,
    logPath,
    logs: () => readFile(logPath, 'utf8'),
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
