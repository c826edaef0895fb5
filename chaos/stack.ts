// Owns the system the chaos suite attacks: its restartable servers, the fault proxy, and the
// product's programs as separate processes wired through the proxy — two operator replicas
// (leader election on, each with its own links to the API server and to Temporal), the workflow
// client (the intents reach it through a link) and the worker. Programs can be killed, hung and
// started again; nothing here reaches into a program's code.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { spawnProgram, waitHttpOk, type Child } from '../bench/children.js';
import { adminKubeConfig, ensureNamespace, installCrd } from '../bench/kube.js';
import { tsxLauncher, type Launcher, type Program } from '../bench/build.js';
import { freePort } from '../testenv/ports.js';
import { isAlive } from '../testenv/processes.js';
import type { EnvInfo } from '../testenv/types.js';
import { startFaultProxy, type FaultProxy, type Link } from './fault-proxy.js';
import { startChaosServers, type ChaosServers } from './servers.js';
import { killNow } from './signals.js';
import { writeInvokeAuth } from '../testenv/invoke-auth.js';

export const CHAOS_NAMESPACE = 'tac-chaos';
export const LEASE_NAME = 'tac-operator-chaos';
/** The invoke timeout the operators run with: a hung workflow client costs this long. */
export const INVOKE_TIMEOUT_MS = 3000;

export class StackError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StackError';
  }
}

/** One operator replica: its process (replaced on restart) and its own links. */
export interface Replica {
  name: string;
  restUrl: string;
  kube: Link;
  temporal: Link;
  child(): Child | undefined;
  /** The identity (Lease holder) of the current process. */
  identity(): string;
  running(): boolean;
  start(): Promise<void>;
  kill(): Promise<void>;
}

export interface ChaosStack {
  servers: ChaosServers;
  proxy: FaultProxy;
  info: EnvInfo;
  kc: KubeConfig;
  temporal: Client;
  replicas: Replica[];
  /** Link from the operators to the workflow client; intents name its port. */
  clientLink: Link;
  workflowClient: ManagedProgram;
  worker: ManagedProgram;
  /** The replica holding the Lease now, if any. */
  leader(): Promise<Replica | undefined>;
  logDir: string;
  stop(): Promise<void>;
}

