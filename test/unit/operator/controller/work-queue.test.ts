import { expect } from 'chai';
import {
  TerminalError,
  WorkQueue,
  type ReconcileResult,
  type WorkQueueOptions,
} from '../../../../operator/controller/work-queue.js';
import type { QueueMetrics } from '../../../../operator/metrics.js';
import { FakeClock, deferred, recordingLogger, settle, type Deferred } from '../fakes.js';

/** A handler whose calls wait until the test finishes them, one by one. */
class ScriptedHandler {
  readonly calls: string[] = [];
  private readonly open = new Map<string, Deferred<ReconcileResult>[]>();
  running = 0;
  maxRunning = 0;
  readonly runningPerKey = new Map<string, number>();
  maxPerKey = 0;

  handle = (key: string): Promise<ReconcileResult> => {
    this.calls.push(key);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    const perKey = (this.runningPerKey.get(key) ?? 0) + 1;
    this.runningPerKey.set(key, perKey);
    this.maxPerKey = Math.max(this.maxPerKey, perKey);
    const d = deferred<ReconcileResult>();
    const list = this.open.get(key) ?? [];
    list.push(d);
    this.open.set(key, list);
    return d.promise.finally(() => {
      this.running--;
      this.runningPerKey.set(key, (this.runningPerKey.get(key) ?? 1) - 1);
    });
  };

  async finish(key: string, outcome: ReconcileResult | Error = undefined): Promise<void> {
    const d = this.open.get(key)?.shift();
    if (d === undefined) throw new Error(`no open call for ${key}`);
    if (outcome instanceof Error) d.reject(outcome);
    else d.resolve(outcome);
    await settle();
  }

  count(key: string): number {
    return this.calls.filter((k) => k === key).length;
  }
}

function recordingMetrics(): QueueMetrics & { adds: number; retries: number; depth: number } {
  const m = {
    adds: 0,
    retries: 0,
    depth: 0,
    added: () => void m.adds++,
    retried: () => void m.retries++,
    setDepth: (d: number) => void (m.depth = d),
  };
  return m;
}

function setup(options: Partial<WorkQueueOptions> = {}) {
  const clock = new FakeClock();
  const handler = new ScriptedHandler();
  const { logger, entries } = recordingLogger();
  const metrics = recordingMetrics();
  const queue = new WorkQueue(
    handler.handle,
    { workers: 1, baseDelayMs: 5, maxDelayMs: 40, ...options },
    {
      clock,
      logger,
      metrics,
    },
  );
  return { clock, handler, queue, entries, metrics };
}

