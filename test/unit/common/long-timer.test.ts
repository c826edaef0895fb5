import { expect } from 'chai';
import { MAX_TIMER_MS, setLongTimeout, type TimerApi } from '../../../common/long-timer.js';

/** Timers fired by hand, recording each delay asked for. */
function manualTimers(): TimerApi & { delays: number[]; fire(): void; pending: number } {
  const queue: { fn: () => void; id: number }[] = [];
  let next = 0;
  return {
    delays: [],
    get pending() {
      return queue.length;
    },
    set(fn, delayMs) {
      this.delays.push(delayMs);
      queue.push({ fn, id: ++next });
      return next;
    },
    clear(handle) {
      const i = queue.findIndex((t) => t.id === handle);
      if (i >= 0) queue.splice(i, 1);
    },
    fire() {
      queue.shift()?.fn();
    },
  };
}

describe('common/long-timer', () => {
  it('waits out a delay longer than one Node timer as a chain, and calls once at the end', () => {
    const timers = manualTimers();
    let calls = 0;
    setLongTimeout(() => calls++, 2 * MAX_TIMER_MS + 5, { timers });
    expect(timers.delays).to.deep.equal([MAX_TIMER_MS]);
    timers.fire();
    expect(calls).to.equal(0);
    timers.fire();
    expect(calls).to.equal(0);
    timers.fire();
    expect(timers.delays).to.deep.equal([MAX_TIMER_MS, MAX_TIMER_MS, 5]);
    expect(calls).to.equal(1);
    expect(timers.pending).to.equal(0);
  });

  it('uses one timer for a short delay, 0 for a negative or NaN one, none for Infinity', () => {
    const timers = manualTimers();
    setLongTimeout(() => {}, 1500, { timers });
    setLongTimeout(() => {}, -3, { timers });
    setLongTimeout(() => {}, Number.NaN, { timers });
    setLongTimeout(() => {}, Infinity, { timers });
    expect(timers.delays).to.deep.equal([1500, 0, 0]);
  });

  it('cancels at any point of the chain', () => {
    const timers = manualTimers();
    let calls = 0;
    const cancel = setLongTimeout(() => calls++, MAX_TIMER_MS + 10, { timers });
    timers.fire();
    cancel();
    expect(timers.pending).to.equal(0);
    cancel();
    expect(calls).to.equal(0);
  });

  it('fires a real short timer', async () => {
    const fired = await new Promise<boolean>((resolve) => {
      setLongTimeout(() => resolve(true), 5);
    });
    expect(fired).to.equal(true);
  });
});
