// Owns sending one fuzz request over a raw TCP connection (so malformed request lines, headers,
// lengths and pacing reach the server exactly as generated) and reading the server's answer: the
// status line, the headers and at most 64 KiB of body, within a deadline.
import net from 'node:net';

/** How the request bytes travel. */
export type Delivery =
  /** All at once. */
  | { kind: 'whole' }
  /** In `chunks` pieces with `pauseMs` between them (a slow client that does finish). */
  | { kind: 'slow'; chunks: number; pauseMs: number }
  /** The first `keep` bytes, then nothing more: the connection stays open, the server must end it. */
  | { kind: 'stall'; keep: number }
  /** The first `keep` bytes, then the client closes the connection (it went away). */
  | { kind: 'abort'; keep: number };

export interface RawAnswer {
  /** `answered`: a status line came; `closed`: the server ended the connection without one;
   *  `deadline`: neither before the deadline; `aborted`: the client closed on purpose. */
  outcome: 'answered' | 'closed' | 'deadline' | 'aborted';
  status?: number;
  headers: Record<string, string>;
  body: string;
  /** From the first byte written to the status line (or the outcome). */
  latencyMs: number;
  /** Socket error seen by the client, if any (e.g. ECONNRESET after an early answer). */
  socketError?: string;
  /** Whether every byte meant to be sent had been handed to the network when the answer came. */
  sentAll: boolean;
}

const BODY_CAPTURE = 64 * 1024;

interface Parsed {
  status: number;
  headers: Record<string, string>;
  bodyStart: number;
}

function parseHead(buf: Buffer): Parsed | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const statusLine = lines[0] ?? '';
  const code = Number(statusLine.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number.isInteger(code) ? code : -1, headers, bodyStart: end + 4 };
}

/** Whether the captured body is complete (length known and reached, or chunked and terminated). */
function bodyComplete(parsed: Parsed, buf: Buffer, method: string): boolean {
  if (method === 'HEAD' || parsed.status === 204 || parsed.status === 304 || parsed.status < 200) return true;
  const have = buf.length - parsed.bodyStart;
  const length = parsed.headers['content-length'];
  if (length !== undefined) return have >= Math.min(Number(length), BODY_CAPTURE);
  if (/chunked/i.test(parsed.headers['transfer-encoding'] ?? '')) {
    return (
      buf.subarray(parsed.bodyStart).includes('\r\n0\r\n\r\n') ||
      buf.subarray(parsed.bodyStart).indexOf('0\r\n\r\n') === 0
    );
  }
  return have >= BODY_CAPTURE;
}

/**
 * Writes `bytes` to `host:port` as `delivery` says and resolves with the answer. Never rejects:
 * connection problems are part of the answer. The socket is always destroyed at the end.
 */
export function sendRaw(
  host: string,
  port: number,
  bytes: Buffer,
  delivery: Delivery,
  method: string,
  deadlineMs: number,
): Promise<RawAnswer> {
  return new Promise<RawAnswer>((resolve) => {
    const started = performance.now();
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    let parsed: Parsed | undefined;
    let statusAt: number | undefined;
    let socketError: string | undefined;
    let sentAll = false;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (outcome: RawAnswer['outcome']): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      socket.destroy();
      const answered = parsed !== undefined;
      resolve({
        outcome: answered ? 'answered' : outcome,
        ...(answered ? { status: parsed?.status } : {}),
        headers: parsed?.headers ?? {},
        body:
          parsed === undefined
            ? ''
            : received.subarray(parsed.bodyStart, parsed.bodyStart + BODY_CAPTURE).toString('utf8'),
        latencyMs: (statusAt ?? performance.now()) - started,
        ...(socketError !== undefined ? { socketError } : {}),
        sentAll,
      });
    };
    timers.push(setTimeout(() => finish('deadline'), deadlineMs));
    socket.on('data', (chunk: Buffer) => {
      if (received.length < BODY_CAPTURE * 2) received = Buffer.concat([received, chunk]);
      if (parsed === undefined) {
        parsed = parseHead(received);
        if (parsed !== undefined) statusAt = performance.now();
        // An interim 100 Continue is not the answer: drop it and keep reading.
        if (parsed !== undefined && parsed.status === 100) {
          received = received.subarray(parsed.bodyStart);
          parsed = parseHead(received);
          statusAt = parsed === undefined ? undefined : performance.now();
        }
      }
      if (parsed !== undefined && bodyComplete(parsed, received, method)) finish('answered');
    });
    socket.on('error', (err) => {
      socketError = err.message;
    });
    socket.on('close', () => finish('closed'));
    socket.once('connect', () => {
      if (delivery.kind === 'whole') {
        socket.write(bytes, (err) => (sentAll = err === undefined || err === null));
        return;
      }
      if (delivery.kind === 'stall') {
        socket.write(bytes.subarray(0, delivery.keep));
        return;
      }
      if (delivery.kind === 'abort') {
        socket.write(bytes.subarray(0, delivery.keep), () => {
          if (parsed === undefined) finish('aborted');
        });
        return;
      }
      const size = Math.max(1, Math.ceil(bytes.length / delivery.chunks));
      for (let i = 0; i * size < bytes.length; i++) {
        const piece = bytes.subarray(i * size, (i + 1) * size);
        timers.push(
          setTimeout(() => {
            const last = (i + 1) * size >= bytes.length;
            if (!socket.destroyed)
              socket.write(piece, (err) => (sentAll ||= last && (err === undefined || err === null)));
          }, i * delivery.pauseMs),
        );
      }
    });
  });
}
