// Owns sending a signal to a program's whole process group (it was spawned detached, so the group
// id is its pid), and waiting until a killed process is gone.
import { isAlive } from '../testenv/processes.js';

export class SignalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignalError';
  }
}

/** Sends `signal` to the process group of `pid` (to the process alone when it leads no group). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (groupErr) {
    try {
      process.kill(pid, signal);
    } catch (err) {
      if (isAlive(pid)) throw new SignalError(`cannot send ${signal} to ${pid}`, { cause: [groupErr, err] });
    }
  }
}

/** SIGKILL at once (no SIGTERM first: the program gets no chance to clean up), then waits until it is gone. */
export async function killNow(pid: number, timeoutMs = 10_000): Promise<void> {
  signalGroup(pid, 'SIGKILL');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline)
      throw new SignalError(`process ${pid} still alive ${timeoutMs} ms after SIGKILL`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
