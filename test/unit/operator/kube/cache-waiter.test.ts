import { expect } from 'chai';
import { CacheWaiter } from '../../../../operator/kube/cache-waiter.js';

describe('CacheWaiter', () => {
  it('resolves at once when the check already holds', async () => {
    expect(await new CacheWaiter().wait('k', () => true, 1000)).to.equal(true);
  });

  it('re-checks on notify of its key only, and resolves false at the deadline', async () => {
    const waiter = new CacheWaiter();
    let ready = false;
    let checks = 0;
    const waiting = waiter.wait(
      'ns/a',
      () => {
        checks++;
        return ready;
      },
      5000,
    );
    waiter.notify('ns/b');
    expect(checks).to.equal(1);
    ready = true;
    waiter.notify('ns/a');
    expect(await waiting).to.equal(true);
    expect(await waiter.wait('ns/a', () => false, 5)).to.equal(false);
  });

  it('keeps waiting when the deadline is longer than one Node timer (a month-long blocking timeout)', async () => {
    const waiter = new CacheWaiter();
    let ready = false;
    const waiting = waiter.wait('ns/long', () => ready, 30 * 24 * 3600_000);
    const early = await Promise.race([waiting, new Promise((r) => setTimeout(() => r('waiting'), 30))]);
    expect(early).to.equal('waiting');
    ready = true;
    waiter.notify('ns/long');
    expect(await waiting).to.equal(true);
  });

  it('ends every wait on close with its current check', async () => {
    const waiter = new CacheWaiter();
    const a = waiter.wait('a', () => false, 60_000);
    waiter.close();
    expect(await a).to.equal(false);
  });
});
