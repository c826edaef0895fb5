// Owns a cluster-tier environment's life: on top of etcd, kube-apiserver and Temporal (testenv/
// env.ts, serving where Pods reach them) it starts one node (containerd, kubelet, kube-proxy),
// kube-controller-manager, kube-scheduler and CoreDNS, and tears all of it down again, leaving no
// process, mount, interface or iptables rule behind.
import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  REPO_ROOT,
  envAlive,
  kubectl,
  makeWorkDir,
  runProvisionScript,
  startEnv,
  stopRecordedEnv,
} from '../env.js';
import type { RunningEnv, StartOptions } from '../env.js';
import { freePorts } from '../ports.js';
import { isAlive, logTail, startProcess, stopProcess, waitReady } from '../processes.js';
import type { ClusterInfo, EnvInfo, LocalImage } from '../types.js';
import { startContainerd, listTasks, removeAllContainers, stopContainerd, shimPids } from './containerd.js';
import { startControllerManager, startScheduler, waitControlPlane } from './control-plane.js';
import { corednsManifests } from './coredns.js';
import { importInto } from './images.js';
import { createBridge, deleteBridge } from './network.js';
import { removeClusterIptables } from './iptables.js';
import { kubeletPaths, startKubelet } from './kubelet.js';
import { cleanupKubeProxy, kubeProxyHealthy, startKubeProxy } from './kube-proxy.js';
import { findLeftovers } from './leftovers.js';
import { unmountUnder } from './mounts.js';
import { CLUSTER_PLAN } from './plan.js';
import {
  killProcesses,
  nodeProcesses,
  removeContainerLogLinks,
  removeKubepodsCgroups,
} from './host-state.js';
import { waitUntil, which } from './run.js';
import { startTemporalForwarder } from './temporal-forwarder.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ClusterBinaries {
  binDir: string;
  images: { pause: LocalImage; coredns: LocalImage; probe: LocalImage };
}

/** Runs scripts/testenv/provision-cluster.sh (cached after the first run). */
export async function provisionCluster(log: (m: string) => void = () => {}): Promise<ClusterBinaries> {
  const binDir = await runProvisionScript('provision-cluster.sh', 'kubelet', log);
  const images = JSON.parse(
    await readFile(path.join(binDir, 'images.json'), 'utf8'),
  ) as ClusterBinaries['images'];
  return { binDir, images };
}

export interface StartClusterOptions extends Omit<StartOptions, 'network' | 'workDir'> {
  /** Extra kubelet flags (the tests pass an unknown one to see how a failed start reads). */
  kubeletExtraArgs?: string[];
}

/** What teardown needs to know; every part is optional so a half-started cluster can go too. */
interface NodeParts {
  workDir: string;
  clusterBinDir?: string;
  containerd?: { pid: number; socket: string; state: string };
  kubelet?: number;
  kubeControllerManager?: number;
  kubeScheduler?: number;
  kubeProxy?: number;
  temporalForwarder?: number;
  reaper?: number;
}

