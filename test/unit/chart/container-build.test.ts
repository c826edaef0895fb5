import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ETCD3_PROTO_DIR } from '../../../scripts/bundle.js';

// Fast checks of the build files by reading them; test/images builds and runs the images for real.
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
    const m = /^([A-Z]+)\s(.*)$/.exec(line.trim());
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
  it('take both bases as build arguments (local Debian bases, or the official Node image)', () => {
    expect(dockerfile).to.match(/^ARG BASE_IMAGE=\S+$/m);
    expect(dockerfile).to.match(/^ARG BUILD_IMAGE=\S+$/m);
    expect(stage('worker-deps').from).to.equal('${BUILD_IMAGE}');
    expect(stage('runtime').from).to.equal('${BASE_IMAGE}');
  });

  it('install the locked production dependencies, without a shell', () => {
    const deps = runs(stage('worker-deps'));
    expect(deps.some((r) => /"ci", "--omit=dev"/.test(r))).to.equal(true);
    // Exec form everywhere: the local base has no /bin/sh.
    for (const r of all.flatMap(runs)) expect(r.replace(/^(--\S+\s+)*/, '')).to.match(/^\[".*"\]$/);
  });

  it('run as the numeric user 1000:1000 with node as entrypoint', () => {
    const runtime = stage('runtime');
    expect(runtime.steps.filter((i) => i.op === 'USER').map((i) => i.args)).to.deep.equal(['1000:1000']);
    const entrypoint = runtime.steps.find((i) => i.op === 'ENTRYPOINT');
    expect(JSON.parse(entrypoint?.args ?? '')).to.deep.equal(['/usr/local/bin/node']);
  });

  // The operator and the client run their esbuild bundles (scripts/bundle.ts), with a small young
  // generation: together that cuts idle memory by about 30%. The worker runs the tsc output.
  const commands: Record<string, string[]> = {
    operator: ['--max-semi-space-size=1', 'dist/bundle/operator.mjs'],
    'workflow-client': ['--max-semi-space-size=1', 'dist/bundle/workflow-client.mjs'],
    worker: ['dist/worker/main.js'],
  };
  for (const [target, args] of Object.entries(commands)) {
    it(`has a ${target} target that runs node ${args.join(' ')}`, () => {
      const s = stage(target);
      expect(s.from).to.equal('runtime');
      const cmds = s.steps.filter((i) => i.op === 'CMD');
      expect(cmds).to.have.length(1);
      expect(JSON.parse(cmds[0]?.args ?? '')).to.deep.equal(args);
      expect(s.steps.some((i) => i.op === 'USER')).to.equal(false);
    });
  }

  it('gives only the worker node_modules', () => {
    const copiesModules = (name: string) =>
      stage(name).steps.some((i) => i.op === 'COPY' && i.args.includes('node_modules'));
    expect(copiesModules('worker')).to.equal(true);
    expect(
      copiesModules('operator') || copiesModules('workflow-client') || copiesModules('runtime'),
    ).to.equal(false);
  });

  it('copies only context paths that exist (or npm run build makes) and that .dockerignore keeps', () => {
    const sources = all
      .flatMap((s) => s.steps)
      .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) =>
        i.args
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1),
      );
    expect(sources).to.include.members(['package.json', 'package-lock.json', 'crds', 'docs/openapi.yaml']);
    const built = [
      'dist/bundle/operator.mjs',
      'dist/bundle/workflow-client.mjs',
      `dist/bundle/${ETCD3_PROTO_DIR}`,
      'dist/common',
      'dist/worker',
    ];
    for (const src of sources) {
      if (src.startsWith('dist/')) expect(built, `${src} is not build output`).to.include(src);
      else expect(existsSync(path.join(ROOT, src)), `${src} does not exist`).to.equal(true);
      expect(ignored(src), `${src} is excluded from the build context`).to.equal(false);
    }
  });

  it('keeps local installs, source maps, test environments and VCS data out of the context', () => {
    expect(dockerignore).to.include.members([
      '.git',
      '**/node_modules',
      'dist/**/*.map',
      '.testenv',
      'coverage',
    ]);
    expect(dockerignore).not.to.include('dist');
  });
});
