// Owns how the benchmark runs the programs: by default as the container images run them — built
// with `npm run build` and started with the CMD of each image's stage in build/Dockerfile, with
// the image's NODE_ENV — or, with `--tsx`, from the sources through the tsx loader.
import { execFile } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../testenv/env.js';

const run = promisify(execFile);

export type Program = 'operator' | 'client' | 'worker';

/** The Dockerfile stage of each program. */
const STAGES: Record<Program, string> = { operator: 'operator', client: 'workflow-client', worker: 'worker' };

export class BuildError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BuildError';
  }
}

/** How a program is started: `node <argv>` with `env` added to its environment. */
export interface Launcher {
  kind: 'image' | 'tsx';
  argv(program: Program): string[];
  env: Record<string, string>;
  describe: string;
}

export function tsxLauncher(): Launcher {
  return {
    kind: 'tsx',
    argv: (program) => ['--import', 'tsx', `${program}/main.ts`],
    env: {},
    describe: 'node --import tsx <program>/main.ts (sources through the tsx loader)',
  };
}

/**
 * The node arguments of every `FROM … AS <stage>` in a Dockerfile: its `CMD ["node", …]` without
 * the leading "node", or its whole `CMD [...]` under an `ENTRYPOINT ["…/node"]` (the last one
 * seen, as stages inherit it); and its `ENV NODE_ENV=` (likewise the last one seen).
 */
export function imageCommands(dockerfile: string): { commands: Map<string, string[]>; nodeEnv?: string } {
  const commands = new Map<string, string[]>();
  let stage = '';
  let nodeEnv: string | undefined;
  let nodeEntrypoint = false;
  for (const line of dockerfile.split('\n')) {
    const from = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(line);
    if (from?.[1] !== undefined) stage = from[1];
    const env = /^ENV\s+NODE_ENV=(\S+)/.exec(line);
    if (env?.[1] !== undefined) nodeEnv = env[1];
    const entrypoint = /^ENTRYPOINT\s+(\[.*\])\s*$/.exec(line);
    if (entrypoint?.[1] !== undefined) {
      const parsed = JSON.parse(entrypoint[1]) as unknown[];
      nodeEntrypoint = parsed.length === 1 && typeof parsed[0] === 'string' && /(^|\/)node$/.test(parsed[0]);
    }
    const cmd = /^CMD\s+(\[.*\])\s*$/.exec(line);
    if (cmd?.[1] !== undefined && stage !== '') {
      const parsed = JSON.parse(cmd[1]) as unknown[];
      const argv = parsed.filter((a): a is string => typeof a === 'string');
      if (argv.length !== parsed.length) continue;
      if (argv[0] === 'node') commands.set(stage, argv.slice(1));
      else if (nodeEntrypoint) commands.set(stage, argv);
    }
  }
  return nodeEnv !== undefined ? { commands, nodeEnv } : { commands };
}

/**
 * Runs `npm run build` (tsc and the bundles, a few seconds) and reads the images' commands from
 * build/Dockerfile. Type errors elsewhere in the tree do not stop the benchmark as long as every
 * program's entry file was written; they are logged.
 */
export async function imageLauncher(log: (m: string) => void): Promise<Launcher> {
  const t0 = Date.now();
  const dockerfile = path.join(REPO_ROOT, 'build', 'Dockerfile');
  const { commands, nodeEnv } = imageCommands(await readFile(dockerfile, 'utf8'));
  const argvs = {} as Record<Program, string[]>;
  for (const [program, stage] of Object.entries(STAGES) as Array<[Program, string]>) {
    const argv = commands.get(stage);
    if (argv === undefined) throw new BuildError(`build/Dockerfile has no CMD ["node", …] in stage ${stage}`);
    argvs[program] = argv;
  }
  try {
    await run('npm', ['run', '--silent', 'build'], {
      cwd: REPO_ROOT,
      timeout: 300_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const out = `${(err as { stdout?: string }).stdout ?? ''}${(err as { stderr?: string }).stderr ?? ''}`;
    const entries = Object.values(argvs).map((a) => a.find((x) => /\.(m?js|cjs)$/.test(x)) ?? '');
    const missing: string[] = [];
    for (const e of entries) {
      try {
        await access(path.join(REPO_ROOT, e));
      } catch {
        missing.push(e);
      }
    }
    if (missing.length > 0) {
      throw new BuildError(`npm run build did not produce ${missing.join(', ')}:\n${out.slice(0, 2000)}`, {
        cause: err,
      });
    }
    log(
      `[bench] npm run build reported errors but produced the programs:\n${out.split('\n').slice(0, 10).join('\n')}`,
    );
  }
  log(`[bench] npm run build in ${Date.now() - t0} ms`);
  return {
    kind: 'image',
    argv: (program) => argvs[program],
    env: nodeEnv !== undefined ? { NODE_ENV: nodeEnv } : {},
    describe:
      `as the images run them (npm run build, then the CMD of build/Dockerfile: ` +
      `${(Object.keys(STAGES) as Program[]).map((p) => `node ${argvs[p].join(' ')}`).join('; ')})`,
  };
}
