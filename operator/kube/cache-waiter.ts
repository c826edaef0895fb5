// Owns waiting for the informer cache to show something about one object: callers register a
// predicate with a deadline, and every cache change of that object re-checks it.

import { setLongTimeout } from '../../common/long-timer.js';

type Check = () => boolean;

interface Waiter {
  check: Check;
  resolve: (satisfied: boolean) => void;
  /** Cancels the deadline (a wait may be as long as a hookBlockingTimeout: any length works). */
  cancel: () => void;
}

export class CacheWaiter {
  private readonly waiters = new Map<string, Set<Waiter>>();

  /**
   * Resolves true as soon as `check()` holds (checked now and on every `notify(key)`), false when
   * `timeoutMs` passes first. Never rejects.
   */
  wait(key: string, check: Check, timeoutMs: number): Promise<boolean> {
    if (check()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const set = this.waiters.get(key) ?? new Set<Waiter>();
      this.waiters.set(key, set);
      const waiter: Waiter = {
        check,
        resolve,
        cancel: setLongTimeout(() => {
          this.remove(key, waiter);
          resolve(check());
        }, timeoutMs),
      };
      set.add(waiter);
    });
  }

  /** Re-checks the waiters of `key` (call on every cache change of that object). */
  notify(key: string): void {
    const set = this.waiters.get(key);
    if (set === undefined) return;
    for (const waiter of [...set]) {
      if (waiter.check()) {
        waiter.cancel();
        this.remove(key, waiter);
        waiter.resolve(true);
      }
    }
  }

  /** Ends every wait now (each resolves with its current check). */
  close(): void {
    for (const [key, set] of this.waiters) {
      for (const waiter of set) {
        waiter.cancel();
        waiter.resolve(waiter.check());
      }
      this.waiters.delete(key);
    }
  }

  private remove(key: string, waiter: Waiter): void {
    const set = this.waiters.get(key);
    set?.delete(waiter);
    if (set?.size === 0) this.waiters.delete(key);
  }
}
