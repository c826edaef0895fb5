// Owns the system under test for one benchmark run: the local environment (fresh, or a recorded one
// when asked), the CRD and namespaces, and the worker, workflow client and operator as separate
// processes; the operator can be restarted (start-up scenario) and profiled.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { KubeConfig } from '@kubernetes/client-node';
import { envAlive, readRecordedEnv, startEnv } from '../testenv/env.js';
import { freePort } from '../testenv/ports.js';
import type { EnvInfo } from '../testenv/types.js';
import { startEmcoEtcd, type EmcoEtcd } from '../scripts/emco-etcd.js';
import type { Launcher } from './build.js';
import { settledMemory, spawnProgram, waitHttpOk, type Child, type SettledMemory } from './children.js';
import { adminKubeConfig, ensureNamespace, installCrd } from './kube.js';
import { writeInvokeAuth } from '../testenv/invoke-auth.js';

/** Namespace the operator watches; every measured intent lives here. */
export const OPERATOR_NAMESPACE = 'tac-bench';
/** Namespace of the baselines' intents: the operator does not watch it. */
export const BASELINE_NAMESPACE = 'tac-bench-baseline';

export interface StackOptions {
  /** Reuse the environment recorded in this file (from `npm run env:up`) instead of starting one. */
  reuseEnvFile?: string;
  /** Directory for the processes' logs and CPU profiles. */
  logDir?: string;
  /** Start the operator with --cpu-prof (profiles written into `<logDir>/profiles` when it exits). */
  profileOperator?: boolean;
  /** How the operator, workflow client and worker are started. */
  launcher: Launcher;
  log: (message: string) => void;
}

export interface Stack {
  info: EnvInfo;
  kc: KubeConfig;
  temporal: Client;
  clientPort: number;
  /** Bearer token the workflow client requires on /invoke. */
  clientToken: string;
  restUrl: string;
  /** `127.0.0.1:<port>` of the operator's gRPC action controller (EMCO's contextupdate). */
  grpcAddress: string;
  /** A stand-in for EMCO's etcd, where the gRPC scenario writes app contexts. */
  emcoEtcd: EmcoEtcd;
  operator(): Child;
  launcher: Launcher;
  /** Stops the operator (if running) and starts it again; resolves with ms from spawn to /readyz 200. */
  restartOperator(): Promise<number>;
  /**
   * Starts a second, short-lived operator with these settings on another port (with `launcher`,
   * default the stack's), and stops it once ready (or, with `memoryMaxMs`, once its memory has
   * settled): ms from spawn to /readyz 200, and its settled memory.
   */
  extraOperator(
    env: Record<string, string>,
    launcher?: Launcher,
    /** Measure its settled memory, waiting at most this long (ms); undefined: stop once ready. */
    memoryMaxMs?: number,
  ): Promise<{ readyMs: number; memory?: SettledMemory }>;
  logDir: string;
  stop(): Promise<void>;
}

export class StackError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StackError';
  }
}

