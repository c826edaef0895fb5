// Owns the exclusive lock of the image cache (~/.cache/tac-operator/images), shared by concurrent
// builds on one machine: a `flock` child process holds it until its stdin closes, so the lock is
// released also when this process dies.
import { spawn } from 'node:child_process';
import { CommandError, lastLines } from './run.js';

export interface HeldLock {
  release(): Promise<void>;
}

/** Waits for the lock on `lockPath` (up to `timeoutMs`) and returns a handle to release it. */
export function acquireLock(lockPath: string, timeoutMs: number): Promise<HeldLock> {
  const seconds = String(Math.ceil(timeoutMs / 1000));
  const child = spawn(
    'flock',
    ['--exclusive', '--timeout', seconds, lockPath, 'sh', '-c', 'echo locked; exec cat'],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let output = '';
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      output += b.toString();
      if (!output.includes('locked')) return;
      resolve({
        async release() {
          child.stdin.end();
          await exited;
        },
      });
    });
    child.once('error', (err) =>
      reject(new CommandError(`flock ${lockPath}`, null, err.message, { cause: err })),
    );
    child.once('close', (code) => {
      if (!output.includes('locked')) reject(new CommandError(`flock ${lockPath}`, code, lastLines(output)));
    });
  });
}

/** Runs `fn` while holding the lock. */
export async function withLock<T>(lockPath: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(lockPath, timeoutMs);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
