// Owns running one of the product's programs (`tsx <entry>`) as a child process in tests, with a
// clean environment (no inherited TEMPORAL_* or TAC_*) and its JSON log lines parsed as they come.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../testenv/env.js';

export interface JsonProgram {
  child: ChildProcess;
  /** Every stdout line, parsed (a line that is not JSON comes as `{ message, unparsed: true }`). */
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** Runs `tsx <entry>` (e.g. `client/main.ts`, what `npm run start:client` runs) with only `env` set. */
export function spawnJsonProgram(entry: string, env: Record<string, string>): JsonProgram {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_') && !k.startsWith('TAC_')),
  );
  const child = spawn(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [entry], {
    cwd: REPO_ROOT,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ message: line, unparsed: true });
      }
    }
  });
  child.stderr?.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}
