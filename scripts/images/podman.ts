// Owns every podman call of the build and the smoke tests: the project's podman settings
// (build/podman/containers.conf through CONTAINERS_CONF, never /etc), image queries, tagging and
// saving images to archives.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandError, run, type RunOptions, type RunResult } from './run.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The project's podman settings file (runc, cgroupfs, no ulimits, the 198.19.200.0/24 network). */
export const CONTAINERS_CONF = path.join(REPO_ROOT, 'build', 'podman', 'containers.conf');

/** The environment podman runs with: the caller's, plus CONTAINERS_CONF. */
export function podmanEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, CONTAINERS_CONF };
}

export function podman(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return run('podman', args, { ...options, env: podmanEnv(options.env) });
}

/** Whether podman's storage has `ref`; podman failing otherwise is thrown. */
export async function imageExists(ref: string): Promise<boolean> {
  try {
    await podman(['image', 'exists', ref]);
    return true;
  } catch (err) {
    if (err instanceof CommandError && err.exitCode === 1) return false; // 1: no such image
    throw err;
  }
}

export interface ImageFacts {
  id: string;
  sizeBytes: number;
  user: string;
  labels: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
}

interface InspectJson {
  Id: string;
  Size: number;
  Labels: Record<string, string> | null;
  Config: { User?: string; Entrypoint?: string[] | null; Cmd?: string[] | null };
}

/** Facts of a local image from `podman image inspect`. */
export async function inspectImage(ref: string): Promise<ImageFacts> {
  const { stdout } = await podman(['image', 'inspect', ref]);
  const parsed = JSON.parse(stdout) as InspectJson[];
  const image = parsed[0];
  if (image === undefined) throw new Error(`podman image inspect ${ref} returned nothing`);
  return {
    id: image.Id,
    sizeBytes: image.Size,
    user: image.Config.User ?? '',
    labels: image.Labels ?? {},
    entrypoint: image.Config.Entrypoint ?? [],
    cmd: image.Config.Cmd ?? [],
  };
}

/** Writes `refs` (tags of one image) into a docker-archive at `tarPath`, replacing it. */
export async function saveImage(refs: readonly string[], tarPath: string): Promise<void> {
  await podman(['save', '--format', 'docker-archive', '--multi-image-archive', '--output', tarPath, ...refs]);
}
