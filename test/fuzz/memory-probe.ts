// Owns measuring a child program's memory after a full garbage collection, from outside: the
// program runs with `--inspect=127.0.0.1:0`, and the probe asks its inspector (Chrome DevTools
// protocol over a WebSocket) to collect garbage and report `process.memoryUsage()`.
import { WebSocket } from 'undici';

/** Bytes, as `process.memoryUsage()` reports them, taken right after a full GC. */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** The `ws://127.0.0.1:PORT/UUID` a program started with `--inspect=127.0.0.1:0` prints on stderr. */
export function inspectorUrlIn(stderr: string): string | undefined {
  const at = stderr.indexOf('Debugger listening on ws://');
  if (at < 0) return undefined;
  const start = at + 'Debugger listening on '.length;
  const end = stderr.indexOf('\n', start);
  return stderr.slice(start, end < 0 ? undefined : end).trim();
}

interface CdpReply {
  id?: number;
  result?: { result?: { value?: unknown } };
  error?: { message: string };
}

/** One DevTools protocol session; every call has a deadline. */
class CdpSession {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: CdpReply) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener('message', (event) => {
      const reply = JSON.parse(String(event.data)) as CdpReply;
      if (reply.id === undefined) return;
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  static open(url: string, timeoutMs: number): Promise<CdpSession> {
    const ws = new WebSocket(url);
    return new Promise<CdpSession>((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.close();
        reject(new Error(`inspector ${url} did not accept a session within ${timeoutMs} ms`));
      }, timeoutMs);
      ws.addEventListener('open', () => {
        clearTimeout(timer);
        resolve(new CdpSession(ws));
      });
      ws.addEventListener('error', (event) => {
        clearTimeout(timer);
        reject(new Error(`inspector ${url} refused the session`, { cause: event.error }));
      });
    });
  }

  call(method: string, params: Record<string, unknown>, timeoutMs: number): Promise<CdpReply> {
    const id = this.nextId++;
    return new Promise<CdpReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`inspector call ${method} not answered within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.error !== undefined) reject(new Error(`inspector call ${method}: ${reply.error.message}`));
        else resolve(reply);
      });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.ws.close();
  }
}

const USAGE = 'JSON.stringify(process.memoryUsage())';

/**
 * Collects garbage in the program (twice: the first pass can leave weakly held and finalized
 * objects for the second) and returns its memory usage right after.
 */
export async function memoryAfterGc(inspectorUrl: string, timeoutMs = 30_000): Promise<MemorySample> {
  const session = await CdpSession.open(inspectorUrl, timeoutMs);
  try {
    await session.call('HeapProfiler.collectGarbage', {}, timeoutMs);
    await session.call('HeapProfiler.collectGarbage', {}, timeoutMs);
    const reply = await session.call(
      'Runtime.evaluate',
      { expression: USAGE, returnByValue: true },
      timeoutMs,
    );
    const value = reply.result?.result?.value;
    if (typeof value !== 'string')
      throw new Error(`inspector returned no memory usage: ${JSON.stringify(reply)}`);
    return JSON.parse(value) as MemorySample;
  } finally {
    session.close();
  }
}
