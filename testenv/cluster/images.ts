// Owns loading image tarballs into the node: `ctr images import` into containerd's k8s.io
// namespace, where the kubelet finds them (Pods use `imagePullPolicy: IfNotPresent` and fixed
// local tags; there is no registry to pull from).
import type { EnvInfo } from '../types.js';
import { ctr } from './containerd.js';

export interface ImportResult {
  tar: string;
  /** Image references the tarball carried. */
  refs: string[];
  ms: number;
}

/** Imports each docker-archive or OCI tarball; throws naming the tarball that failed. */
export async function importImages(info: EnvInfo, tarPaths: string[]): Promise<ImportResult[]> {
  const cluster = info.cluster;
  if (cluster === undefined) throw new Error('importImages needs a cluster environment (npm run cluster:up)');
  return importInto(cluster.containerdSocket, tarPaths);
}

export async function importInto(socket: string, tarPaths: string[]): Promise<ImportResult[]> {
  const results: ImportResult[] = [];
  for (const tar of tarPaths) {
    const started = Date.now();
    let out: string;
    try {
      out = await ctr(socket, ['images', 'import', tar], 600_000);
    } catch (err) {
      throw new Error(`importing image ${tar} into containerd failed`, { cause: err });
    }
    const refs = out
      .split('\n')
      .map((l) => /^unpacking (\S+)/.exec(l)?.[1])
      .filter((r): r is string => r !== undefined);
    results.push({ tar, refs, ms: Date.now() - started });
  }
  return results;
}

/** Whether containerd holds an image named `ref` (in the k8s.io namespace). */
export async function hasImage(socket: string, ref: string): Promise<boolean> {
  const out = await ctr(socket, ['images', 'ls', '--quiet']);
  return out.split('\n').includes(ref);
}
