// Owns the programs a benchmark runs as separate processes (operator, workflow client, worker, the
// bare baseline server): spawned with Node in their own process group, logs in a file, a
// reaper that stops them if the benchmark dies, readiness by HTTP probe, and /proc readings
// (resident memory, CPU time) of each.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../testenv/env.js';
import { isAlive, logTail, stopProcess } from '../testenv/processes.js';

export class ChildProcessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChildProcessError';
  }
}

export interface Child {
  name: string;
  pid: number;
  logPath: string;
  /** performance.now() when spawn() returned. */
  spawnedAt: number;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<number | string>;
  /** SIGTERM (SIGKILL after `graceMs`) to the process group; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  /** Node arguments after the options: the entry module (relative to the repository root or absolute) and its loader flags. */
  argv: string[];
  args?: string[];
  env: Record<string, string>;
  logDir: string;
  /** Node options placed first (e.g. `--cpu-prof`). */
  nodeOptions?: string[];
}

const REAPER = path.join(REPO_ROOT, 'testenv/reaper.sh');

/** Starts `node [nodeOptions] <argv> [args]` with only the given environment (plus PATH, HOME). */
export function spawnProgram(options: SpawnOptions): Child {
  const logPath = path.join(options.logDir, `${options.name}-${Date.now()}.log`);
  const fd = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(
      process.execPath,
      [...(options.nodeOptions ?? []), ...options.argv, ...(options.args ?? [])],
      {
        cwd: REPO_ROOT,
        detached: true,
        stdio: ['ignore', fd, fd],
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
      },
    );
  } finally {
    closeSync(fd);
  }
  const spawnedAt = performance.now();
  const pid = child.pid;
  if (pid === undefined) throw new ChildProcessError(`${options.name} did not start`);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  // Stops the process group should this benchmark die without stopping it.
  const reaper = spawn('bash', [REAPER, String(process.pid), '-', String(pid)], {
    detached: true,
    stdio: 'ignore',
  });
  reaper.unref();
  return {
    name: options.name,
    pid,
    logPath,
    spawnedAt,
    exited,
    async stop(graceMs = 10_000) {
      await stopProcess(pid, graceMs);
      await exited;
      if (reaper.pid !== undefined) await stopProcess(reaper.pid, 100);
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `url` every `intervalMs` until it answers 200; returns performance.now() of that answer.
 * Fails at the deadline or when the process exits first, with the tail of its log.
 */
export async function waitHttpOk(
  child: Child,
  url: string,
  timeoutMs: number,
  intervalMs = 20,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  while (performance.now() < deadline) {
    if (!isAlive(child.pid)) {
      throw new ChildProcessError(
        `${child.name} exited before ${url} answered; log tail:\n${logTail(child.logPath)}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now();
    } catch (err) {
      lastError = err;
    }
    await sleep(intervalMs);
  }
  throw new ChildProcessError(
    `${child.name}: ${url} not 200 after ${timeoutMs} ms; log tail:\n${logTail(child.logPath)}`,
    { cause: lastError },
  );
}

export interface MemoryReading {
  /** Resident set size now, MiB (VmRSS). */
  rssMb: number;
  /** Peak resident set size, MiB (VmHWM). */
  peakMb: number;
}

/** VmRSS and VmHWM of a process from /proc/<pid>/status. */
export async function readMemory(pid: number): Promise<MemoryReading> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    if (m?.[1] === undefined) throw new ChildProcessError(`/proc/${pid}/status has no ${field}`);
    return Number(m[1]);
  };
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Linux reports CPU times in clock ticks of 1/100 s on every common configuration. */
const TICKS_PER_SECOND = 100;

/** User + system CPU time the process has used so far, in ms (from /proc/<pid>/stat). */
export async function readCpuMs(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new ChildProcessError(`cannot read CPU times from /proc/${pid}/stat`);
  }
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** Waits until the process used < 3% of a core over one second (at most `maxMs`). */
export async function waitIdle(pid: number, maxMs = 30_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  let before = await readCpuMs(pid);
  while (performance.now() < deadline) {
    await sleep(1000);
    const now = await readCpuMs(pid);
    if (now - before < 30) return;
    before = now;
  }
}

export interface SettledMemory {
  /** The last `window` readings of VmRSS, MiB, one second apart. */
  values: number[];
  /** VmRSS when the process first went idle, before V8's memory reducer ran (MiB). */
  firstIdleMb: number;
  /** VmHWM, the peak resident set size since the process started (MiB). */
  peakMb: number;
  /** ms from idle to settled (or to the deadline). */
  settleMs: number;
  /** Whether V8 shrank the heap while we watched (false: the deadline ended the wait). */
  reduced: boolean;
}

/**
 * Resident memory once it has settled. After a burst of work V8 keeps the grown heap until its
 * memory reducer runs, some 15–40 s after the process went idle. So: wait until the process is
 * idle, then read VmRSS every second until a drop of at least 5% from the highest reading has
 * happened and the last `window` readings lie within max(1 MiB, 1%), or until `maxMs`.
 */
export async function settledMemory(
  pid: number,
  options: { maxMs?: number; window?: number } = {},
): Promise<SettledMemory> {
  const maxMs = options.maxMs ?? 60_000;
  const window = options.window ?? 5;
  await waitIdle(pid);
  const t0 = performance.now();
  const first = await readMemory(pid);
  const readings: number[] = [first.rssMb];
  let highest = first.rssMb;
  let dropped = false;
  let peakMb = first.peakMb;
  for (;;) {
    await sleep(1000);
    const m = await readMemory(pid);
    readings.push(m.rssMb);
    peakMb = m.peakMb;
    highest = Math.max(highest, m.rssMb);
    if (m.rssMb <= highest * 0.95) dropped = true;
    const last = readings.slice(-window);
    const stable =
      last.length === window &&
      Math.max(...last) - Math.min(...last) <= Math.max(1, 0.01 * Math.max(...last));
    const elapsed = performance.now() - t0;
    if ((dropped && stable) || elapsed >= maxMs) {
      return { values: last, firstIdleMb: first.rssMb, peakMb, settleMs: elapsed, reduced: dropped };
    }
  }
}
