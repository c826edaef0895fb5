// Owns finding and removing the cluster's iptables state: every KUBE-* chain (kube-proxy's and
// the kubelet's), the CNI chains and rules that carry the cluster's CNI network name, and every
// rule elsewhere that jumps to them, for IPv4 and IPv6. Removal is one `iptables-restore
// --noflush` per family, so rules with quoted comments need no re-quoting here.
import type { ClusterPlan } from './plan.js';
import { run, which } from './run.js';

type Family = 'ipv4' | 'ipv6';
const FAMILIES: Family[] = ['ipv4', 'ipv6'];

export interface Table {
  name: string;
  chains: string[];
  /** Rule lines as iptables-save prints them, starting with `-A CHAIN`. */
  rules: string[];
}

/** Parses `iptables-save` output into tables with their chains and rule lines. */
export function parseSave(text: string): Table[] {
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

export interface Owned {
  table: string;
  chains: string[];
  /** Rules in other chains that reference the cluster (to delete one by one). */
  foreignRules: string[];
}

/** The chains and rules of one table that belong to the cluster. */
export function owned(table: Table, plan: ClusterPlan): Owned {
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

/**
 * The `iptables-restore --noflush` input that deletes the foreign rules, then flushes and deletes
 * the owned chains; empty when there is nothing to remove.
 */
export function removalScript(tables: Owned[]): string {
  const lines: string[] = [];
  for (const o of tables) {
    if (o.chains.length === 0 && o.foreignRules.length === 0) continue;
    lines.push(`*${o.table}`);
    for (const rule of o.foreignRules) lines.push(`-D ${rule.slice(3)}`);
    for (const chain of o.chains) lines.push(`-F ${chain}`);
    for (const chain of o.chains) lines.push(`-X ${chain}`);
    lines.push('COMMIT');
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
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
    const script = removalScript((await save(family)).map((t) => owned(t, plan)));
    if (script === '') continue;
    const restore = which(family === 'ipv4' ? 'iptables-restore' : 'ip6tables-restore');
    await run(restore, ['--noflush'], { input: script });
  }
}
