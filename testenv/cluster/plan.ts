// Owns the cluster tier's fixed plan: its address ranges (all inside 198.18.0.0/15, a range
// reserved for benchmarks and routed nowhere), the names of its bridge, node and CNI network, and
// the cluster's DNS domain. One cluster per machine: these names and ranges are fixed.

export const CLUSTER_PLAN = Object.freeze({
  /** Linux bridge the environment creates; Pods' veths attach to it. */
  bridge: 'tac0',
  /** Pod CIDR (the only node's podCIDR, too). */
  podCidr: '198.18.0.0/24',
  /** The bridge's address: the Pods' gateway, and this host as Pods see it. */
  hostAddress: '198.18.0.1',
  /** Prefix length of the bridge's address. */
  podPrefixLength: 24,
  /** First and last address the CNI's host-local IPAM hands out. */
  podRangeStart: '198.18.0.10',
  podRangeEnd: '198.18.0.250',
  serviceCidr: '198.19.0.0/24',
  /** The `kubernetes` Service (first address of the Service CIDR). */
  kubernetesServiceIp: '198.19.0.1',
  /** The cluster DNS Service (`kube-system/kube-dns`). */
  dnsIp: '198.19.0.10',
  clusterDomain: 'cluster.local',
  nodeName: 'tac-node',
  /** Name of the CNI network; CNI's iptables rules carry it in their comments. */
  cniNetwork: 'tac-testenv',
});

export type ClusterPlan = typeof CLUSTER_PLAN;
