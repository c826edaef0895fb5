import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

// No container engine runs here, so the build files are checked by reading them.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dockerfile = readFileSync(path.join(ROOT, 'build', 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

/** Whether .dockerignore keeps `file` out: the last pattern naming it or a parent folder decides. */
function ignored(file: string): boolean {
  let out = false;
  for (const pattern of dockerignore) {
    const negated = pattern.startsWith('!');
    const p = negated ? pattern.slice(1) : pattern;
    if (file === p || file.startsWith(`${p}/`)) out = !negated;
  }
  return out;
}

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  steps: Instruction[];
}

/** Splits the Dockerfile into stages of instructions (continuations joined, comments dropped). */
function stages(text: string): Stage[] {
  const joined = text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const out: Stage[] = [];
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (m === null) continue;
    const op = m[1] ?? '';
    const args = (m[2] ?? '').trim();
    if (op === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      out.push({ from: from?.[1] ?? '', name: from?.[2] ?? '', steps: [] });
    } else {
      out[out.length - 1]?.steps.push({ op, args });
    }
  }
  return out;
}

const all = stages(dockerfile);
function stage(name: string): Stage {
  const s = all.find((x) => x.name === name);
  if (s === undefined) throw new Error(`build/Dockerfile has no stage ${name}`);
  return s;
}
const runs = (s: Stage): string[] => s.steps.filter((i) => i.op === 'RUN').map((i) => i.args);

describe('container build files', () => {
  it('build with npm ci and npm run build in a build stage', () => {
    const build = runs(stage('build'));
    expect(build.some((r) => /\bnpm ci\b/.test(r))).to.equal(true);
    expect(build.some((r) => /\bnpm run build\b/.test(r))).to.equal(true);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.build).to.be.a('string');
  });

  it('install production dependencies only for the runtime', () => {
    expect(runs(stage('prod-deps')).some((r) => /\bnpm ci\b.*--omit=dev/.test(r))).to.equal(true);
    const copies = stage('runtime')
      .steps.filter((i) => i.op === 'COPY')
      .map((i) => i.args);
    expect(copies).to.include('--from=prod-deps /app/node_modules ./node_modules');
    expect(copies).to.include('--from=build /src/dist ./dist');
    expect(copies.some((c) => c.includes('--from=build') && c.includes('node_modules'))).to.equal(false);
  });

  it('run as a numeric non-root user', () => {
    const users = stage('runtime').steps.filter((i) => i.op === 'USER');
    expect(users).to.have.length(1);
    const [uid, gid] = (users[0]?.args ?? '').split(':').map(Number);
    expect(uid).to.be.a('number').and.greaterThan(0);
    expect(gid).to.be.a('number').and.greaterThan(0);
  });

  // The operator and the client run their esbuild bundles (scripts/bundle.ts), with a small young
  // generation: together that cuts idle memory by about 30%. The worker runs the tsc output.
  const commands: Record<string, string[]> = {
    operator: ['node', '--max-semi-space-size=1', 'dist/bundle/operator.mjs'],
    client: ['node', '--max-semi-space-size=1', 'dist/bundle/workflow-client.mjs'],
    worker: ['node', 'dist/worker/main.js'],
  };
  for (const [target, program] of [
    ['operator', 'operator'],
    ['workflow-client', 'client'],
    ['worker', 'worker'],
  ] as const) {
    it(`has a ${target} target that runs ${commands[program]?.join(' ') ?? ''}`, () => {
      const s = stage(target);
      expect(s.from).to.equal('runtime');
      const cmds = s.steps.filter((i) => i.op === 'CMD');
      expect(cmds).to.have.length(1);
      expect(JSON.parse(cmds[0]?.args ?? '')).to.deep.equal(commands[program]);
      expect(s.steps.some((i) => i.op === 'USER')).to.equal(false);
      const build = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')) as {
        include: string[];
      };
      expect(build.include).to.include(program);
    });
  }

  it('copies only context paths that exist and that .dockerignore keeps', () => {
    const sources = all
      .flatMap((s) => s.steps)
      .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) =>
        i.args
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1),
      );
    expect(sources).to.include.members([
      'package.json',
      'package-lock.json',
      'common',
      'operator',
      'client',
      'worker',
      'crds',
    ]);
    for (const src of sources) {
      expect(existsSync(path.join(ROOT, src)), `${src} does not exist`).to.equal(true);
      expect(ignored(src), `${src} is excluded from the build context`).to.equal(false);
    }
  });

  it('keeps local installs, build output, test environments and VCS data out of the context', () => {
    expect(dockerignore).to.include.members(['.git', '**/node_modules', 'dist', '.testenv', 'coverage']);
  });
});
