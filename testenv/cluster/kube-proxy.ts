// Owns the node's kube-proxy in iptables mode (Service IPs from this host and from Pods), and its
// `--cleanup` run that takes its rules away again.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { startProcess, type ManagedProcess } from '../processes.js';
import type { ClusterPlan } from './plan.js';
import { PATH_WITH_SBIN, run } from './run.js';

export interface KubeProxyOptions {
  binDir: string;
  workDir: string;
  kubeconfigPath: string;
  plan: ClusterPlan;
  healthzPort: number;
  metricsPort: number;
}

export function kubeProxyConfig(o: KubeProxyOptions): Record<string, unknown> {
  return {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    clientConnection: { kubeconfig: o.kubeconfigPath },
    mode: 'iptables',
    hostnameOverride: o.plan.nodeName,
    clusterCIDR: o.plan.podCidr,
    healthzBindAddress: `127.0.0.1:${o.healthzPort}`,
    metricsBindAddress: `127.0.0.1:${o.metricsPort}`,
    // NodePorts only on the host address; none on loopback (no route_localnet change).
    nodePortAddresses: [`${o.plan.hostAddress}/32`],
    iptables: { localhostNodePorts: false, masqueradeAll: false },
    // Leave the host's conntrack sysctls as they are.
    conntrack: {
      maxPerCore: 0,
      min: 0,
      tcpEstablishedTimeout: '0s',
      tcpCloseWaitTimeout: '0s',
    },
  };
}

export async function startKubeProxy(o: KubeProxyOptions): Promise<ManagedProcess> {
  const config = path.join(o.workDir, 'kube-proxy.yaml');
  await writeFile(config, stringify(kubeProxyConfig(o)));
  return startProcess(
    'kube-proxy',
    path.join(o.binDir, 'kube-proxy'),
    [`--config=${config}`, '--v=1'],
    path.join(o.workDir, 'kube-proxy.log'),
    { ...process.env, PATH: PATH_WITH_SBIN },
  );
}

export async function kubeProxyHealthy(healthzPort: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${healthzPort}/healthz`, { signal: AbortSignal.timeout(2000) });
  return res.ok;
}

/** `kube-proxy --cleanup`: removes the rules of every proxy mode; kube-proxy must be stopped. */
export async function cleanupKubeProxy(binDir: string): Promise<void> {
  await run(path.join(binDir, 'kube-proxy'), ['--cleanup', '--v=0'], {
    timeoutMs: 60_000,
    env: { ...process.env, PATH: PATH_WITH_SBIN },
  });
}
