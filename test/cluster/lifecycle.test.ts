// The cluster tier's teardown: it leaves no process (servers, shims, Pods), mount, interface or
// iptables rule behind, a second cluster starts cleanly after it, and a component that fails to
// start is named in the error with its log, with nothing left behind either. Runs last: it takes
// the shared cluster down.
import { Resolver } from 'node:dns/promises';
import { expect } from 'chai';
import { nodeProcessPids } from '../../testenv/cluster/cluster.js';
import { clusterIptablesState } from '../../testenv/cluster/iptables.js';
import { findLeftovers } from '../../testenv/cluster/leftovers.js';
import { mountsUnder } from '../../testenv/cluster/mounts.js';
import { linkExists } from '../../testenv/cluster/network.js';
import { CLUSTER_PLAN } from '../../testenv/cluster/plan.js';
import { startCluster } from '../../testenv/cluster/cluster.js';
import { kubectl } from '../../testenv/env.js';
import { isAlive } from '../../testenv/processes.js';
import type { EnvInfo } from '../../testenv/types.js';
import { waitFor } from '../support/env.js';
import { releaseSharedCluster, sharedCluster, timedStart } from './support/cluster.js';

function recordedPids(info: EnvInfo): number[] {
  return [
    ...Object.values(info.pids),
    ...Object.values(info.cluster?.pids ?? {}).filter((p): p is number => p !== undefined),
  ];
}

async function expectNothingLeft(info: EnvInfo, pids: number[]): Promise<void> {
  expect(pids.filter(isAlive), 'processes still alive').to.deep.equal([]);
  expect(await mountsUnder([info.workDir]), 'mounts').to.deep.equal([]);
  expect(await linkExists(CLUSTER_PLAN.bridge), `bridge ${CLUSTER_PLAN.bridge}`).to.equal(false);
  expect(await clusterIptablesState(CLUSTER_PLAN), 'iptables chains and rules').to.deep.equal([]);
  expect(await findLeftovers(info.workDir, pids)).to.deep.equal([]);
}

describe('cluster tier: teardown and restart', function () {
  this.timeout(600_000);

  it('tears the cluster down leaving no process, mount, interface or iptables rule', async () => {
    const info = sharedCluster();
    const nodePids = await nodeProcessPids(info);
    expect(nodePids.length, 'shims and Pod processes before teardown').to.be.greaterThan(0);
    expect(await clusterIptablesState(CLUSTER_PLAN), 'kube-proxy rules before teardown').to.not.deep.equal(
      [],
    );
    const pids = [...recordedPids(info), ...nodePids];
    await releaseSharedCluster(true);
    await expectNothingLeft(info, pids);
  });

  it('starts a second cluster after the teardown: node Ready and DNS answering', async () => {
    const env = await timedStart();
    const info = env.info;
    let pids: number[] = [];
    try {
      await waitFor(
        async () => (await kubectl(info, ['get', 'node', CLUSTER_PLAN.nodeName])).includes(' Ready'),
        { what: 'node Ready', timeoutMs: 60_000 },
      );
      await waitFor(
        async () => {
          const resolver = new Resolver({ timeout: 2000, tries: 1 });
          resolver.setServers([CLUSTER_PLAN.dnsIp]);
          const ips = await resolver.resolve4('kubernetes.default.svc.cluster.local');
          return ips.includes(CLUSTER_PLAN.kubernetesServiceIp);
        },
        { what: 'CoreDNS answering for kubernetes.default', timeoutMs: 30_000 },
      );
      pids = [...recordedPids(info), ...(await nodeProcessPids(info))];
    } finally {
      await env.stop();
    }
    await expectNothingLeft(info, pids);
  });

  it('names a component that fails to start, shows its log, and leaves nothing behind', async () => {
    let failure: unknown;
    try {
      const env = await startCluster({ kubeletExtraArgs: ['--no-such-kubelet-flag'] });
      await env.stop();
    } catch (err) {
      failure = err;
    }
    expect(failure).to.be.instanceOf(Error);
    const message = (failure as Error).message;
    expect(message).to.match(/^kubelet exited before it was ready; log tail:/);
    expect(message).to.include('no-such-kubelet-flag');
    expect(await linkExists(CLUSTER_PLAN.bridge)).to.equal(false);
    expect(await clusterIptablesState(CLUSTER_PLAN)).to.deep.equal([]);
  });
});
