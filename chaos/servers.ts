// Owns the chaos suite's own servers: etcd, kube-apiserver and the Temporal dev server started
// from the provisioned binaries on fixed loopback ports, each of which can be killed, stopped and
// started again with its data kept (etcd's data dir, Temporal's database file), so faults hit
// servers that really restart. Certificates, identities, ports and process handling are testenv's.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { makePki } from '../testenv/certs.js';
import { DEFAULT_IDENTITIES, kubeconfigYaml, makeIdentities, tokenFile } from '../testenv/identities.js';
import { REPO_ROOT, provision, temporalDevServerArgs } from '../testenv/env.js';
import { freePorts } from '../testenv/ports.js';
import { isAlive, startProcess, stopProcess, waitReady, type ManagedProcess } from '../testenv/processes.js';
import type { Identity } from '../testenv/types.js';
import { killNow } from './signals.js';

export class ServerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServerError';
  }
}

/** One server that can be killed and started again on the same port with the same data. */
export interface RestartableServer {
  readonly name: string;
  pid(): number | undefined;
  logPath(): string | undefined;
  /** Starts it (again) and resolves once it answers its readiness probe. */
  start(): Promise<void>;
  /** SIGKILL to its process group (no clean shutdown); resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface ChaosServers {
  workDir: string;
  binDir: string;
  etcd: RestartableServer;
  apiserver: RestartableServer;
  temporal: RestartableServer;
  /** https://127.0.0.1:PORT of the API server itself (no proxy). */
  kubeApiUrl: string;
  caPath: string;
  identities: Record<string, Identity>;
  /** Kubeconfig (contexts per identity) pointing at the API server itself. */
  kubeconfigPath: string;
  temporalAddress: string;
  temporalNamespace: string;
  kubectlPath: string;
  /** Writes a kubeconfig pointing at `serverUrl` (e.g. a fault proxy) and returns its path. */
  kubeconfigFor(serverUrl: string, file: string): Promise<string>;
  stop(): Promise<void>;
}

function httpsGet(url: string, ca: Buffer, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      url,
      { ca, headers: { authorization: `Bearer ${token}` }, timeout: 3000 },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function temporalServing(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    return Number((await connection.healthService.check({})).status) === 1;
  } finally {
    await connection.close();
  }
}

/**
 * Stops these process groups and removes `workDir` ('-': none) if the chaos run dies first
 * (testenv's reaper). Returns the reaper's pid, to stop it once it is no longer needed.
 */
export function reap(workDir: string, ...pids: number[]): number | undefined {
  const reaper = spawn(
    'bash',
    [path.join(REPO_ROOT, 'testenv/reaper.sh'), String(process.pid), workDir, ...pids.map(String)],
    { detached: true, stdio: 'ignore' },
  );
  reaper.unref();
  return reaper.pid;
}

function restartable(
  name: string,
  launch: () => ManagedProcess,
  probe: () => Promise<boolean>,
  readyMs: number,
): RestartableServer {
  let proc: ManagedProcess | undefined;
  let reaper: number | undefined;
  const gone = async (): Promise<void> => {
    if (reaper !== undefined) await stopProcess(reaper, 100);
    reaper = undefined;
  };
  return {
    name,
    pid: () => proc?.pid,
    logPath: () => proc?.logPath,
    async start() {
      if (proc !== undefined && isAlive(proc.pid)) throw new ServerError(`${name} is already running`);
      proc = launch();
      reaper = reap('-', proc.pid);
      await waitReady(proc, probe, readyMs);
    },
    async kill() {
      if (proc === undefined) return;
      await killNow(proc.pid);
      await gone();
    },
    async stop(graceMs = 5000) {
      if (proc === undefined) return;
      await stopProcess(proc.pid, graceMs);
      await gone();
    },
  };
}

