// Names and fingerprints of the images: the tags the chart's defaults resolve to, and a fingerprint
// that follows every input file.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { chartAppVersion, imageRefs } from '../../../scripts/images/build.js';
import { inputFiles, inputsHash } from '../../../scripts/images/inputs.js';

const exec = promisify(execFile);

describe('scripts/images names and fingerprints', () => {
  it('tags each image for podman (localhost/) and for the chart default (docker.io/)', async () => {
    const tag = await chartAppVersion();
    expect(tag).to.match(/^\d+\.\d+\.\d+/);
    expect(imageRefs('worker', tag)).to.deep.equal({
      ref: `localhost/tac-operator/worker:${tag}`,
      refs: [`localhost/tac-operator/worker:${tag}`, `docker.io/tac-operator/worker:${tag}`],
    });
  });

  describe('inputs fingerprint', () => {
    let root: string;

    beforeEach(async () => {
      root = await mkdtemp(path.join(os.tmpdir(), 'tac-inputs-'));
      await exec('git', ['init', '-q', root]);
      await mkdir(path.join(root, 'worker'));
      await writeFile(path.join(root, 'worker', 'main.ts'), 'export {};\n');
      await writeFile(path.join(root, 'package.json'), '{}\n');
      await writeFile(path.join(root, '.gitignore'), 'dist/\n');
      await mkdir(path.join(root, 'dist'));
      await writeFile(path.join(root, 'dist', 'out.js'), '1\n');
      await writeFile(path.join(root, 'README.md'), 'hello\n');
    });

    afterEach(async () => {
      await rm(root, { recursive: true, force: true });
    });

    it('covers the input files, untracked ones too, and nothing ignored or unrelated', async () => {
      expect(await inputFiles(root)).to.deep.equal(['package.json', 'worker/main.ts']);
    });

    it('changes with a file, the base and the tag, and only then', async () => {
      const first = await inputsHash('base1', '0.1.0', root);
      expect(await inputsHash('base1', '0.1.0', root)).to.equal(first);
      await writeFile(path.join(root, 'README.md'), 'changed\n');
      await writeFile(path.join(root, 'dist', 'out.js'), '2\n');
      expect(await inputsHash('base1', '0.1.0', root)).to.equal(first);
      expect(await inputsHash('base2', '0.1.0', root)).not.to.equal(first);
      expect(await inputsHash('base1', '0.1.1', root)).not.to.equal(first);
      await writeFile(path.join(root, 'worker', 'main.ts'), 'export const x = 1;\n');
      expect(await inputsHash('base1', '0.1.0', root)).not.to.equal(first);
    });
  });
});
