// Owns a local environment's life: provisioning the binaries, starting etcd, kube-apiserver (RBAC
// on, static tokens) and the Temporal dev server on free 127.0.0.1 ports (the API server, for the
// cluster tier, on the host address Pods reach), and stopping all of it without leaving a process
// or a temp dir behind.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { makePki, type Pki, type PkiOptions } from './certs.js';
import {
  DEFAULT_IDENTITIES,
  kubeconfigYaml,
  makeIdentities,
  tokenFile,
  type IdentitySpec,
} from './identities.js';
import { freePorts } from './ports.js';
import { isAlive, startProcess, stopProcess, waitReady, type ManagedProcess } from './processes.js';
import type { EnvInfo } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..');
const runFile = promisify(execFile);

/** Search attributes the operator uses to find its runs again after a restart. */
export const TEMPORAL_SEARCH_ATTRIBUTES = ['TacIntent=Keyword', 'TacHookType=Keyword', 'TacEventId=Keyword'];

/** Ports of one Temporal dev server (as `freePorts` hands them out). */
export interface TemporalDevPorts {
  port: number | undefined;
  http: number | undefined;
  metrics: number | undefined;
  ui: number | undefined;
}

/**
 * Arguments of `temporal server start-dev` on loopback with the operator's search attributes;
 * `extra` (UI or headless, a database file) goes before the namespace.
 */
export function temporalDevServerArgs(ports: TemporalDevPorts, extra: readonly string[]): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(ports.port),
    '--http-port',
    String(ports.http),
    '--metrics-port',
    String(ports.metrics),
    '--ui-port',
    String(ports.ui),
    ...extra,
    '--namespace',
    'default',
    '--log-level',
    'warn',
    ...TEMPORAL_SEARCH_ATTRIBUTES.flatMap((sa) => ['--search-attribute', sa]),
  ];
}

export interface StartOptions {
  identities?: IdentitySpec[];
  /** Serve the Temporal Web UI (the demo wants it; tests don't). */
  temporalUi?: boolean;
  /** Stop the servers when this process dies without calling stop() (default true). */
  reapOnExit?: boolean;
  log?: (message: string) => void;
  /**
   * Serve the API server where Pods reach it (the cluster tier). Without it, it listens on
   * 127.0.0.1 and runs as the API-server-only tier needs.
   */
  network?: ControlPlaneNetwork;
  /** Use this (existing, empty-ish) work dir instead of making one; it is removed on stop. */
  workDir?: string;
}

/** Where the control plane listens when Pods must reach it. */
export interface ControlPlaneNetwork {
  /** An address of this host that Pods reach (the Pod bridge's gateway); must already exist. */
  hostAddress: string;
  /** The Service CIDR. */
  serviceCidr: string;
  /** The first address of the Service CIDR: the `kubernetes` Service. */
  kubernetesServiceIp: string;
}

export interface RunningEnv {
  info: EnvInfo;
  /** Certificates and keys of this environment (in its work dir). */
  pki: Pki;
  stop(): Promise<void>;
}

/**
 * Runs a provisioning script of scripts/testenv (cached after the first run), passing its
 * `[prefix]` progress lines to `log`, and returns the bin dir it prints last, which must hold
 * `expect`.
 */