function partsOf(info: EnvInfo): NodeParts {
  const c = info.cluster;
  if (c === undefined) return { workDir: info.workDir };
  return {
    workDir: info.workDir,
    clusterBinDir: c.clusterBinDir,
    containerd: { pid: c.pids.containerd, socket: c.containerdSocket, state: c.containerdState },
    kubelet: c.pids.kubelet,
    kubeControllerManager: c.pids.kubeControllerManager,
    kubeScheduler: c.pids.kubeScheduler,
    kubeProxy: c.pids.kubeProxy,
    temporalForwarder: c.pids.temporalForwarder,
    ...(c.pids.reaper !== undefined ? { reaper: c.pids.reaper } : {}),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Lets the kubelet take its Pods down (so CNI removes their network), bounded; then the caller
 * stops everything hard anyway. Returns a note when that did not finish, for the log.
 */
async function drainPods(info: EnvInfo | undefined, parts: NodeParts): Promise<string | undefined> {
  const cd = parts.containerd;
  if (info === undefined) return undefined; // no API server: nothing was scheduled
  if (cd === undefined || !isAlive(cd.pid) || parts.kubelet === undefined || !isAlive(parts.kubelet)) {
    return 'kubelet or containerd not running; skipped draining Pods';
  }
  try {
    await kubectl(info, [
      'delete',
      'pods',
      '--all',
      '--all-namespaces',
      '--force',
      '--grace-period=0',
      '--wait=false',
    ]);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if ((await listTasks(cd.socket)).length === 0) return undefined;
      await sleep(250);
    }
    return 'Pods still running 30 s after deleting them; removing their containers directly';
  } catch (err) {
    return `draining Pods failed (${String(err)}); removing their containers directly`;
  }
}

/** Stops the node's parts (not etcd, the API server or Temporal) and removes their host state. */
async function teardownNode(
  info: EnvInfo | undefined,
  parts: NodeParts,
  log: (m: string) => void,
): Promise<void> {
  const plan = CLUSTER_PLAN;
  const timings: string[] = [];
  const timed = async (name: string, fn: () => Promise<unknown>): Promise<void> => {
    const t0 = Date.now();
    await fn();
    timings.push(`${name} ${Date.now() - t0}`);
  };
  const reaper = parts.reaper;
  if (reaper !== undefined && reaper !== process.pid) await stopProcess(reaper, 100);
  await timed('controllers', async () => {
    const pids = [parts.kubeControllerManager, parts.kubeScheduler].filter(
      (p): p is number => p !== undefined,
    );
    await Promise.all(pids.map((pid) => stopProcess(pid)));
  });
  await timed('drain', async () => {
    const note = await drainPods(info, parts);
    if (note !== undefined) log(`[cluster] ${note}`);
  });
  await timed('kubelet', async () => {
    if (parts.kubelet !== undefined) await stopProcess(parts.kubelet);
  });
  const cd = parts.containerd;
  await timed('containerd', async () => {
    if (cd === undefined) return;
    if (isAlive(cd.pid)) await removeAllContainers(cd.socket);
    await stopContainerd(cd.pid, cd.state);
  });
  // Pods' processes whose shim or containerd died without taking them down.
  await killProcesses(await nodeProcesses(parts.workDir));
  if (parts.temporalForwarder !== undefined) await stopProcess(parts.temporalForwarder);
  await timed('kube-proxy', async () => {
    if (parts.kubeProxy !== undefined) await stopProcess(parts.kubeProxy);
    if (parts.clusterBinDir !== undefined) await cleanupKubeProxy(parts.clusterBinDir);
  });
  await timed('host state', async () => {
    await removeClusterIptables(plan);
    await unmountUnder([parts.workDir]);
    await deleteBridge(plan);
    await removeKubepodsCgroups();
    await removeContainerLogLinks(parts.workDir);
  });
  log(`[cluster] teardown steps (ms): ${timings.join(', ')}`);
}

/** Tears a cluster environment down and checks nothing is left; throws listing what is. */
export async function stopRecordedCluster(info: EnvInfo, log: (m: string) => void = () => {}): Promise<void> {
  const started = Date.now();
  const pids = [
    ...Object.values(info.pids),
    ...Object.values(info.cluster?.pids ?? {}).filter(
      (p): p is number => p !== undefined && p !== process.pid,
    ),
  ];
  await teardownNode(info, partsOf(info), log);
  const envStarted = Date.now();
  await stopRecordedEnv(info);
  log(`[cluster] etcd, kube-apiserver and Temporal stopped in ${Date.now() - envStarted} ms`);
  const left = await findLeftovers(info.workDir, pids);
  if (left.length > 0) throw new Error(`cluster teardown left things behind:\n${left.join('\n')}`);
  log(`[cluster] torn down in ${Date.now() - started} ms`);
}

/** Whether every server and node part of a recorded cluster environment is still running. */
export function clusterAlive(info: EnvInfo): boolean {
  const c = info.cluster;
  return (
    c !== undefined &&
    envAlive(info) &&
    [
      c.pids.containerd,
      c.pids.kubelet,
      c.pids.kubeControllerManager,
      c.pids.kubeScheduler,
      c.pids.kubeProxy,
      c.pids.temporalForwarder,
    ].every(isAlive)
  );
}

interface NodeObject {
  status?: { conditions?: { type: string; status: string }[] };
  spec?: { podCIDR?: string };
}

async function nodeReady(info: EnvInfo, name: string): Promise<boolean> {
  const node = JSON.parse(await kubectl(info, ['get', 'node', name, '-o', 'json'])) as NodeObject;
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/** Starts the tsx-run teardown watcher that tears the cluster down if this process dies first. */
function startReaper(envFile: string): number {
  // `--import tsx` resolves from the working directory: the repository's node_modules.
  const reaper = startProcess(
    'cluster-reaper',
    process.execPath,
    ['--import', 'tsx', path.join(here, 'reaper.ts'), String(process.pid), envFile],
    path.join(os.tmpdir(), 'tac-cluster-reaper.log'),
    process.env,
    REPO_ROOT,
  );
  return reaper.pid;
}

/**
 * Starts a cluster environment: needs root (run scripts/testenv/install-cluster-deps.sh once).
 * Every failure names the component that failed and shows its last log lines; a failed start
 * tears down whatever had started.
 */
export async function startCluster(options: StartClusterOptions = {}): Promise<RunningEnv> {
  const log = options.log ?? (() => {});
  const plan = CLUSTER_PLAN;
  if (process.getuid?.() !== 0)
    throw new Error('the cluster tier needs root (containerd, kubelet, iptables)');
  const started = Date.now();
  const bins = await provisionCluster(log);
  const workDir = await makeWorkDir();
  try {
    await createBridge(plan); // refuses, changing nothing, when a cluster's bridge exists
  } catch (err) {
    await rm(workDir, { recursive: true, force: true });
    throw err;
  }
  const parts: NodeParts = { workDir, clusterBinDir: bins.binDir };
  let env: RunningEnv | undefined;

  try {
    const containerd = await startContainerd(workDir, plan, bins.images.pause.ref);
    parts.containerd = {
      pid: containerd.proc.pid,
      socket: containerd.paths.socket,
      state: containerd.paths.state,
    };
    log(`[cluster] containerd ready on ${containerd.paths.socket}`);
    const imported = importInto(containerd.paths.socket, [bins.images.pause.tar, bins.images.coredns.tar]);
    imported.catch(() => undefined); // awaited below; avoids an unhandled rejection meanwhile

    env = await startEnv({
      ...options,
      reapOnExit: false,
      workDir,
      network: {
        hostAddress: plan.hostAddress,
        serviceCidr: plan.serviceCidr,
        kubernetesServiceIp: plan.kubernetesServiceIp,
      },
    });
    const info = env.info;
    const forwarder = await startTemporalForwarder(workDir, plan.hostAddress, info.temporalAddress);
    parts.temporalForwarder = forwarder.proc.pid;
    log(`[cluster] Temporal forwarded to Pods at ${forwarder.address}`);
    for (const r of await imported) log(`[cluster] imported ${r.refs.join(', ')} in ${r.ms} ms`);

    const ports = await freePorts(6);
    const port = (i: number): number => {
      const p = ports[i];
      if (p === undefined) throw new Error('freePorts returned too few ports');
      return p;
    };
    const [kcmPort, schedulerPort, kubeletPort, kubeletHealthz, proxyHealthz, proxyMetrics] = [
      0, 1, 2, 3, 4, 5,
    ].map(port) as [number, number, number, number, number, number];
    const cp = {
      binDir: bins.binDir,
      workDir,
      kubeconfigPath: info.kubeconfigPath,
      pki: env.pki,
      plan,
      controllerManagerPort: kcmPort,
      schedulerPort,
    };
    const kcm = startControllerManager(cp);
    parts.kubeControllerManager = kcm.pid;
    const scheduler = startScheduler(cp);
    parts.kubeScheduler = scheduler.pid;
    const kPaths = kubeletPaths(workDir);
    const kubelet = await startKubelet(bins.binDir, info.kubeconfigPath, {
      plan,
      paths: kPaths,
      caPath: info.caPath,
      containerdSocket: containerd.paths.socket,
      port: kubeletPort,
      healthzPort: kubeletHealthz,
      extraArgs: options.kubeletExtraArgs ?? [],
    });
    parts.kubelet = kubelet.pid;
    const proxy = await startKubeProxy({
      binDir: bins.binDir,
      workDir,
      kubeconfigPath: info.kubeconfigPath,
      plan,
      healthzPort: proxyHealthz,
      metricsPort: proxyMetrics,
    });
    parts.kubeProxy = proxy.pid;

    const cluster: ClusterInfo = {
      nodeName: plan.nodeName,
      podCidr: plan.podCidr,
      serviceCidr: plan.serviceCidr,
      bridge: plan.bridge,
      hostAddress: plan.hostAddress,
      dnsIp: plan.dnsIp,
      clusterDomain: plan.clusterDomain,
      temporalAddressForPods: forwarder.address,
      kubeApiUrlForPods: info.kubeApiUrl,
      kubeApiServiceUrl: `https://${plan.kubernetesServiceIp}:443`,
      containerdSocket: containerd.paths.socket,
      containerdRoot: containerd.paths.root,
      containerdState: containerd.paths.state,
      ctrPath: which('ctr'),
      kubeletRootDir: kPaths.rootDir,
      clusterBinDir: bins.binDir,
      images: bins.images,
      pids: {
        containerd: containerd.proc.pid,
        kubelet: kubelet.pid,
        kubeControllerManager: kcm.pid,
        kubeScheduler: scheduler.pid,
        kubeProxy: proxy.pid,
        temporalForwarder: forwarder.proc.pid,
      },
    };
    info.cluster = cluster;
    if (options.reapOnExit !== false) {
      const envFile = path.join(workDir, 'cluster-env.json');
      await writeFile(envFile, JSON.stringify(info));
      cluster.pids.reaper = startReaper(envFile);
      parts.reaper = cluster.pids.reaper;
    }

    await waitControlPlane(kcm, scheduler, cp);
    log('[cluster] kube-controller-manager and kube-scheduler ready');
    await waitReady(
      kubelet,
      async () => (await fetch(`http://127.0.0.1:${kubeletHealthz}/healthz`)).ok,
      60_000,
    );
    await waitReady(kubelet, () => nodeReady(info, plan.nodeName), 120_000).catch((err: unknown) => {
      const kubeletPart = err instanceof Error ? err.message : String(err);
      throw new Error(
        `node ${plan.nodeName} did not become Ready: ${kubeletPart}\ncontainerd log tail:\n${logTail(containerd.paths.log, 15)}`,
        { cause: err },
      );
    });
    log(`[cluster] node ${plan.nodeName} Ready`);
    await waitReady(proxy, () => kubeProxyHealthy(proxyHealthz), 60_000);
    log('[cluster] kube-proxy ready');

    const manifests = path.join(workDir, 'coredns.yaml');
    await writeFile(manifests, corednsManifests(plan, bins.images.coredns.ref));
    await kubectl(info, ['apply', '-f', manifests]);
    await waitUntil(
      'CoreDNS (deployment kube-system/coredns) Available',
      async () => {
        const out = await kubectl(info, [
          'get',
          'deployment',
          'coredns',
          '-n',
          'kube-system',
          '-o',
          'jsonpath={.status.availableReplicas}',
        ]);
        return out.trim() === '1';
      },
      120_000,
      async () => {
        const pods = await kubectl(info, ['describe', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns']);
        const logs = await kubectl(info, [
          'logs',
          '-n',
          'kube-system',
          'deployment/coredns',
          '--tail=20',
        ]).catch((err: unknown) => `(no CoreDNS logs: ${String(err)})`);
        return `${pods.split('\n').slice(-25).join('\n')}\nCoreDNS log tail:\n${logs}\nkubelet log tail:\n${logTail(kPaths.log, 15)}`;
      },
    );
    log(`[cluster] CoreDNS ready at ${plan.dnsIp}`);
    log(`[cluster] cluster up in ${Date.now() - started} ms (work dir ${workDir})`);
    const running = env;
    return {
      info,
      pki: running.pki,
      stop: () => stopRecordedCluster(info, log),
    };
  } catch (err) {
    try {
      await teardownNode(env?.info, parts, log);
      // startEnv stops its own servers when it fails; the work dir is the cluster's to remove.
      if (env !== undefined) await env.stop();
      else await rm(workDir, { recursive: true, force: true });
    } catch (cleanupErr) {
      throw new AggregateError([err, cleanupErr], 'the cluster failed to start, and so did its teardown', {
        cause: err,
      });
    }
    throw err;
  }
}

/** PIDs of the runc shims and Pods' processes of a running cluster (for leftover checks). */
export async function nodeProcessPids(info: EnvInfo): Promise<number[]> {
  const c = info.cluster;
  if (c === undefined) return [];
  const shims = await shimPids(c.containerdState);
  const tasks = (await listTasks(c.containerdSocket)).map((t) => t.pid);
  const procs = (await nodeProcesses(info.workDir)).map((p) => p.pid);
  return [...new Set([...shims, ...tasks, ...procs])];
}
