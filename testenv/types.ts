// Owns the description of a running local environment (API server + etcd + Temporal dev server)
// as tests, the demo and the benchmarks see it; `.testenv/env.json` holds the same object.

/** A static-token identity of the API server. */
export interface Identity {
  /** Short name, also the kubeconfig context name. */
  name: string;
  /** Kubernetes user name, e.g. `system:serviceaccount:tac-system:tac-operator`. */
  user: string;
  groups: string[];
  token: string;
}

export interface EnvInfo {
  /** Kubeconfig with one context per identity; current context is `admin`. */
  kubeconfigPath: string;
  /** https://127.0.0.1:PORT */
  kubeApiUrl: string;
  /** PEM file of the API server's serving CA. */
  caPath: string;
  identities: Record<string, Identity>;
  /** host:port of the Temporal dev server frontend (namespace `default`). */
  temporalAddress: string;
  temporalNamespace: string;
  /** http://127.0.0.1:PORT of the Temporal Web UI (dev server). */
  temporalUiUrl: string;
  kubectlPath: string;
  helmPath: string;
  /** Directory holding kube-apiserver, etcd, temporal, kubectl, helm. */
  binDir: string;
  /** Working directory of this environment (data dirs, certificates, logs). Removed on stop. */
  workDir: string;
  pids: { etcd: number; kubeApiserver: number; temporal: number };
}
