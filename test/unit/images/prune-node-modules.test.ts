// build/prune-node-modules.mjs: what the worker image keeps of its production node_modules.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';

const exec = promisify(execFile);
const SCRIPT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../build/prune-node-modules.mjs',
);
const TRIPLE = `${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-unknown-linux-gnu`;

async function put(root: string, file: string, content = 'x'): Promise<void> {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(path.join(root, file), content);
}

describe('build/prune-node-modules.mjs', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'tac-prune-'));
    await put(root, 'package.json', JSON.stringify({ dependencies: { app: '1', kube: '1' } }));
    // app → shared, nested dep, the Temporal core; kube → shared, kube-only
    const packages = {
      '': {},
      'node_modules/app': { dependencies: { shared: '1', dep: '1', '@temporalio/core-bridge': '1' } },
      'node_modules/app/node_modules/dep': { optionalDependencies: { 'opt-native': '1' } },
      'node_modules/opt-native': {},
      'node_modules/shared': {},
      'node_modules/kube': { dependencies: { shared: '1', 'kube-only': '1' } },
      'node_modules/kube-only': {},
      'node_modules/@temporalio/core-bridge': {},
    };
    await put(root, 'node_modules/.package-lock.json', JSON.stringify({ packages }));
    for (const loc of Object.keys(packages).filter((l) => l !== '')) await put(root, `${loc}/index.js`);
    await put(root, 'node_modules/app/index.js.map');
    await put(root, 'node_modules/app/index.d.ts');
    await put(root, 'node_modules/app/README.md');
    await put(root, 'node_modules/app/LICENSE');
    await put(root, 'node_modules/app/test/a.js');
    await put(root, 'node_modules/app/lib/test/kept.js');
    const bridge = 'node_modules/@temporalio/core-bridge';
    await put(root, `${bridge}/releases/${TRIPLE}/index.node`);
    await put(root, `${bridge}/releases/x86_64-pc-windows-msvc/index.node`);
    await put(root, `${bridge}/sdk-core/Cargo.toml`);
    await put(root, `${bridge}/src/lib.rs`);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const present = (file: string) => existsSync(path.join(root, file));

  it('drops what no direct dependency but the excluded ones reaches, and keeps the rest', async () => {
    const { stdout } = await exec(process.execPath, [
      SCRIPT,
      path.join(root, 'node_modules'),
      '--without',
      'kube',
    ]);
    expect(JSON.parse(stdout)).to.include({ message: 'Pruned node_modules' });
    expect(present('node_modules/kube')).to.equal(false);
    expect(present('node_modules/kube-only')).to.equal(false);
    for (const kept of ['app', 'shared', 'app/node_modules/dep', 'opt-native']) {
      expect(present(`node_modules/${kept}/index.js`), kept).to.equal(true);
    }
  });

  it('drops maps, declarations, docs, test folders and other platforms of the Temporal core', async () => {
    await exec(process.execPath, [SCRIPT, path.join(root, 'node_modules')]);
    expect(present('node_modules/kube-only/index.js')).to.equal(true); // nothing excluded
    for (const gone of ['index.js.map', 'index.d.ts', 'README.md', 'test/a.js']) {
      expect(present(`node_modules/app/${gone}`), gone).to.equal(false);
    }
    expect(present('node_modules/app/LICENSE')).to.equal(true);
    expect(present('node_modules/app/lib/test/kept.js')).to.equal(true);
    const bridge = 'node_modules/@temporalio/core-bridge';
    expect(present(`${bridge}/releases/${TRIPLE}/index.node`)).to.equal(true);
    expect(present(`${bridge}/releases/x86_64-pc-windows-msvc`)).to.equal(false);
    expect(present(`${bridge}/sdk-core`)).to.equal(false);
    expect(present(`${bridge}/src`)).to.equal(false);
  });

  it('fails, naming it, when the Temporal core has no build for this platform', async () => {
    await rm(path.join(root, 'node_modules/@temporalio/core-bridge/releases', TRIPLE), { recursive: true });
    const err = await exec(process.execPath, [SCRIPT, path.join(root, 'node_modules')]).then(
      () => undefined,
      (e: unknown) => e as { stderr: string },
    );
    expect(err?.stderr).to.include(`@temporalio/core-bridge has no ${TRIPLE} build`);
  });
});
