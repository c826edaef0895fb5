// The image cache lock: one holder at a time, released on request, waiters served in turn.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { acquireLock, withLock } from '../../../scripts/images/cache-lock.js';
import { CommandError, run } from '../../../scripts/images/run.js';

describe('scripts/images/cache-lock', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tac-lock-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Whether another process could take the lock right now (`flock --nonblock`). */
  async function free(file: string): Promise<boolean> {
    try {
      await run('flock', ['--nonblock', file, 'true']);
      return true;
    } catch (err) {
      if (err instanceof CommandError && err.exitCode === 1) return false;
      throw err;
    }
  }

  it('holds the lock exclusively until released, then hands it to the waiting holder', async () => {
    const file = path.join(dir, '.lock');
    const first = await acquireLock(file, 10_000);
    expect(await free(file)).to.equal(false);
    const second = acquireLock(file, 10_000);
    await first.release();
    const next = await second;
    expect(await free(file)).to.equal(false);
    await next.release();
    expect(await free(file)).to.equal(true);
    expect(await withLock(file, 10_000, () => free(file))).to.equal(false);
  });

  it('fails with a message when the lock stays taken past the timeout', async () => {
    const file = path.join(dir, '.lock');
    const held = await acquireLock(file, 10_000);
    try {
      const err = await acquireLock(file, 1000).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(String(err)).to.include(`flock ${file}`);
    } finally {
      await held.release();
    }
  });
});
