// Owns the host side of the cluster's network: the Pod bridge with the host's address on it, the
// route of the Service CIDR to that bridge, and their removal (with any veth left on the bridge).
import type { ClusterPlan } from './plan.js';
import { run, which } from './run.js';

interface IpLink {
  ifname: string;
}

async function ip(args: string[]): Promise<string> {
  return run(which('ip'), args);
}

export async function linkExists(name: string): Promise<boolean> {
  const links = JSON.parse(await ip(['-j', 'link', 'show'])) as IpLink[];
  return links.some((l) => l.ifname === name);
}

/** Interfaces enslaved to `bridge` (the host ends of Pods' veths). */
export async function bridgePorts(bridge: string): Promise<string[]> {
  if (!(await linkExists(bridge))) return [];
  const out = await ip(['-j', 'link', 'show', 'master', bridge]);
  return (JSON.parse(out === '' ? '[]' : out) as IpLink[]).map((l) => l.ifname);
}

/**
 * Creates the Pod bridge with the host address on it, and routes the Service CIDR to it, so that
 * the API server and Temporal can listen on the host address before any Pod exists, and traffic
 * to a Service IP never leaves through another interface. Throws when the bridge exists already
 * (a cluster that was not torn down).
 */
export async function createBridge(plan: ClusterPlan): Promise<void> {
  if (await linkExists(plan.bridge)) {
    throw new Error(
      `the bridge ${plan.bridge} exists already: a previous cluster was not torn down ` +
        '(run `npm run cluster:down`, or see "Cleaning up by hand" in docs/testing.md)',
    );
  }
  await ip(['link', 'add', plan.bridge, 'type', 'bridge']);
  try {
    await ip(['addr', 'add', `${plan.hostAddress}/${plan.podPrefixLength}`, 'dev', plan.bridge]);
    await ip(['link', 'set', plan.bridge, 'up']);
    await ip(['route', 'add', plan.serviceCidr, 'dev', plan.bridge, 'src', plan.hostAddress]);
  } catch (err) {
    await deleteBridge(plan);
    throw err;
  }
}

/** Deletes every port of the bridge and the bridge itself (its address and route go with it). */
export async function deleteBridge(plan: ClusterPlan): Promise<void> {
  for (const port of await bridgePorts(plan.bridge)) {
    if (await linkExists(port)) await ip(['link', 'del', port]);
  }
  if (await linkExists(plan.bridge)) await ip(['link', 'del', plan.bridge]);
}
