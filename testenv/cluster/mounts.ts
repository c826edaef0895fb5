// Owns the mounts a node leaves under its directories (Pod volumes under the kubelet's root dir,
// container root filesystems, sandbox shm and network namespaces under containerd's dirs): listing
// them and unmounting them, deepest first.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { run, which } from './run.js';

export interface Mount {
  mountPoint: string;
  fsType: string;
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
export function unescapeMountPath(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export async function listMounts(): Promise<Mount[]> {
  return parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
}

/** Mount points and filesystem types of a /proc/PID/mountinfo text. */
export function parseMountInfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const sep = fields.indexOf('-');
    const point = fields[4];
    const fsType = fields[sep + 1];
    if (sep < 0 || point === undefined || fsType === undefined) continue;
    mounts.push({ mountPoint: unescapeMountPath(point), fsType });
  }
  return mounts;
}

export function isUnder(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !path.isAbsolute(rel));
}

/** Mounts at or below any of `dirs`. */
export async function mountsUnder(dirs: string[]): Promise<Mount[]> {
  return (await listMounts()).filter((m) => dirs.some((d) => isUnder(m.mountPoint, d)));
}

/**
 * Unmounts everything at or below `dirs`, deepest first; a mount that stays busy is detached
 * lazily. Loops until none is left (bounded), because unmounting can uncover stacked mounts.
 */
export async function unmountUnder(dirs: string[]): Promise<void> {
  const umount = which('umount');
  for (let round = 0; round < 10; round++) {
    const mounts = await mountsUnder(dirs);
    if (mounts.length === 0) return;
    mounts.sort((a, b) => b.mountPoint.length - a.mountPoint.length);
    for (const m of mounts) {
      try {
        await run(umount, [m.mountPoint]);
      } catch {
        await run(umount, ['--lazy', m.mountPoint]);
      }
    }
  }
  const left = await mountsUnder(dirs);
  if (left.length > 0) {
    throw new Error(`mounts left after unmounting: ${left.map((m) => m.mountPoint).join(', ')}`);
  }
}
