// Owns how the benchmark runs the programs: by default compiled exactly as `npm run build` does
// (tsconfig.build.json into dist/) and started as `node dist/<program>/main.js`, which is what the
// container images run; with `--tsx`, from the sources through the tsx loader.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../testenv/env.js';

const run = promisify(execFile);

export const BUILD_DIR = path.join(REPO_ROOT, 'dist');

export class BuildError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BuildError';
  }
}

/** How a program is started: Node options and the entry module, for `operator`, `client`, `worker`. */
export interface Launcher {
  kind: 'build' | 'tsx';
  /** `[...nodeArgs, entry]` for `node`. */
  argv(program: 'operator' | 'client' | 'worker'): string[];
  describe: string;
}

export function tsxLauncher(): Launcher {
  return {
    kind: 'tsx',
    argv: (program) => ['--import', 'tsx', `${program}/main.ts`],
    describe: 'node --import tsx <program>/main.ts (sources through the tsx loader)',
  };
}

/**
 * Compiles the programs into dist/ as `npm run build` does (a few seconds). Type errors elsewhere
 * in the tree do not stop the benchmark as long as the entry points were emitted; they are logged.
 */
export async function buildLauncher(log: (m: string) => void): Promise<Launcher> {
  const t0 = Date.now();
  const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
      cwd: REPO_ROOT,
      timeout: 300_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const out = (err as { stdout?: string }).stdout ?? '';
    const missing = ['operator', 'client', 'worker'].filter(
      (p) => !existsSync(path.join(BUILD_DIR, p, 'main.js')),
    );
    if (missing.length > 0)
      throw new BuildError(`tsc did not emit ${missing.join(', ')}:\n${out.slice(0, 2000)}`, { cause: err });
    log(`[bench] tsc reported errors but emitted the programs:\n${out.split('\n').slice(0, 10).join('\n')}`);
  }
  log(`[bench] programs compiled into ${path.relative(REPO_ROOT, BUILD_DIR)} in ${Date.now() - t0} ms`);
  return {
    kind: 'build',
    argv: (program) => [path.join(BUILD_DIR, program, 'main.js')],
    describe:
      'node bench/.build/<program>/main.js (compiled with tsconfig.build.json, as the container images run them)',
  };
}
