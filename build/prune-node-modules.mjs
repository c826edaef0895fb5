// Shrinks a production node_modules inside the image build: drops what no program loads at run
// time (source maps, type declarations, TypeScript sources, docs, tests) and the Temporal core's
// native builds for other platforms and its Rust sources. Runs with plain node (no shell, no
// dependencies): `node prune-node-modules.mjs <node_modules dir> [--without name,name]`; `--without`
// drops direct dependencies the program never loads, with every package only they need.
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';

/** File name endings nothing requires at run time. */
const DROP_SUFFIXES = [
  '.map',
  '.d.ts',
  '.d.mts',
  '.d.cts',
  '.ts',
  '.mts',
  '.cts',
  '.md',
  '.markdown',
  '.tsbuildinfo',
];
/** Directories right under a package's root that hold no run-time code. */
const DROP_PACKAGE_DIRS = [
  'docs',
  'doc',
  'test',
  'tests',
  '__tests__',
  'example',
  'examples',
  '.github',
  'coverage',
];

/** The Temporal core's prebuilt directory name for this machine (see @temporalio/core-bridge). */
function coreBridgeTriple() {
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[process.arch];
  if (arch === undefined || process.platform !== 'linux') {
    throw new Error(`no Temporal core build for ${process.platform}/${process.arch}`);
  }
  return `${arch}-unknown-linux-gnu`;
}

function remove(target, stats) {
  const size = sizeOf(target);
  rmSync(target, { recursive: true, force: true });
  stats.bytes += size;
  stats.entries += 1;
}

function sizeOf(target) {
  const st = statSync(target);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    total += entry.isSymbolicLink() ? 0 : sizeOf(path.join(target, entry.name));
  }
  return total;
}

/** Package directories directly inside a node_modules directory (scoped ones included). */
function packagesIn(modulesDir) {
  const out = [];
  for (const entry of readdirSync(modulesDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = path.join(modulesDir, entry.name);
    if (entry.name.startsWith('@')) {
      for (const scoped of readdirSync(dir, { withFileTypes: true })) {
        if (scoped.isDirectory()) out.push(path.join(dir, scoped.name));
      }
    } else {
      out.push(dir);
    }
  }
  return out;
}

function prunePackage(pkgDir, stats) {
  for (const name of DROP_PACKAGE_DIRS) {
    const dir = path.join(pkgDir, name);
    try {
      if (statSync(dir).isDirectory()) remove(dir, stats);
    } catch (err) {
      if (err.code !== 'ENOENT') throw err;
    }
  }
  const nested = path.join(pkgDir, 'node_modules');
  try {
    for (const inner of packagesIn(nested)) prunePackage(inner, stats);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
}

function pruneFiles(dir, stats) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) pruneFiles(full, stats);
    else if (entry.isFile() && DROP_SUFFIXES.some((s) => entry.name.endsWith(s))) remove(full, stats);
  }
}

function pruneCoreBridge(modulesDir, stats) {
  const bridge = path.join(modulesDir, '@temporalio', 'core-bridge');
  const keep = coreBridgeTriple();
  const releases = path.join(bridge, 'releases');
  const triples = readdirSync(releases);
  if (!triples.includes(keep)) throw new Error(`@temporalio/core-bridge has no ${keep} build`);
  for (const triple of triples) if (triple !== keep) remove(path.join(releases, triple), stats);
  for (const name of ['sdk-core', 'src', 'bridge-macros', 'ts', 'Cargo.lock', 'Cargo.toml']) {
    if (existsSync(path.join(bridge, name))) remove(path.join(bridge, name), stats);
  }
}

/**
 * Removes the installed packages that no direct dependency outside `without` reaches, following
 * npm's hidden lockfile (node_modules/.package-lock.json) and Node's lookup up the folder tree.
 */
function pruneUnreachable(modulesDir, without, stats) {
  const root = path.dirname(modulesDir);
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(path.join(modulesDir, '.package-lock.json'), 'utf8'));
  const packages = lock.packages;
  const resolve = (from, name) => {
    for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
      const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
      if (packages[candidate] !== undefined) return candidate;
      if (dir === '') return undefined;
    }
  };
  const directs = Object.keys(manifest.dependencies ?? {}).filter((name) => !without.includes(name));
  const reached = new Set();
  const queue = directs.map((name) => resolve('', name)).filter((loc) => loc !== undefined);
  while (queue.length > 0) {
    const loc = queue.pop();
    if (reached.has(loc)) continue;
    reached.add(loc);
    const entry = packages[loc];
    const names = [entry.dependencies, entry.optionalDependencies, entry.peerDependencies].flatMap((deps) =>
      Object.keys(deps ?? {}),
    );
    for (const name of names) {
      const dep = resolve(loc, name);
      if (dep !== undefined) queue.push(dep);
    }
  }
  const unreachable = Object.keys(packages)
    .filter((loc) => loc.startsWith('node_modules/') && !reached.has(loc))
    .sort((a, b) => a.length - b.length);
  for (const loc of unreachable) {
    const dir = path.join(root, loc);
    try {
      remove(dir, stats);
    } catch (err) {
      if (err.code !== 'ENOENT') throw err; // inside a package removed before
    }
  }
}

function main() {
  const modulesDir = process.argv[2];
  if (modulesDir === undefined) {
    throw new Error('usage: node prune-node-modules.mjs <node_modules dir> [--without name,name]');
  }
  const flag = process.argv.indexOf('--without');
  const without = flag === -1 ? [] : (process.argv[flag + 1] ?? '').split(',').filter((n) => n !== '');
  const stats = { bytes: 0, entries: 0 };
  pruneUnreachable(modulesDir, without, stats);
  pruneCoreBridge(modulesDir, stats);
  for (const pkg of packagesIn(modulesDir)) prunePackage(pkg, stats);
  pruneFiles(modulesDir, stats);
  const summary = {
    message: 'Pruned node_modules',
    removedEntries: stats.entries,
    removedBytes: stats.bytes,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main();
