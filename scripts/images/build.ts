// Owns building the three program images: base images first, then `npm run build`, then one
// `podman build --target` per program, tagged as the chart expects and saved as docker-archive
// tarballs for `ctr images import`. Images and tarballs are reused when the inputs fingerprint
// (inputs.ts) is unchanged.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ensureBaseImages } from './base.js';
import { withLock } from './cache-lock.js';
import { inputsHash } from './inputs.js';
import { REPO_ROOT, imageExists, inspectImage, podman, saveImage } from './podman.js';
import { run, timed } from './run.js';

export const IMAGE_NAMES = ['operator', 'workflow-client', 'worker'] as const;
export type ImageName = (typeof IMAGE_NAMES)[number];

export interface BuildOptions {
  /** Default `~/.cache/tac-operator/images`. */
  cacheDir?: string;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /** Rebuild even when the fingerprint matches (podman's layer cache still applies). */
  force?: boolean;
}

export interface BuiltImage {
  name: ImageName;
  /** `localhost/tac-operator/<name>:<appVersion>`. */
  ref: string;
  /** Every tag the image and its tarball carry: `ref` and `docker.io/tac-operator/<name>:<appVersion>`. */
  refs: string[];
  /** docker-archive of the image with all `refs` (named by the inputs fingerprint; the stable
   * `archives/<name>-<tag>.tar` links to it). */
  tarPath: string;
  /** Uncompressed size as podman reports it. */
  sizeBytes: number;
  /** True when image and tarball came from an earlier build. */
  reused: boolean;
}

export function defaultCacheDir(): string {
  return path.join(os.homedir(), '.cache', 'tac-operator', 'images');
}

/** The chart's appVersion: the tag the chart renders when `image.tag` is empty. */
export async function chartAppVersion(): Promise<string> {
  const chart = parseYaml(await readFile(path.join(REPO_ROOT, 'charts/tac-operator/Chart.yaml'), 'utf8')) as {
    appVersion?: unknown;
  };
  if (typeof chart.appVersion !== 'string' || chart.appVersion === '') {
    throw new Error('charts/tac-operator/Chart.yaml has no appVersion');
  }
  return chart.appVersion;
}

/**
 * The tags of one image. The chart's default repositories (`tac-operator/<name>`) have no
 * registry, so the kubelet asks containerd for `docker.io/tac-operator/<name>`; podman would name a
 * short `tac-operator/<name>` `localhost/...`. Both full names are tagged and saved.
 */
export function imageRefs(name: ImageName, tag: string): { ref: string; refs: string[] } {
  const ref = `localhost/tac-operator/${name}:${tag}`;
  return { ref, refs: [ref, `docker.io/tac-operator/${name}:${tag}`] };
}

function tarPathFor(cacheDir: string, name: ImageName, tag: string, hash: string): string {
  return path.join(cacheDir, 'archives', `${name}-${tag}-${hash.slice(0, 12)}.tar`);
}

/** The image ID an archive was saved from, kept next to it. */
function idFileOf(tarPath: string): string {
  return tarPath.replace(/\.tar$/, '.id');
}

/** Reusable when the archive of this fingerprint exists and `ref` still names the image it holds. */
async function reusable(ref: string, tarPath: string): Promise<boolean> {
  if (!existsSync(tarPath) || !existsSync(idFileOf(tarPath)) || !(await imageExists(ref))) return false;
  return (await readFile(idFileOf(tarPath), 'utf8')).trim() === (await inspectImage(ref)).id;
}

/** Removes the archives of `name:tag` other than `keep` (earlier fingerprints). */
async function removeOldArchives(keep: string, name: ImageName, tag: string): Promise<void> {
  const dir = path.dirname(keep);
  for (const file of await readdir(dir)) {
    const full = path.join(dir, file);
    const stale = file.startsWith(`${name}-${tag}-`) && full !== keep && full !== idFileOf(keep);
    if (stale && (file.endsWith('.tar') || file.endsWith('.id'))) await rm(full, { force: true });
  }
}

