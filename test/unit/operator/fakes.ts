// Test doubles shared by the operator's unit tests: a hand-driven clock, deferred promises, a
// logger that records entries, and a way to let pending promise callbacks run.
import { Writable } from 'node:stream';
import winston from 'winston';
import type { Logger } from '../../../common/log.js';

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Time that moves only when a test calls `advance`; timers fire in deadline order. */
export class FakeClock {
  private t = 0;
  private seq = 0;
  private readonly timers = new Map<number, FakeTimer>();
  /** Every delay ever passed to setTimer, in order. */
  readonly delays: number[] = [];

  now = (): number => this.t;

  setTimer = (fn: () => void, delayMs: number): (() => void) => {
    const seq = ++this.seq;
    this.timers.set(seq, { at: this.t + Math.max(0, delayMs), seq, fn });
    this.delays.push(delayMs);
    return () => {
      this.timers.delete(seq);
    };
  };

  /** Timers not yet fired nor cancelled. */
  pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing due timers (including ones they set) in order. */
  advance(ms: number): void {
    const target = this.t + ms;
    for (;;) {
      let next: FakeTimer | undefined;
      for (const timer of this.timers.values()) {
        if (
          timer.at <= target &&
          (next === undefined || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))
        ) {
          next = timer;
        }
      }
      if (next === undefined) break;
      this.timers.delete(next.seq);
      this.t = next.at;
      next.fn();
    }
    this.t = target;
  }
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback (microtask) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export type LogEntry = Record<string, unknown> & { level: string; message: string };

/** A logger that keeps every entry (at debug and above) in `entries`. */
export function recordingLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const stream = new Writable({
    objectMode: true,
    write(info: LogEntry, _encoding, callback) {
      entries.push(info);
      callback();
    },
  });
  const logger = winston.createLogger({
    level: 'debug',
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, entries };
}
