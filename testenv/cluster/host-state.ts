// Owns what a node can leave on this host outside its work dir, and how to see and remove it:
// processes of Pods (found by their kubepods cgroup), the kubepods cgroup trees the kubelet makes
// (cgroupfs driver), and the /var/log/containers links the kubelet writes.
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from '../processes.js';

const CGROUP_ROOT = '/sys/fs/cgroup';
const CONTAINER_LOG_LINKS = '/var/log/containers';

/** PIDs of running processes. */
async function allPids(): Promise<number[]> {
  return (await readdir('/proc')).filter((n) => /^[0-9]+$/.test(n)).map(Number);
}

async function readProc(pid: number, file: string): Promise<string | undefined> {
  try {
    return await readFile(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined; // the process ended meanwhile
  }
}

export interface HostProcess {
  pid: number;
  command: string;
}

/**
 * Processes that belong to a node: those whose command line names `workDir` (containerd's shims
 * name its socket) and those inside a kubepods cgroup (Pods' containers; this host runs no other
 * kubelet).
 */
export async function nodeProcesses(workDir: string): Promise<HostProcess[]> {
  const found: HostProcess[] = [];
  for (const pid of await allPids()) {
    if (pid === process.pid) continue;
    const cmdline = (await readProc(pid, 'cmdline'))?.split('\0').join(' ').trim();
    if (cmdline === undefined) continue;
    const cgroup = (await readProc(pid, 'cgroup')) ?? '';
    if (cmdline.includes(workDir) || /:\/kubepods[/\n]/.test(cgroup)) {
      found.push({ pid, command: cmdline === '' ? `(pid ${pid})` : cmdline.slice(0, 200) });
    }
  }
  return found;
}

/** SIGKILLs each process of `processes` still alive, by its own PID, and waits (bounded). */
export async function killProcesses(processes: HostProcess[]): Promise<void> {
  for (const p of processes) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // it ended meanwhile
    }
  }
  const deadline = Date.now() + 5000;
  while (processes.some((p) => isAlive(p.pid)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The kubepods cgroup dirs, one per mounted hierarchy. */
export async function kubepodsCgroups(): Promise<string[]> {
  if (!existsSync(CGROUP_ROOT)) return [];
  const dirs: string[] = [];
  for (const hierarchy of await readdir(CGROUP_ROOT)) {
    const dir = path.join(CGROUP_ROOT, hierarchy, 'kubepods');
    if (existsSync(dir)) dirs.push(dir);
  }
  return dirs;
}

async function rmdirTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await rmdirTree(path.join(dir, entry.name));
  }
  await rmdir(dir);
}

/** Removes the (empty) kubepods cgroup trees, deepest first. Throws if one still holds tasks. */
export async function removeKubepodsCgroups(): Promise<void> {
  for (const dir of await kubepodsCgroups()) {
    try {
      await rmdirTree(dir);
    } catch (err) {
      throw new Error(`could not remove the cgroup ${dir}`, { cause: err });
    }
  }
}

/** The kubelet's links in /var/log/containers that point into `workDir`. */
export async function containerLogLinks(workDir: string): Promise<string[]> {
  if (!existsSync(CONTAINER_LOG_LINKS)) return [];
  const links: string[] = [];
  for (const name of await readdir(CONTAINER_LOG_LINKS)) {
    const file = path.join(CONTAINER_LOG_LINKS, name);
    const target = await readlink(file).catch(() => '');
    if (target.startsWith(workDir)) links.push(file);
  }
  return links;
}

export async function removeContainerLogLinks(workDir: string): Promise<void> {
  for (const link of await containerLogLinks(workDir)) await rm(link, { force: true });
}

export async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}