/** The host's CA bundle, trusted while the build fetches packages; override with TAC_BUILD_CA_FILE. */
const HOST_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const BUILD_CA_PATH = '/etc/tac-build/host-ca-certificates.crt';

function hostCaArgs(): string[] {
  const file = process.env.TAC_BUILD_CA_FILE ?? HOST_CA_BUNDLE;
  if (file === '' || !existsSync(file)) return [];
  return ['--volume', `${file}:${BUILD_CA_PATH}:ro`, '--build-arg', `NODE_EXTRA_CA_CERTS=${BUILD_CA_PATH}`];
}

/** The stable name of an image's current archive, `<name>-<tag>.tar`, a symlink to the latest one. */
export function currentArchivePath(cacheDir: string, name: ImageName, tag: string): string {
  return path.join(cacheDir, 'archives', `${name}-${tag}.tar`);
}

/** Points the stable name at `tarPath` (atomically: a temporary link renamed over it). */
async function linkCurrent(link: string, tarPath: string): Promise<void> {
  const tmp = `${link}.${process.pid}.tmp`;
  await rm(tmp, { force: true });
  await symlink(path.basename(tarPath), tmp);
  await rename(tmp, link);
}

export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Builds (or reuses) the three images; see the module comment. Throws CommandError on failure. */
export async function buildImages(options: BuildOptions = {}): Promise<BuiltImage[]> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  await mkdir(path.join(cacheDir, 'archives'), { recursive: true });
  return withLock(path.join(cacheDir, '.lock'), 30 * 60_000, async () => {
    const base = await timed('base images', log, () => ensureBaseImages(cacheDir, log));
    const tag = await chartAppVersion();
    const hash = await inputsHash(base.hash, tag);
    const plans = await Promise.all(
      IMAGE_NAMES.map(async (name) => {
        const { ref, refs } = imageRefs(name, tag);
        const tarPath = tarPathFor(cacheDir, name, tag, hash);
        const reused = options.force !== true && (await reusable(ref, tarPath));
        return { name, ref, refs, tarPath, reused };
      }),
    );
    if (plans.some((p) => !p.reused)) {
      await timed('npm run build', log, () => run('npm', ['run', 'build'], { cwd: REPO_ROOT }));
    }
    const built: BuiltImage[] = [];
    for (const plan of plans) {
      if (!plan.reused) {
        await timed(`podman build ${plan.name}`, log, () =>
          podman([
            'build',
            '--network',
            'host',
            '--pull=never',
            '--file',
            path.join(REPO_ROOT, 'build', 'Dockerfile'),
            '--target',
            plan.name,
            '--build-arg',
            `BASE_IMAGE=${base.base}`,
            '--build-arg',
            `BUILD_IMAGE=${base.buildBase}`,
            ...hostCaArgs(),
            ...plan.refs.flatMap((r) => ['--tag', r]),
            REPO_ROOT,
          ]),
        );
        const tmpTar = `${plan.tarPath}.${process.pid}.tmp`;
        await timed(`podman save ${plan.name}`, log, async () => {
          await rm(tmpTar, { force: true });
          await saveImage(plan.refs, tmpTar);
          await rename(tmpTar, plan.tarPath);
          await writeFile(idFileOf(plan.tarPath), `${(await inspectImage(plan.ref)).id}\n`);
        });
        await removeOldArchives(plan.tarPath, plan.name, tag);
      }
      await linkCurrent(currentArchivePath(cacheDir, plan.name, tag), plan.tarPath);
      const { sizeBytes } = await inspectImage(plan.ref);
      built.push({ ...plan, sizeBytes });
      log(
        `[images] ${plan.ref} ${formatMiB(sizeBytes)}${plan.reused ? ' (reused)' : ''}\n[images]   ${plan.tarPath}`,
      );
    }
    return built;
  });
}