/** Starts etcd, kube-apiserver and Temporal (database file) in a fresh work dir. */
export async function startChaosServers(log: (m: string) => void): Promise<ChaosServers> {
  const binDir = await provision(log);
  const bin = (n: string): string => path.join(binDir, n);
  const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const tag = (process.env.TAC_TESTENV_TAG ?? '').replace(/[^A-Za-z0-9]/g, '');
  const workDir = await mkdtemp(
    path.join(base, tag === '' ? 'tac-testenv-chaos-' : `tac-testenv-${tag}-chaos-`),
  );
  const [etcdClient, etcdPeer, apiPort, temporalPort, temporalHttp, temporalMetrics, temporalUi] =
    await freePorts(7);
  const pki = await makePki(workDir);
  const identities = makeIdentities(DEFAULT_IDENTITIES);
  const admin = identities.admin;
  if (admin === undefined) throw new ServerError('an identity named admin is required');
  const tokensPath = path.join(workDir, 'tokens.csv');
  await writeFile(tokensPath, tokenFile(identities), { mode: 0o600 });
  const ca = await readFile(pki.caCert);
  const etcdUrl = `http://127.0.0.1:${etcdClient}`;
  const kubeApiUrl = `https://127.0.0.1:${apiPort}`;
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const logFile = (n: string): string => path.join(workDir, `${n}.log`);

  const etcd = restartable(
    'etcd',
    () =>
      startProcess(
        'etcd',
        bin('etcd'),
        [
          '--name=default',
          `--data-dir=${path.join(workDir, 'etcd')}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
          `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
          '--unsafe-no-fsync',
          '--log-level=warn',
        ],
        logFile('etcd'),
      ),
    async () => {
      const res = await fetch(`${etcdUrl}/health`, { signal: AbortSignal.timeout(2000) });
      return res.ok && ((await res.json()) as { health?: string }).health === 'true';
    },
    30_000,
  );
  const apiserver = restartable(
    'kube-apiserver',
    () =>
      startProcess(
        'kube-apiserver',
        bin('kube-apiserver'),
        [
          `--etcd-servers=${etcdUrl}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          `--secure-port=${apiPort}`,
          `--tls-cert-file=${pki.servingCert}`,
          `--tls-private-key-file=${pki.servingKey}`,
          `--client-ca-file=${pki.caCert}`,
          `--cert-dir=${path.join(workDir, 'apiserver-certs')}`,
          '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
          `--service-account-key-file=${pki.saPub}`,
          `--service-account-signing-key-file=${pki.saKey}`,
          '--service-cluster-ip-range=10.0.0.0/24',
          '--authorization-mode=RBAC',
          `--token-auth-file=${tokensPath}`,
          '--disable-admission-plugins=ServiceAccount',
          '--endpoint-reconciler-type=none',
          '--enable-priority-and-fairness=false',
          '--v=0',
        ],
        logFile('kube-apiserver'),
      ),
    async () => (await httpsGet(`${kubeApiUrl}/readyz`, ca, admin.token)) === 'ok',
    120_000,
  );
  const temporal = restartable(
    'temporal',
    () =>
      startProcess(
        'temporal',
        bin('temporal'),
        temporalDevServerArgs(
          { port: temporalPort, http: temporalHttp, metrics: temporalMetrics, ui: temporalUi },
          // State survives a restart: the fault is a restart, not a wipe.
          ['--headless', '--db-filename', path.join(workDir, 'temporal.db')],
        ),
        logFile('temporal'),
      ),
    () => temporalServing(temporalAddress),
    60_000,
  );

  const dirReaper = reap(workDir);
  const kubeconfigPath = path.join(workDir, 'kubeconfig');
  const kubeconfigFor = async (serverUrl: string, file: string): Promise<string> => {
    const p = path.join(workDir, file);
    await writeFile(p, kubeconfigYaml(serverUrl, pki.caCert, identities), { mode: 0o600 });
    return p;
  };
  const servers: ChaosServers = {
    workDir,
    binDir,
    etcd,
    apiserver,
    temporal,
    kubeApiUrl,
    caPath: pki.caCert,
    identities,
    kubeconfigPath,
    temporalAddress,
    temporalNamespace: 'default',
    kubectlPath: bin('kubectl'),
    kubeconfigFor,
    async stop() {
      await apiserver.stop();
      await temporal.stop();
      await etcd.stop();
      await rm(workDir, { recursive: true, force: true });
      if (dirReaper !== undefined) await stopProcess(dirReaper, 100);
    },
  };
  try {
    await kubeconfigFor(kubeApiUrl, 'kubeconfig');
    await etcd.start();
    log(`[chaos] etcd ready on ${etcdUrl}`);
    await Promise.all([apiserver.start(), temporal.start()]);
    log(`[chaos] kube-apiserver ready on ${kubeApiUrl}, temporal on ${temporalAddress}`);
    return servers;
  } catch (err) {
    await servers.stop();
    throw new ServerError('the chaos servers did not start', { cause: err });
  }
}
