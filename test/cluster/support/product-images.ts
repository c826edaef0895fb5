// Owns finding the product's images for the cluster tests: the operator, workflow-client and
// worker tarballs `npm run images` saves (docker-archive, tagged `tac-operator/<name>:<appVersion>`
// as the chart renders by default), and importing them into the node.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../../testenv/env.js';
import { importImages } from '../../../testenv/cluster/images.js';
import type { EnvInfo } from '../../../testenv/types.js';
import { log } from './cluster.js';

export const PRODUCT_IMAGES = ['operator', 'workflow-client', 'worker'] as const;

export async function chartAppVersion(): Promise<string> {
  const chart = parse(await readFile(path.join(REPO_ROOT, 'charts/tac-operator/Chart.yaml'), 'utf8')) as {
    appVersion?: string;
  };
  if (chart.appVersion === undefined) throw new Error('charts/tac-operator/Chart.yaml has no appVersion');
  return chart.appVersion;
}

/** The image tarballs of this appVersion; throws naming the missing ones and how to build them. */
export async function productImageTars(): Promise<string[]> {
  const tag = await chartAppVersion();
  const dir = path.join(os.homedir(), '.cache', 'tac-operator', 'images', 'archives');
  const tars = PRODUCT_IMAGES.map((name) => path.join(dir, `${name}-${tag}.tar`));
  const missing = tars.filter((t) => !existsSync(t));
  if (missing.length > 0) {
    throw new Error(`product images not built (run npm run images): missing ${missing.join(', ')}`);
  }
  return tars;
}

/** Imports the product images into the node, logging each import's time. */
export async function importProductImages(info: EnvInfo): Promise<void> {
  for (const r of await importImages(info, await productImageTars())) {
    log(`[cluster-tests] imported ${r.refs.join(', ')} in ${r.ms} ms`);
  }
}
