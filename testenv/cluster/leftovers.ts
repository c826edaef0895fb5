// Owns the check that a torn-down cluster left nothing on this host: no process of its own (by
// PID, by work dir on the command line, or in a kubepods cgroup), no mount under its work dir, no
// bridge or address of its Pod range, no iptables chain or rule of its, no kubepods cgroup.
import { existsSync } from 'node:fs';
import { isAlive } from '../processes.js';
import { containerLogLinks, kubepodsCgroups, nodeProcesses } from './host-state.js';
import { clusterIptablesState } from './iptables.js';
import { mountsUnder } from './mounts.js';
import { linkExists } from './network.js';
import { CLUSTER_PLAN } from './plan.js';
import { run, which } from './run.js';

interface IpAddrInfo {
  ifname: string;
  addr_info?: { local?: string }[];
}

/** Interfaces holding an address of the Pod range (the bridge, or a stray veth). */
async function podRangeInterfaces(): Promise<string[]> {
  const prefix = CLUSTER_PLAN.podCidr.split('.').slice(0, 3).join('.') + '.';
  const links = JSON.parse(await run(which('ip'), ['-j', 'addr', 'show'])) as IpAddrInfo[];
  return links
    .filter((l) => (l.addr_info ?? []).some((a) => a.local?.startsWith(prefix) === true))
    .map((l) => l.ifname);
}

/**
 * Everything of a cluster (work dir `workDir`, processes `pids`) still on this host, one line
 * each; empty when the teardown was complete.
 */
export async function findLeftovers(workDir: string, pids: number[]): Promise<string[]> {
  const plan = CLUSTER_PLAN;
  const left: string[] = [];
  for (const pid of pids) if (isAlive(pid)) left.push(`process ${pid} still running`);
  for (const p of await nodeProcesses(workDir)) left.push(`process ${p.pid} still running: ${p.command}`);
  for (const m of await mountsUnder([workDir])) left.push(`mount ${m.mountPoint} (${m.fsType})`);
  if (await linkExists(plan.bridge)) left.push(`interface ${plan.bridge}`);
  for (const name of await podRangeInterfaces())
    left.push(`interface ${name} with an address in ${plan.podCidr}`);
  for (const rule of await clusterIptablesState(plan)) left.push(`iptables ${rule}`);
  for (const dir of await kubepodsCgroups()) left.push(`cgroup ${dir}`);
  for (const link of await containerLogLinks(workDir)) left.push(`log link ${link}`);
  if (existsSync(workDir)) left.push(`work dir ${workDir}`);
  return left;
}