/** A program the suite can kill and start again with the same settings. */
export interface ManagedProgram {
  name: string;
  child(): Child | undefined;
  start(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

function envInfoOf(s: ChaosServers): EnvInfo {
  return {
    kubeconfigPath: s.kubeconfigPath,
    kubeApiUrl: s.kubeApiUrl,
    caPath: s.caPath,
    identities: s.identities,
    temporalAddress: s.temporalAddress,
    temporalNamespace: s.temporalNamespace,
    temporalUiUrl: '',
    kubectlPath: s.kubectlPath,
    helmPath: path.join(s.binDir, 'helm'),
    binDir: s.binDir,
    workDir: s.workDir,
    pids: { etcd: s.etcd.pid() ?? 0, kubeApiserver: s.apiserver.pid() ?? 0, temporal: s.temporal.pid() ?? 0 },
  };
}

function managed(
  name: string,
  launcher: Launcher,
  program: Program,
  env: () => Record<string, string>,
  logDir: string,
  ready: (c: Child) => Promise<unknown>,
): ManagedProgram {
  let current: Child | undefined;
  return {
    name,
    child: () => current,
    async start() {
      current = spawnProgram({
        name,
        argv: launcher.argv(program),
        env: { ...launcher.env, ...env() },
        logDir,
      });
      await ready(current);
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      const c = current;
      if (c === undefined) return;
      if (signal === 'SIGKILL') {
        await killNow(c.pid);
        await c.exited;
      }
      // Stops the reaper too (and the process, for SIGTERM).
      await c.stop();
    },
  };
}

export async function startChaosStack(log: (m: string) => void): Promise<ChaosStack> {
  const servers = await startChaosServers(log);
  const cleanups: Array<() => Promise<void>> = [() => servers.stop()];
  const stopAll = async (): Promise<void> => {
    for (const c of cleanups.splice(0).reverse()) await c();
  };
  try {
    const logDir = path.join(servers.workDir, 'programs');
    await mkdir(logDir, { recursive: true });
    const info = envInfoOf(servers);
    const kc = adminKubeConfig(info);
    await installCrd(info);
    await ensureNamespace(kc, CHAOS_NAMESPACE);
    const proxy = await startFaultProxy(servers.workDir, log);
    cleanups.push(() => proxy.stop());
    const launcher = tsxLauncher();
    const temporalEnv = {
      TEMPORAL_ADDRESS: servers.temporalAddress,
      TEMPORAL_NAMESPACE: servers.temporalNamespace,
    };

    const worker = managed(
      'worker',
      launcher,
      'worker',
      () => ({
        ...temporalEnv,
        TAC_WORKER_MONITOR_HOST: '127.0.0.1',
        TAC_WORKER_MONITOR_PORT: '0',
        LOG_LEVEL: 'warn',
      }),
      logDir,
      () => Promise.resolve(),
    );
    const clientPort = await freePort();
    const invokeAuth = await writeInvokeAuth(logDir);
    const workflowClient = managed(
      'workflow-client',
      launcher,
      'client',
      () => ({
        ...temporalEnv,
        TAC_CLIENT_HOST: '127.0.0.1',
        TAC_CLIENT_PORT: String(clientPort),
        ...invokeAuth.clientEnv,
        LOG_LEVEL: 'info',
      }),
      logDir,
      (c) => waitHttpOk(c, `http://127.0.0.1:${clientPort}/readyz`, 120_000, 100),
    );
    const programs: ManagedProgram[] = [worker, workflowClient];
    cleanups.push(async () => {
      for (const p of programs) await p.kill('SIGTERM');
    });
    await worker.start();
    await workflowClient.start();
    const clientLink = await proxy.link('workflow-client', `127.0.0.1:${clientPort}`);

    const replicas: Replica[] = [];
    for (const name of ['a', 'b']) {
      const kube = await proxy.link(`kube-${name}`, servers.kubeApiUrl.replace('https://', ''));
      const temporalLink = await proxy.link(`temporal-${name}`, servers.temporalAddress);
      const kubeconfig = await servers.kubeconfigFor(`https://${kube.listen}`, `kubeconfig-${name}`);
      const restPort = await freePort();
      const restUrl = `http://127.0.0.1:${restPort}`;
      let generation = 0;
      let identity = '';
      const program = managed(
        `operator-${name}`,
        launcher,
        'operator',
        () => {
          generation += 1;
          identity = `chaos-${name}-${generation}`;
          return {
            KUBECONFIG: kubeconfig,
            TEMPORAL_ADDRESS: temporalLink.listen,
            TEMPORAL_NAMESPACE: servers.temporalNamespace,
            TAC_REST_HOST: '127.0.0.1',
            TAC_REST_PORT: String(restPort),
            TAC_REST_AUTH: 'none',
            TAC_WATCH_NAMESPACES: CHAOS_NAMESPACE,
            TAC_DEFAULT_NAMESPACE: CHAOS_NAMESPACE,
            TAC_LEADER_ELECT: 'true',
            TAC_LEASE_NAME: LEASE_NAME,
            TAC_LEASE_NAMESPACE: CHAOS_NAMESPACE,
            TAC_LEASE_DURATION: '4s',
            TAC_LEASE_RENEW_DEADLINE: '3s',
            TAC_LEASE_RETRY_PERIOD: '500ms',
            TAC_INVOKE_TIMEOUT: `${INVOKE_TIMEOUT_MS}ms`,
            POD_NAME: identity,
            ...invokeAuth.operatorEnv,
            LOG_LEVEL: 'info',
          };
        },
        logDir,
        (c) => waitHttpOk(c, `${restUrl}/readyz`, 120_000, 100),
      );
      programs.push(program);
      replicas.push({
        name,
        restUrl,
        kube,
        temporal: temporalLink,
        child: () => program.child(),
        identity: () => identity,
        running() {
          const c = program.child();
          return c !== undefined && isAlive(c.pid);
        },
        start: () => program.start(),
        kill: () => program.kill('SIGKILL'),
      });
    }
    await Promise.all(replicas.map((r) => r.start()));
    log(`[chaos] operators ready on ${replicas.map((r) => r.restUrl).join(', ')}`);

    const connection = await Connection.connect({ address: servers.temporalAddress });
    cleanups.push(() => connection.close());
    const temporal = new Client({ connection, namespace: servers.temporalNamespace });
    // The worker is ready once it has run a workflow (it bundles the workflow code first).
    await temporal.workflow.execute('noop', {
      taskQueue: 'noop',
      workflowId: `chaos-worker-ready-${Date.now()}`,
      args: [{}],
      workflowExecutionTimeout: '180s',
    });
    log('[chaos] worker ready');

    const coordination = kc.makeApiClient(CoordinationV1Api);
    return {
      servers,
      proxy,
      info,
      kc,
      temporal,
      replicas,
      clientLink,
      workflowClient,
      worker,
      logDir,
      async leader() {
        const lease = await coordination.readNamespacedLease({
          name: LEASE_NAME,
          namespace: CHAOS_NAMESPACE,
        });
        const holder = lease.spec?.holderIdentity ?? '';
        return replicas.find((r) => r.identity() === holder && r.running());
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw new StackError('the chaos stack did not start', { cause: err });
  }
}
