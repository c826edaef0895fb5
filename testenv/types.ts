// Owns the description of a running local environment (API server + etcd + Temporal dev server,
// and in the cluster tier a node that runs Pods) as tests, the demo and the benchmarks see it;
// `.testenv/env.json` holds the same object.

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
  /** Present in the cluster tier (`npm run cluster:up`): a node that runs Pods. */
  cluster?: ClusterInfo;
}

/** An image loaded into the node's containerd. */
export interface LocalImage {
  /** Reference Pods name it by, e.g. `localhost/tac-testenv/pause:3.10.2`. */
  ref: string;
  /** The docker-archive tarball it was imported from. */
  tar: string;
}

/** The node of the cluster tier and the addresses its Pods use. */
export interface ClusterInfo {
  nodeName: string;
  podCidr: string;
  serviceCidr: string;
  /** The bridge Pods attach to. */
  bridge: string;
  /** This host as Pods see it (the bridge's gateway address). */
  hostAddress: string;
  /** The cluster DNS Service IP (CoreDNS). */
  dnsIp: string;
  clusterDomain: string;
  /** host:port of Temporal as Pods reach it (a forwarder to `temporalAddress` on 127.0.0.1). */
  temporalAddressForPods: string;
  /** The API server as Pods reach it directly: https://hostAddress:PORT. */
  kubeApiUrlForPods: string;
  /** The API server through the `kubernetes` Service: https://SERVICE_IP:443. */
  kubeApiServiceUrl: string;
  /** containerd's CRI socket (unix path). */
  containerdSocket: string;
  containerdRoot: string;
  containerdState: string;
  /** The `ctr` binary; use `ctr --address containerdSocket -n k8s.io`. */
  ctrPath: string;
  kubeletRootDir: string;
  /** Directory holding kubelet, kube-proxy, coredns, ... and images.json. */
  clusterBinDir: string;
  images: { pause: LocalImage; coredns: LocalImage; probe: LocalImage };
  pids: {
    containerd: number;
    kubelet: number;
    kubeControllerManager: number;
    kubeScheduler: number;
    kubeProxy: number;
    /** socat forwarding hostAddress:PORT to Temporal on 127.0.0.1:PORT. */
    temporalForwarder: number;
    /** The teardown watcher of a cluster owned by a test run (absent for cluster:up). */
    reaper?: number;
  };
}
