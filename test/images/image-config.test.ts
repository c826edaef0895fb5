// The built images keep what the chart promises: numeric non-root user, node as entrypoint with an
// exec-form command (no shell), a saved archive per image, and a read-only root filesystem with
// only /tmp writable.
import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { realpath } from 'node:fs/promises';
import {
  IMAGE_NAMES,
  chartAppVersion,
  currentArchivePath,
  defaultCacheDir,
} from '../../scripts/images/build.js';
import { inspectImage, podman } from '../../scripts/images/podman.js';
import { builtImage } from './fixture.js';

/** Probe run inside each image: who it runs as, and where it can write. */
const WRITE_PROBE = `
const fs = require('node:fs');
const tryWrite = (p) => { try { fs.writeFileSync(p, 'x'); fs.rmSync(p); return 'ok'; } catch (e) { return e.code; } };
console.log(JSON.stringify({ uid: process.getuid(), gid: process.getgid(),
  app: tryWrite('/app/probe'), root: tryWrite('/probe'), tmp: tryWrite('/tmp/probe') }));
`;

describe('image configuration', function () {
  this.timeout(30 * 60_000); // a cold machine builds the base and installs the dependencies first

  for (const name of IMAGE_NAMES) {
    describe(name, () => {
      it('runs as 1000:1000 with node as entrypoint and an exec-form command', async () => {
        const image = await builtImage(name);
        const facts = await inspectImage(image.ref);
        expect(facts.user).to.equal('1000:1000');
        expect(facts.entrypoint).to.deep.equal(['/usr/local/bin/node']);
        expect(facts.cmd.at(-1)).to.match(/^dist\/.+\.m?js$/);
        expect(image.sizeBytes).to.be.greaterThan(0);
        expect(existsSync(image.tarPath), image.tarPath).to.equal(true);
        const current = currentArchivePath(defaultCacheDir(), name, await chartAppVersion());
        expect(await realpath(current)).to.equal(image.tarPath);
        for (const ref of image.refs) expect((await inspectImage(ref)).id).to.equal(facts.id);
      });

      it('writes nowhere but /tmp under --read-only', async () => {
        const image = await builtImage(name);
        const { stdout } = await podman([
          'run',
          '--rm',
          '--network',
          'none',
          '--user',
          '1000:1000',
          '--read-only',
          '--read-only-tmpfs=false',
          '--tmpfs',
          '/tmp:rw,size=16m,mode=1777',
          image.ref,
          '-e',
          WRITE_PROBE,
        ]);
        expect(JSON.parse(stdout)).to.deep.equal({
          uid: 1000,
          gid: 1000,
          app: 'EROFS',
          root: 'EROFS',
          tmp: 'ok',
        });
      });
    });
  }
});