describe('operator/controller/work-queue', () => {
  it('collapses duplicate adds of a queued key and runs keys in order', async () => {
    const { handler, queue, metrics } = setup();
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/a');
    expect(queue.length()).to.equal(2);
    expect(metrics.adds).to.equal(2);
    queue.start();
    await settle();
    expect(handler.calls).to.deep.equal(['ns/a']);
    expect(queue.length()).to.equal(1);
    await handler.finish('ns/a');
    await handler.finish('ns/b');
    expect(handler.calls).to.deep.equal(['ns/a', 'ns/b']);
    expect(queue.length()).to.equal(0);
    expect(metrics.depth).to.equal(0);
  });

  it('runs up to `workers` distinct keys at once', async () => {
    const { handler, queue } = setup({ workers: 3 });
    queue.start();
    for (const k of ['a', 'b', 'c', 'd', 'e']) queue.add(k);
    await settle();
    expect(handler.running).to.equal(3);
    expect(queue.length()).to.equal(2);
    await handler.finish('a');
    expect(handler.calls).to.deep.equal(['a', 'b', 'c', 'd']);
    for (const k of ['b', 'c', 'd', 'e']) await handler.finish(k);
    expect(handler.maxRunning).to.equal(3);
    expect(handler.calls).to.have.length(5);
  });

  it('never runs one key twice at once: adds during a run mark it dirty and it runs once more after', async () => {
    const { handler, queue } = setup({ workers: 4 });
    queue.start();
    queue.add('k');
    await settle();
    queue.add('k');
    queue.add('k');
    queue.add('k');
    await settle();
    expect(handler.count('k')).to.equal(1);
    expect(queue.length()).to.equal(0);
    await handler.finish('k');
    expect(handler.count('k')).to.equal(2);
    await handler.finish('k');
    await settle();
    expect(handler.count('k')).to.equal(2);
    expect(handler.maxPerKey).to.equal(1);
  });

  it('does not exceed the workers when a handler adds keys synchronously', async () => {
    const clock = new FakeClock();
    const open: Deferred<ReconcileResult>[] = [];
    let running = 0;
    let maxRunning = 0;
    const queue: WorkQueue = new WorkQueue(
      (key) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        if (key === 'root') for (let i = 0; i < 5; i++) queue.add(`child-${i}`);
        const d = deferred<ReconcileResult>();
        open.push(d);
        return d.promise.finally(() => void running--);
      },
      { workers: 2 },
      { clock },
    );
    queue.start();
    queue.add('root');
    await settle();
    while (open.length > 0) {
      open.shift()?.resolve(undefined);
      await settle();
    }
    expect(maxRunning).to.equal(2);
  });

  it('retries a failing key with exponential backoff up to the cap, and resets after a success', async () => {
    const { clock, handler, queue, metrics, entries } = setup({ baseDelayMs: 5, maxDelayMs: 40 });
    queue.start();
    queue.add('k');
    await settle();
    const expected = [5, 10, 20, 40, 40, 40];
    for (let i = 0; i < expected.length; i++) {
      await handler.finish('k', new Error(`attempt ${i + 1} failed`));
      expect(clock.delays.at(-1), `delay after failure ${i + 1}`).to.equal(expected[i]);
      expect(handler.count('k')).to.equal(i + 1);
      clock.advance(expected[i] ?? 0);
      await settle();
    }
    expect(metrics.retries).to.equal(6);
    await handler.finish('k');
    queue.add('k');
    await settle();
    await handler.finish('k', new Error('fails again'));
    expect(clock.delays.at(-1)).to.equal(5);
    const warn = entries.find((e) => e.message === 'Reconcile failed; retrying with backoff');
    expect(warn).to.include({
      level: 'warn',
      key: 'k',
      error: 'attempt 1 failed',
      failures: 1,
      retryInMs: 5,
    });
  });

  it('keeps failure counts per key', async () => {
    const { clock, handler, queue } = setup({ workers: 2 });
    queue.start();
    queue.add('a');
    queue.add('b');
    await settle();
    await handler.finish('a', new Error('a1'));
    clock.advance(5);
    await settle();
    await handler.finish('a', new Error('a2'));
    expect(clock.delays).to.deep.equal([5, 10]);
    await handler.finish('b', new Error('b1'));
    expect(clock.delays).to.deep.equal([5, 10, 5]);
  });

  it('honours requeueAfterMs on success', async () => {
    const { clock, handler, queue } = setup();
    queue.start();
    queue.add('k');
    await settle();
    await handler.finish('k', { requeueAfterMs: 1000 });
    expect(clock.delays).to.deep.equal([1000]);
    clock.advance(999);
    await settle();
    expect(handler.count('k')).to.equal(1);
    clock.advance(1);
    await settle();
    expect(handler.count('k')).to.equal(2);
  });

  it('keeps the earliest deadline of repeated addAfter calls', async () => {
    const { clock, handler, queue } = setup();
    queue.start();
    queue.addAfter('k', 1000);
    queue.addAfter('k', 100);
    queue.addAfter('k', 500);
    expect(clock.pending()).to.equal(1);
    clock.advance(100);
    await settle();
    expect(handler.count('k')).to.equal(1);
    await handler.finish('k');
    clock.advance(2000);
    await settle();
    expect(handler.count('k')).to.equal(1);
  });

  it('drops a key after a TerminalError, logs it, and forgets its failures', async () => {
    const { clock, handler, queue, entries } = setup();
    queue.start();
    queue.add('k');
    await settle();
    await handler.finish('k', new Error('transient'));
    clock.advance(5);
    await settle();
    await handler.finish(
      'k',
      new TerminalError('spec.workflowClient is not allowed', { cause: new Error('policy') }),
    );
    expect(clock.pending()).to.equal(0);
    const logged = entries.find((e) => e.message === 'Reconcile failed for good; dropped the key');
    expect(logged).to.include({ level: 'error', key: 'k', error: 'spec.workflowClient is not allowed' });
    expect(logged?.causes).to.deep.equal(['policy']);
    queue.add('k');
    await settle();
    await handler.finish('k', new Error('transient again'));
    expect(clock.delays.at(-1)).to.equal(5);
  });

  it('waits for start() before running keys added early, delayed keys included', async () => {
    const { clock, handler, queue } = setup();
    queue.add('a');
    queue.addAfter('b', 10);
    clock.advance(10);
    await settle();
    expect(handler.calls).to.deep.equal([]);
    expect(queue.length()).to.equal(2);
    queue.start();
    await settle();
    expect(handler.calls).to.deep.equal(['a']);
  });

  it('stop() drains handlers in flight, drops queued keys and timers, and ignores later adds', async () => {
    const { clock, handler, queue } = setup({ workers: 1 });
    queue.start();
    queue.add('a');
    queue.add('b');
    queue.addAfter('c', 50);
    await settle();
    let stopped = false;
    const stopping = queue.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).to.equal(false);
    expect(queue.length()).to.equal(0);
    expect(clock.pending()).to.equal(0);
    queue.add('d');
    await handler.finish('a', { requeueAfterMs: 10 });
    await stopping;
    expect(stopped).to.equal(true);
    clock.advance(1000);
    await settle();
    expect(handler.calls).to.deep.equal(['a']);
    expect(clock.pending()).to.equal(0);
    expect(queue.stop()).to.equal(queue.stop());
  });

  it('rejects options that cannot work', () => {
    const h = () => Promise.resolve(undefined);
    expect(() => new WorkQueue(h, { workers: 0 })).to.throw(
      RangeError,
      'workers must be a positive integer, got 0',
    );
    expect(() => new WorkQueue(h, { workers: 1, baseDelayMs: 10, maxDelayMs: 5 })).to.throw(
      RangeError,
      'need 0 < baseDelayMs <= maxDelayMs, got 10 and 5',
    );
  });
});

