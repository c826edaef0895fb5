// Owns running the build's external commands (podman, mmdebstrap, npm, tar): output captured,
// failures thrown with the command and the last lines of its output, and each step timed.
import { spawn } from 'node:child_process';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Text written to the command's stdin. */
  input?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Thrown when a command exits non-zero or cannot start; `tail` holds its last output lines. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly tail: string,
    options?: ErrorOptions,
  ) {
    super(`${command} failed (exit ${exitCode ?? 'signal'}):\n${tail}`, options);
    this.name = 'CommandError';
  }
}

/** The last `count` non-empty lines of `text`. */
export function lastLines(text: string, count = 30): string {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-count)
    .join('\n');
}

/** Runs `command args` to completion; resolves with its output, rejects with a CommandError. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const shown = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    if (options.input !== undefined) child.stdin?.end(options.input);
    child.on('error', (err) => reject(new CommandError(shown, null, err.message, { cause: err })));
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new CommandError(shown, code, lastLines(`${stdout}\n${stderr}`)));
    });
  });
}

/** Runs `fn`, then prints how long the step took; rethrows its error unchanged. */
export async function timed<T>(step: string, log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await fn();
  log(`[images] ${step}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}
