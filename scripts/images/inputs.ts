// Owns the fingerprint of everything an image is built from: the sources the build compiles and
// bundles, the lockfile, the Dockerfile and its helpers, and the base images' recipe hash. Equal
// fingerprints mean the images and archives of an earlier build can be reused.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from './podman.js';
import { run } from './run.js';

/** Paths (files or folders, relative to the repository root) whose content goes into the images. */
export const IMAGE_INPUTS: readonly string[] = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts/bundle.ts',
  'common',
  'operator',
  'client',
  'worker',
  'crds',
  'docs/openapi.yaml',
  'build/Dockerfile',
  'build/prune-node-modules.mjs',
  '.dockerignore',
];

/** Tracked and untracked (not ignored) files under `IMAGE_INPUTS`, sorted. */
export async function inputFiles(root = REPO_ROOT): Promise<string[]> {
  const { stdout } = await run(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', ...IMAGE_INPUTS],
    {
      cwd: root,
    },
  );
  return [...new Set(stdout.split('\0').filter((f) => f !== ''))].sort();
}

/**
 * SHA-256 (hex) over the path and content of every input file of the working tree (uncommitted
 * edits count), the base recipe hash and the image tag. Deleted-but-tracked files are skipped.
 */
export async function inputsHash(baseHash: string, tag: string, root = REPO_ROOT): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`base=${baseHash}\ntag=${tag}\n`);
  for (const file of await inputFiles(root)) {
    let content: Buffer;
    try {
      content = await readFile(path.join(root, file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new Error(`cannot read image input ${file}`, { cause: err });
    }
    hash.update(`${file}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}
