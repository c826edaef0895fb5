// Owns the product's images for the cluster tests: built (or reused when their inputs did not
// change) by scripts/images from this checkout's code, tagged `tac-operator/<name>:<appVersion>`
// as the chart renders by default, and imported into the node.
import { buildImages, chartAppVersion } from '../../../scripts/images/build.js';
import { importImages } from '../../../testenv/cluster/images.js';
import type { EnvInfo } from '../../../testenv/types.js';
import { log } from './cluster.js';

export { chartAppVersion };

/** Builds or reuses the three images, then imports them into the node, logging the times. */
export async function importProductImages(info: EnvInfo): Promise<void> {
  const started = Date.now();
  const images = await buildImages({ log });
  log(
    `[cluster-tests] images ${images.every((i) => i.reused) ? 'reused' : 'built'} in ${Date.now() - started} ms`,
  );
  for (const r of await importImages(
    info,
    images.map((i) => i.tarPath),
  )) {
    log(`[cluster-tests] imported ${r.refs.join(', ')} in ${r.ms} ms`);
  }
}
