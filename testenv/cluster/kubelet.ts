// Owns the node's kubelet: its configuration for this machine kind (cgroupfs on hybrid cgroups,
// swap tolerated, no node-allocatable enforcement, no local-storage isolation, eviction that
// does not trip over missing filesystem stats), a root dir of its own, and starting it.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { startProcess, type ManagedProcess } from '../processes.js';
import type { ClusterPlan } from './plan.js';
import { PATH_WITH_SBIN } from './run.js';

export interface KubeletPaths {
  rootDir: string;
  config: string;
  resolvConf: string;
  podLogsDir: string;
  log: string;
}

export function kubeletPaths(workDir: string): KubeletPaths {
  const base = path.join(workDir, 'kubelet');
  return {
    rootDir: path.join(base, 'root'),
    config: path.join(base, 'config.yaml'),
    resolvConf: path.join(base, 'resolv.conf'),
    podLogsDir: path.join(base, 'pod-logs'),
    log: path.join(workDir, 'kubelet.log'),
  };
}

export interface KubeletOptions {
  plan: ClusterPlan;
  paths: KubeletPaths;
  caPath: string;
  containerdSocket: string;
  port: number;
  healthzPort: number;
  extraArgs?: string[];
}

export function kubeletConfig(o: KubeletOptions): Record<string, unknown> {
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: o.plan.hostAddress,
    port: o.port,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: o.healthzPort,
    containerRuntimeEndpoint: `unix://${o.containerdSocket}`,
    // The API server authenticates with its client certificate (group system:masters).
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: o.caPath },
    },
    authorization: { mode: 'Webhook' },
    cgroupDriver: 'cgroupfs',
    failCgroupV1: false,
    failSwapOn: false,
    enforceNodeAllocatable: [],
    localStorageCapacityIsolation: false,
    // The kubelet cannot read filesystem stats of this machine's root device: thresholds that
    // never trip, so nothing is evicted for a figure it cannot measure.
    evictionHard: {
      'memory.available': '100Mi',
      'nodefs.available': '0%',
      'nodefs.inodesFree': '0%',
      'imagefs.available': '0%',
      'imagefs.inodesFree': '0%',
    },
    // Images are imported, never pulled: keep them however full the disk gets.
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    // Root here lacks CAP_SYS_RESOURCE: the kubelet may not lower its own OOM score.
    oomScoreAdj: 0,
    clusterDNS: [o.plan.dnsIp],
    clusterDomain: o.plan.clusterDomain,
    resolvConf: o.paths.resolvConf,
    podLogsDir: o.paths.podLogsDir,
    serializeImagePulls: false,
    maxPods: 110,
    staticPodPath: '',
    volumePluginDir: path.join(o.paths.rootDir, 'volume-plugins'),
    // Pods' files the kubelet leaves behind are removed with the work dir.
    shutdownGracePeriod: '0s',
    nodeStatusReportFrequency: '10s',
    rotateCertificates: false,
    serverTLSBootstrap: false,
  };
}

export async function startKubelet(
  binDir: string,
  kubeconfigPath: string,
  o: KubeletOptions,
): Promise<ManagedProcess> {
  await mkdir(o.paths.rootDir, { recursive: true });
  await mkdir(o.paths.podLogsDir, { recursive: true });
  // Pods with dnsPolicy Default (CoreDNS itself) get this: nothing outside the Pod's loopback.
  await writeFile(o.paths.resolvConf, 'nameserver 127.0.0.1\n');
  await writeFile(o.paths.config, stringify(kubeletConfig(o)));
  return startProcess(
    'kubelet',
    path.join(binDir, 'kubelet'),
    [
      `--config=${o.paths.config}`,
      `--kubeconfig=${kubeconfigPath}`,
      `--root-dir=${o.paths.rootDir}`,
      `--hostname-override=${o.plan.nodeName}`,
      `--node-ip=${o.plan.hostAddress}`,
      '--v=1',
      ...(o.extraArgs ?? []),
    ],
    o.paths.log,
    { ...process.env, PATH: PATH_WITH_SBIN },
  );
}
