// Owns running the host commands the cluster tier needs (ip, iptables, ctr, umount, ...): their
// output, and errors that say which command failed and what it printed.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs `command args`, resolves with stdout; rejects with its stderr in the message. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, env: options.env ?? process.env },
      (err, stdout, stderr) => {
        if (err !== null) {
          const text = `${stderr}`.trim().split('\n').slice(-15).join('\n');
          reject(new Error(`${command} ${args.join(' ')} failed: ${text}`, { cause: err }));
          return;
        }
        resolve(stdout);
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** PATH with the sbin dirs, where Debian keeps iptables, ip and runc. */
export const PATH_WITH_SBIN = `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/sbin:/sbin`;

/** The absolute path of `name` on PATH (also searching the sbin dirs); throws when absent. */
export function which(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this dir
    }
  }
  throw new Error(`${name} is not installed (run scripts/testenv/install-cluster-deps.sh as root)`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` until it returns true, at most `timeoutMs`. On timeout throws an error naming
 * `what`, with `details()` (e.g. a log tail) appended.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  details: () => Promise<string> = () => Promise.resolve(''),
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err;
    }
    await sleep(250);
  }
  const extra = await details().catch((err: unknown) => `(could not gather details: ${String(err)})`);
  throw new Error(`${what} not reached after ${timeoutMs} ms${extra === '' ? '' : `:\n${extra}`}`, {
    cause: lastError,
  });
}