async function environment(options: StackOptions): Promise<{ info: EnvInfo; stop(): Promise<void> }> {
  if (options.reuseEnvFile !== undefined) {
    const info = await readRecordedEnv(options.reuseEnvFile);
    if (info === undefined || !envAlive(info)) {
      throw new StackError(
        `no running environment recorded in ${options.reuseEnvFile} (npm run env:up starts one)`,
      );
    }
    options.log(`[bench] reusing the environment of ${options.reuseEnvFile}`);
    return { info, stop: () => Promise.resolve() };
  }
  return startEnv({ log: options.log });
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const env = await environment(options);
  const children: Child[] = [];
  let temporalConnection: Connection | undefined;
  let emcoEtcd: EmcoEtcd | undefined;
  const stopAll = async (): Promise<void> => {
    for (const c of [...children].reverse()) await c.stop();
    children.length = 0;
    await temporalConnection?.close();
    await emcoEtcd?.stop();
    await env.stop();
  };
  try {
    const { info } = env;
    const logDir = options.logDir ?? path.join(info.workDir, 'bench');
    await mkdir(path.join(logDir, 'profiles'), { recursive: true });
    const kc = adminKubeConfig(info);
    await installCrd(info);
    await ensureNamespace(kc, OPERATOR_NAMESPACE);
    await ensureNamespace(kc, BASELINE_NAMESPACE);

    const temporalEnv = {
      TEMPORAL_ADDRESS: info.temporalAddress,
      TEMPORAL_NAMESPACE: info.temporalNamespace,
    };
    const worker = spawnProgram({
      name: 'worker',
      argv: options.launcher.argv('worker'),
      env: {
        ...options.launcher.env,
        ...temporalEnv,
        TAC_WORKER_TASK_QUEUES: 'noop',
        // its monitoring port on loopback, any free port: benchmarks may run beside other stacks
        TAC_WORKER_MONITOR_HOST: '127.0.0.1',
        TAC_WORKER_MONITOR_PORT: '0',
        LOG_LEVEL: 'warn',
      },
      logDir,
    });
    children.push(worker);
    const clientPort = await freePort();
    const invokeAuth = await writeInvokeAuth(logDir);
    const client = spawnProgram({
      name: 'workflow-client',
      argv: options.launcher.argv('client'),
      env: {
        ...options.launcher.env,
        ...temporalEnv,
        TAC_CLIENT_HOST: '127.0.0.1',
        TAC_CLIENT_PORT: String(clientPort),
        ...invokeAuth.clientEnv,
        LOG_LEVEL: 'warn',
      },
      logDir,
    });
    children.push(client);
    const restPort = await freePort();
    const restUrl = `http://127.0.0.1:${restPort}`;
    emcoEtcd = await startEmcoEtcd();
    const etcd = emcoEtcd;
    const grpcPort = await freePort();
    const operatorEnv = {
      ...options.launcher.env,
      ...temporalEnv,
      KUBECONFIG: info.kubeconfigPath,
      TAC_REST_HOST: '127.0.0.1',
      TAC_REST_PORT: String(restPort),
      TAC_LEADER_ELECT: 'false',
      TAC_WATCH_NAMESPACES: OPERATOR_NAMESPACE,
      TAC_DEFAULT_NAMESPACE: OPERATOR_NAMESPACE,
      POD_NAME: 'bench-operator',
      ...invokeAuth.operatorEnv,
      LOG_LEVEL: 'warn',
      // The REST read scenarios measure without authentication (stated in the run's operator settings).
      TAC_REST_AUTH: 'none',
      TAC_GRPC_ENABLED: 'true',
      TAC_GRPC_HOST: '127.0.0.1',
      TAC_GRPC_PORT: String(grpcPort),
      TAC_EMCO_ETCD_ENDPOINTS: etcd.endpoint,
    };
    const spawnOperator = (): Child =>
      spawnProgram({
        name: 'operator',
        argv: options.launcher.argv('operator'),
        env: operatorEnv,
        logDir,
        nodeOptions:
          options.profileOperator === true
            ? ['--cpu-prof', `--cpu-prof-dir=${path.join(logDir, 'profiles')}`]
            : [],
      });
    let operator = spawnOperator();
    children.push(operator);

    await waitHttpOk(client, `http://127.0.0.1:${clientPort}/readyz`, 120_000);
    options.log(`[bench] workflow client ready on 127.0.0.1:${clientPort}`);
    await waitHttpOk(operator, `${restUrl}/readyz`, 120_000);
    options.log(`[bench] operator ready on ${restUrl}`);
    temporalConnection = await Connection.connect({ address: info.temporalAddress });
    const temporal = new Client({ connection: temporalConnection, namespace: info.temporalNamespace });
    // The worker is ready once it has run a workflow (it bundles the workflow code first).
    await temporal.workflow.execute('noop', {
      taskQueue: 'noop',
      workflowId: `bench-worker-ready-${Date.now()}`,
      args: [{}],
      workflowExecutionTimeout: '120s',
    });
    options.log('[bench] worker ready');

    return {
      info,
      kc,
      temporal,
      clientPort,
      clientToken: invokeAuth.token,
      restUrl,
      grpcAddress: `127.0.0.1:${grpcPort}`,
      emcoEtcd: etcd,
      logDir,
      launcher: options.launcher,
      operator: () => operator,
      async restartOperator() {
        await operator.stop();
        children.splice(children.indexOf(operator), 1);
        operator = spawnOperator();
        children.push(operator);
        const readyAt = await waitHttpOk(operator, `${restUrl}/readyz`, 60_000, 10);
        return readyAt - operator.spawnedAt;
      },
      async extraOperator(env: Record<string, string>, launcher = options.launcher, memoryMaxMs?: number) {
        const port = await freePort();
        const extra = spawnProgram({
          name: 'operator-extra',
          argv: launcher.argv('operator'),
          env: {
            ...operatorEnv,
            TAC_REST_PORT: String(port),
            TAC_GRPC_PORT: '0',
            POD_NAME: 'bench-operator-extra',
            ...env,
          },
          logDir,
        });
        try {
          const readyAt = await waitHttpOk(extra, `http://127.0.0.1:${port}/readyz`, 60_000, 10);
          const readyMs = readyAt - extra.spawnedAt;
          return memoryMaxMs !== undefined
            ? { readyMs, memory: await settledMemory(extra.pid, { maxMs: memoryMaxMs }) }
            : { readyMs };
        } finally {
          await extra.stop();
        }
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
