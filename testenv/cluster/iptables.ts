// Owns finding and removing the cluster's iptables state: every KUBE-* chain (kube-proxy's and
// the kubelet's), the CNI chains and rules that carry the cluster's CNI network name, and every
// rule elsewhere that jumps to them, for IPv4 and IPv6. Removal is one `iptables-restore
// --noflush` per family, so rules with quoted comments need no re-quoting here.
import type { ClusterPlan } from './plan.js';
import { run, which } from './run.js';

type Family = 'ipv4' | 'ipv6';
const FAMILIES: Family[] = ['ipv4', 'ipv6'];

interface Table {
  name: string;
  chains: string[];
  /** Rule lines as iptables-save prints them, starting with `-A CHAIN`. */
  rules: string[];
}

function parseSave(text: string): Table[] {
  const tables: Table[] = [];
  let current: Table | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) {
      current = { name: line.slice(1).trim(), chains: [], rules: [] };
      tables.push(current);
    } else if (current !== undefined && line.startsWith(':')) {
      current.chains.push(line.slice(1).split(' ')[0] ?? '');
    } else if (current !== undefined && line.startsWith('-A ')) {
      current.rules.push(line);
    }
  }
  return tables;
}

function chainOf(rule: string): string {
  return rule.split(' ')[1] ?? '';
}

function targetOf(rule: string): string | undefined {
  const m = / -[jg] (\S+)/.exec(rule);
  return m?.[1];
}

interface Owned {
  table: string;
  chains: string[];
  /** Rules in other chains that reference the cluster (to delete one by one). */
  foreignRules: string[];
}

/** The chains and rules of one table that belong to the cluster. */
function owned(table: Table, plan: ClusterPlan): Owned {
  const marker = `name: \\"${plan.cniNetwork}\\"`;
  const mine = new Set(table.chains.filter((c) => c.startsWith('KUBE-')));
  // CNI chains are the cluster's when a rule carrying its network name jumps to them.
  for (const rule of table.rules) {
    const target = targetOf(rule);
    if (rule.includes(marker) && target?.startsWith('CNI-') === true) mine.add(target);
  }
  const foreignRules = table.rules.filter((rule) => {
    if (mine.has(chainOf(rule))) return false;
    const target = targetOf(rule);
    return rule.includes(marker) || (target !== undefined && mine.has(target));
  });
  return { table: table.name, chains: [...mine], foreignRules };
}

async function save(family: Family): Promise<Table[]> {
  return parseSave(await run(which(family === 'ipv4' ? 'iptables-save' : 'ip6tables-save'), []));
}

/** Human-readable list of the cluster's iptables chains and rules still present. */
export async function clusterIptablesState(plan: ClusterPlan): Promise<string[]> {
  const found: string[] = [];
  for (const family of FAMILIES) {
    for (const table of await save(family)) {
      const o = owned(table, plan);
      for (const chain of o.chains) found.push(`${family} ${o.table}: chain ${chain}`);
      for (const rule of o.foreignRules) found.push(`${family} ${o.table}: rule ${rule}`);
    }
  }
  return found;
}

/** Removes the cluster's iptables chains and the rules that reference them. Idempotent. */
export async function removeClusterIptables(plan: ClusterPlan): Promise<void> {
  for (const family of FAMILIES) {
    const lines: string[] = [];
    for (const table of await save(family)) {
      const o = owned(table, plan);
      if (o.chains.length === 0 && o.foreignRules.length === 0) continue;
      lines.push(`*${o.table}`);
      for (const rule of o.foreignRules) lines.push(`-D ${rule.slice(3)}`);
      for (const chain of o.chains) lines.push(`-F ${chain}`);
      for (const chain of o.chains) lines.push(`-X ${chain}`);
      lines.push('COMMIT');
    }
    if (lines.length === 0) continue;
    const restore = which(family === 'ipv4' ? 'iptables-restore' : 'ip6tables-restore');
    await run(restore, ['--noflush'], { input: lines.join('\n') + '\n' });
  }
}
