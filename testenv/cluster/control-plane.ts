// Owns the cluster's controllers: kube-controller-manager (service-account tokens and the
// kube-root-ca.crt ConfigMap, node IPAM for the Pod CIDR, Deployments, ...) and kube-scheduler,
// both on loopback ports of their own, with their health endpoints as readiness.
import https from 'node:https';
import path from 'node:path';
import { startProcess, waitReady, type ManagedProcess } from '../processes.js';
import type { Pki } from '../certs.js';
import type { ClusterPlan } from './plan.js';

/** GET https://127.0.0.1:PORT/healthz of a component with a self-signed serving certificate. */
export function selfSignedHealthz(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port, path: '/healthz', rejectUnauthorized: false, timeout: 3000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

export interface ControlPlaneOptions {
  binDir: string;
  workDir: string;
  kubeconfigPath: string;
  pki: Pki;
  plan: ClusterPlan;
  controllerManagerPort: number;
  schedulerPort: number;
}

export function startControllerManager(o: ControlPlaneOptions): ManagedProcess {
  return startProcess(
    'kube-controller-manager',
    path.join(o.binDir, 'kube-controller-manager'),
    [
      `--kubeconfig=${o.kubeconfigPath}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${o.controllerManagerPort}`,
      `--cert-dir=${path.join(o.workDir, 'kube-controller-manager-certs')}`,
      '--leader-elect=false',
      `--service-account-private-key-file=${o.pki.saKey}`,
      `--root-ca-file=${o.pki.caCert}`,
      '--allocate-node-cidrs=true',
      `--cluster-cidr=${o.plan.podCidr}`,
      `--node-cidr-mask-size=${o.plan.podPrefixLength}`,
      `--service-cluster-ip-range=${o.plan.serviceCidr}`,
      '--v=1',
    ],
    path.join(o.workDir, 'kube-controller-manager.log'),
  );
}

export function startScheduler(o: ControlPlaneOptions): ManagedProcess {
  return startProcess(
    'kube-scheduler',
    path.join(o.binDir, 'kube-scheduler'),
    [
      `--kubeconfig=${o.kubeconfigPath}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${o.schedulerPort}`,
      `--cert-dir=${path.join(o.workDir, 'kube-scheduler-certs')}`,
      '--leader-elect=false',
      '--v=1',
    ],
    path.join(o.workDir, 'kube-scheduler.log'),
  );
}

export async function waitControlPlane(
  kcm: ManagedProcess,
  scheduler: ManagedProcess,
  o: ControlPlaneOptions,
): Promise<void> {
  await Promise.all([
    waitReady(kcm, () => selfSignedHealthz(o.controllerManagerPort), 60_000),
    waitReady(scheduler, () => selfSignedHealthz(o.schedulerPort), 60_000),
  ]);
}
