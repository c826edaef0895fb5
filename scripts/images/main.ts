// `npm run images`: builds (or reuses) the operator, workflow-client and worker images with
// podman on local Debian-based bases, and prints each image's size and archive path.
import { buildImages, formatMiB } from './build.js';

async function main(): Promise<void> {
  const started = Date.now();
  const images = await buildImages({ force: process.argv.includes('--force') });
  for (const image of images) {
    console.log(`${image.refs.join(' ')}\t${formatMiB(image.sizeBytes)}\t${image.tarPath}`);
  }
  process.stderr.write(`[images] total: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`images: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
