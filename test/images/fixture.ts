// Owns the images under test: built (or reused) once per run with scripts/images, and the
// environment the chart would give each program, pointed at the test environment.
import { buildImages, type BuiltImage, type ImageName } from '../../scripts/images/build.js';
import { testEnv } from '../support/env.js';
import { chartEnv } from './chart-env.js';

let built: Promise<BuiltImage[]> | undefined;

/** All three images; a build failure fails every test that needs one, with the build's output. */
export function builtImages(): Promise<BuiltImage[]> {
  built ??= buildImages({ log: (line) => console.error(line) });
  return built;
}

export async function builtImage(name: ImageName): Promise<BuiltImage> {
  const image = (await builtImages()).find((i) => i.name === name);
  if (image === undefined) throw new Error(`no ${name} image was built`);
  return image;
}

/** The chart's env of `name` with Temporal at the test environment's dev server. */
export async function programEnv(name: ImageName): Promise<Record<string, string>> {
  const env = testEnv();
  const all = await chartEnv({
    temporal: { address: env.temporalAddress, namespace: env.temporalNamespace },
    // The container runs without the chart's certificate Secret mounted: plain HTTP on loopback.
    operator: { rest: { tls: { enabled: false } } },
  });
  return all[name];
}