describe('operator/controller/work-queue with real timers', () => {
  it('retries after a failure and settles once the handler succeeds', async () => {
    let calls = 0;
    const done = deferred();
    const queue = new WorkQueue(
      (key) => {
        calls++;
        if (calls < 3) return Promise.reject(new Error(`${key} not yet`));
        done.resolve();
        return Promise.resolve(undefined);
      },
      { workers: 2, baseDelayMs: 1, maxDelayMs: 4 },
    );
    queue.start();
    queue.add('k');
    await done.promise;
    await queue.stop();
    expect(calls).to.equal(3);
  });

  it('waits out a requeue longer than one Node timer (24.8 days) instead of running the key at once', async () => {
    let calls = 0;
    const queue = new WorkQueue(
      () => {
        calls++;
        return Promise.resolve({ requeueAfterMs: 30 * 24 * 3600_000 });
      },
      { workers: 1 },
    );
    queue.start();
    queue.add('k');
    await new Promise((r) => setTimeout(r, 50));
    await queue.stop();
    expect(calls).to.equal(1);
  });

  it('lets timers and I/O in during a long run of handlers that never wait', async () => {
    let done = 0;
    // Each handler holds the thread for a millisecond and finishes without waiting on anything,
    // as a reconcile of an intent whose status is already right does.
    const queue = new WorkQueue(
      () => {
        const end = performance.now() + 1;
        while (performance.now() < end);
        done++;
        return Promise.resolve(undefined);
      },
      { workers: 4 },
    );
    queue.start();
    for (let i = 0; i < 200; i++) queue.add(`ns/k${i}`);
    const doneWhenTheLoopTurned = await new Promise<number>((resolve) => setImmediate(() => resolve(done)));
    expect(doneWhenTheLoopTurned).to.be.greaterThan(0).and.lessThan(200);
    for (let turn = 0; turn < 10_000 && done < 200; turn++) await new Promise((r) => setImmediate(r));
    expect(done).to.equal(200);
    await queue.stop();
  });
});
