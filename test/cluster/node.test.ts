// The cluster tier's node and controllers: the node registers and goes Ready with the stamped
// version, the Pod CIDR and the host address; the controller-manager gives every namespace a
// default ServiceAccount and the kube-root-ca.crt ConfigMap, which Pods' tokens need.
import { expect } from 'chai';
import { kubectl } from '../../testenv/env.js';
import { CLUSTER_PLAN } from '../../testenv/cluster/plan.js';
import { waitFor } from '../support/env.js';
import { freshName, getJson, sharedCluster } from './support/cluster.js';

interface NodeJson {
  spec: { podCIDR?: string };
  status: {
    conditions: { type: string; status: string }[];
    addresses: { type: string; address: string }[];
    nodeInfo: { kubeletVersion: string; containerRuntimeVersion: string };
  };
}

describe('cluster tier: the node', () => {
  it('is Ready, runs the stamped kubelet on containerd, and owns the Pod CIDR', async () => {
    const info = sharedCluster();
    const node = await getJson<NodeJson>(info, ['node', info.cluster.nodeName]);
    expect(node.status.conditions.find((c) => c.type === 'Ready')?.status).to.equal('True');
    expect(node.status.nodeInfo.kubeletVersion).to.equal('v1.36.3');
    expect(node.status.nodeInfo.containerRuntimeVersion).to.match(/^containerd:\/\//);
    expect(node.spec.podCIDR).to.equal(CLUSTER_PLAN.podCidr);
    expect(node.status.addresses).to.deep.include({ type: 'InternalIP', address: CLUSTER_PLAN.hostAddress });
  });

  it('gives a new namespace a default ServiceAccount and the kube-root-ca.crt ConfigMap', async () => {
    const info = sharedCluster();
    const ns = freshName('tac-node');
    await kubectl(info, ['create', 'namespace', ns]);
    try {
      await waitFor(() => kubectl(info, ['get', 'serviceaccount', 'default', '-n', ns]).then(() => true), {
        what: `ServiceAccount ${ns}/default`,
        timeoutMs: 30_000,
      });
      const ca = await kubectl(info, [
        'get',
        'configmap',
        'kube-root-ca.crt',
        '-n',
        ns,
        '-o',
        'jsonpath={.data.ca\\.crt}',
      ]);
      expect(ca).to.match(/^-----BEGIN CERTIFICATE-----/);
    } finally {
      await kubectl(info, ['delete', 'namespace', ns, '--wait=false']);
    }
  });
});
