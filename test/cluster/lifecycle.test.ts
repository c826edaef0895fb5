// The cluster tier's teardown: it leaves no process (servers, shims, Pods), mount, interface or
// iptables rule behind, a second cluster starts cleanly after it, and a component that fails to
// start is named in the error with its log, with nothing left behind either. Runs last: it takes
// the shared cluster down.
import { spawn } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { nodeProcessPids } from '../../testenv/cluster/cluster.js';
import { clusterIptablesState } from '../../testenv/cluster/iptables.js';
import { findLeftovers } from '../../testenv/cluster/leftovers.js';
import { mountsUnder } from '../../testenv/cluster/mounts.js';
import { linkExists } from '../../testenv/cluster/network.js';
import { CLUSTER_PLAN } from '../../testenv/cluster/plan.js';
import { startCluster } from '../../testenv/cluster/cluster.js';
import { REPO_ROOT, kubectl } from '../../testenv/env.js';
import { isAlive } from '../../testenv/processes.js';
import type { EnvInfo } from '../../testenv/types.js';
import { waitFor } from '../support/env.js';
import { releaseSharedCluster, sharedCluster, timedStart } from './support/cluster.js';

const here = path.dirname(fileURLToPath(import.meta.url));

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

  it('tears down the cluster of a process killed without stopping it (the reaper)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'support/cluster-owner.ts')], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let info: EnvInfo;
    try {
      info = await waitFor(
        () => (out.includes('\n') ? (JSON.parse(out.split('\n')[0] ?? '') as EnvInfo) : undefined),
        {
          what: 'the owner process to start its cluster',
          timeoutMs: 120_000,
          intervalMs: 250,
        },
      );
    } catch (e) {
      child.kill('SIGKILL');
      throw new Error(
        `the cluster owner did not start its cluster:\n${err.split('\n').slice(-20).join('\n')}`,
        {
          cause: e,
        },
      );
    }
    const pids = [...recordedPids(info), ...(await nodeProcessPids(info))];
    expect(info.cluster?.pids.reaper).to.be.a('number');
    child.kill('SIGKILL');
    await exited;
    await waitFor(async () => (await findLeftovers(info.workDir, pids)).length === 0, {
      what: 'the reaper to tear the cluster down',
      timeoutMs: 90_000,
      intervalMs: 500,
    });
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