export async function runProvisionScript(
  script: string,
  expect: string,
  log: (m: string) => void = () => {},
): Promise<string> {
  const started = Date.now();
  const child = spawn('bash', [path.join(REPO_ROOT, 'scripts/testenv', script)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
    for (const line of b.toString().split('\n')) if (line.startsWith('[provision')) log(line);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0)
    throw new Error(`${script} failed (exit ${code}):\n${err.split('\n').slice(-30).join('\n')}`);
  const binDir = out.trim().split('\n').pop() ?? '';
  if (!existsSync(path.join(binDir, expect))) throw new Error(`${script} printed no bin dir: ${out}`);
  log(`[testenv] ${script}: binaries ready in ${Date.now() - started} ms`);
  return binDir;
}

/** Runs scripts/testenv/provision.sh (cached after the first run) and returns the bin dir. */
export async function provision(log: (m: string) => void = () => {}): Promise<string> {
  return runProvisionScript('provision.sh', 'kube-apiserver', log);
}

function httpsGet(url: string, ca: Buffer, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      url,
      { ca, headers: { authorization: `Bearer ${token}` }, timeout: 3000 },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Whether the Temporal frontend at `address` answers its gRPC health check with SERVING. */
export async function temporalHealthy(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    const res = await connection.healthService.check({});
    return Number(res.status) === 1; // SERVING
  } finally {
    await connection.close();
  }
}

/** Picks a fast place for the work dir (tmpfs when there is one). */
export async function makeWorkDir(): Promise<string> {
  const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  // TAC_TESTENV_TAG lets a CI run find exactly the processes it started (see .ci/run).
  const tag = (process.env.TAC_TESTENV_TAG ?? '').replace(/[^A-Za-z0-9]/g, '');
  return mkdtemp(path.join(base, tag === '' ? 'tac-testenv-' : `tac-testenv-${tag}-`));
}

export async function startEnv(options: StartOptions = {}): Promise<RunningEnv> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const binDir = await provision(log);
  const bin = (name: string): string => path.join(binDir, name);
  const workDir = options.workDir ?? (await makeWorkDir());
  const net = options.network;
  const listenAddress = net?.hostAddress ?? '127.0.0.1';
  const procs: ManagedProcess[] = [];
  let reaperPid: number | undefined;

  const stop = async (): Promise<void> => {
    if (reaperPid !== undefined) await stopProcess(reaperPid, 100);
    for (const p of [...procs].reverse()) await stopProcess(p.pid);
    await rm(workDir, { recursive: true, force: true });
  };

  try {
    const [etcdClient, etcdPeer, apiPort, temporalPort, temporalUi, temporalHttp, temporalMetrics] =
      await freePorts(7);
    const pki = await makePki(workDir, net === undefined ? {} : servingNames(net));
    const identities = makeIdentities(options.identities ?? DEFAULT_IDENTITIES);
    const admin = identities.admin;
    if (admin === undefined) throw new Error('an identity named admin is required');

    // etcd
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const etcd = startProcess(
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
      path.join(workDir, 'etcd.log'),
    );
    procs.push(etcd);

    // Temporal dev server starts in parallel with the API server.
    // Temporal stays on loopback even in the cluster tier: the dev server binds every service to
    // --ip but tells them to reach each other at 127.0.0.1, so a non-loopback --ip breaks every call
    // past the frontend. The cluster tier forwards the host address to it instead.
    const temporalAddress = `127.0.0.1:${temporalPort}`;
    const temporal = startProcess(
      'temporal',
      bin('temporal'),
      temporalDevServerArgs(
        { port: temporalPort, http: temporalHttp, metrics: temporalMetrics, ui: temporalUi },
        options.temporalUi === true ? ['--ui-disable-news-fetch'] : ['--headless'],
      ),
      path.join(workDir, 'temporal.log'),
    );
    procs.push(temporal);

    await waitReady(
      etcd,
      async () => {
        const res = await fetch(`${etcdUrl}/health`);
        return res.ok && ((await res.json()) as { health?: string }).health === 'true';
      },
      30_000,
    );
    log(`[testenv] etcd ready on ${etcdUrl}`);

    const tokensPath = path.join(workDir, 'tokens.csv');
    await writeFile(tokensPath, tokenFile(identities), { mode: 0o600 });
    const apiserver = startProcess(
      'kube-apiserver',
      bin('kube-apiserver'),
      [
        `--etcd-servers=${etcdUrl}`,
        `--bind-address=${listenAddress}`,
        `--advertise-address=${listenAddress}`,
        `--secure-port=${apiPort}`,
        `--tls-cert-file=${pki.servingCert}`,
        `--tls-private-key-file=${pki.servingKey}`,
        `--client-ca-file=${pki.caCert}`,
        `--cert-dir=${path.join(workDir, 'apiserver-certs')}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${pki.saPub}`,
        `--service-account-signing-key-file=${pki.saKey}`,
        '--authorization-mode=RBAC',
        `--token-auth-file=${tokensPath}`,
        ...(net === undefined
          ? [
              '--service-cluster-ip-range=10.0.0.0/24',
              '--disable-admission-plugins=ServiceAccount',
              '--endpoint-reconciler-type=none',
            ]
          : [
              // Pods get projected tokens, the `kubernetes` Service gets endpoints at hostAddress,
              // and the API server reaches kubelets (logs, exec) with a client certificate.
              `--service-cluster-ip-range=${net.serviceCidr}`,
              `--kubelet-client-certificate=${pki.kubeletClientCert}`,
              `--kubelet-client-key=${pki.kubeletClientKey}`,
              '--kubelet-preferred-address-types=InternalIP',
            ]),
        '--allow-privileged=true',
        '--enable-priority-and-fairness=false',
        '--v=0',
      ],
      path.join(workDir, 'kube-apiserver.log'),
    );
    procs.push(apiserver);

    if (options.reapOnExit !== false) {
      const reaper = startProcess(
        'reaper',
        'bash',
        [path.join(here, 'reaper.sh'), String(process.pid), workDir, ...procs.map((p) => String(p.pid))],
        '/dev/null',
      );
      reaperPid = reaper.pid;
    }

    const kubeApiUrl = `https://${listenAddress}:${apiPort}`;
    const ca = await readFile(pki.caCert);
    await waitReady(
      apiserver,
      async () => (await httpsGet(`${kubeApiUrl}/readyz`, ca, admin.token)).body === 'ok',
      120_000,
    );
    log(`[testenv] kube-apiserver ready on ${kubeApiUrl}`);
    await waitReady(temporal, () => temporalHealthy(temporalAddress), 60_000);
    log(`[testenv] temporal ready on ${temporalAddress}`);

    const kubeconfigPath = path.join(workDir, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeconfigYaml(kubeApiUrl, pki.caCert, identities), { mode: 0o600 });
    await mkdir(path.join(workDir, 'home'), { recursive: true });

    const info: EnvInfo = {
      kubeconfigPath,
      kubeApiUrl,
      caPath: pki.caCert,
      identities,
      temporalAddress,
      temporalNamespace: 'default',
      temporalUiUrl: `http://127.0.0.1:${temporalUi}`,
      kubectlPath: bin('kubectl'),
      helmPath: bin('helm'),
      binDir,
      workDir,
      pids: { etcd: etcd.pid, kubeApiserver: apiserver.pid, temporal: temporal.pid },
    };
    log(`[testenv] environment up in ${Date.now() - started} ms (work dir ${workDir})`);
    return { info, pki, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The names the API server's certificate carries so that Pods can verify it. */
function servingNames(net: ControlPlaneNetwork): PkiOptions {
  return {
    extraIps: [net.hostAddress, net.kubernetesServiceIp],
    extraDnsNames: [
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
    ],
  };
}

/** Whether every server of a recorded environment is still running. */
export function envAlive(info: EnvInfo): boolean {
  return (
    isAlive(info.pids.etcd) &&
    isAlive(info.pids.kubeApiserver) &&
    isAlive(info.pids.temporal) &&
    existsSync(info.kubeconfigPath)
  );
}

/** Stops a recorded environment (one started by `env:up`) from its pids. */
export async function stopRecordedEnv(info: EnvInfo): Promise<void> {
  await Promise.all([stopProcess(info.pids.kubeApiserver), stopProcess(info.pids.temporal)]);
  await stopProcess(info.pids.etcd);
  if (info.workDir.includes('tac-testenv-')) await rm(info.workDir, { recursive: true, force: true });
}

export const ENV_FILE = path.join(REPO_ROOT, '.testenv', 'env.json');

export async function readRecordedEnv(file = ENV_FILE): Promise<EnvInfo | undefined> {
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as EnvInfo;
}

export async function recordEnv(info: EnvInfo, file = ENV_FILE): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
}

/** Runs the provisioned kubectl against an environment as `identity`. */
export async function kubectl(info: EnvInfo, args: string[], identity = 'admin'): Promise<string> {
  const { stdout } = await runFile(info.kubectlPath, [
    '--kubeconfig',
    info.kubeconfigPath,
    '--context',
    identity,
    ...args,
  ]);
  return stdout;
}
