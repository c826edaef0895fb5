// Owns reading a request body with a size limit, for both HTTP servers: GET bodies are read too
// (EMCO's status route carries its parameters in one), and an oversized body — declared or
// streamed — is drained without being buffered, so the caller can still read the 413 answer.
import type { IncomingMessage } from 'node:http';

/** The body is larger than the limit (the rest of it was drained, not kept). */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
  }
}

/** The body did not arrive within its deadline (the caller answers 408 and closes the connection). */
export class BodyTimeoutError extends Error {
  override readonly name = 'BodyTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`request body not received within ${timeoutMs} ms`);
  }
}

/** The request failed or was abandoned before its body ended. */
export class BodyReadError extends Error {
  override readonly name = 'BodyReadError';
}

/**
 * The whole body, at most `maxBytes`, arrived within `timeoutMs` (when given) of this call.
 * Rejects with BodyTooLargeError, BodyTimeoutError or BodyReadError.
 */
export function readBody(req: IncomingMessage, maxBytes: number, timeoutMs?: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise<Buffer>((resolve, reject) => {
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            cleanup();
            reject(new BodyTimeoutError(timeoutMs));
          }, timeoutMs);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > maxBytes;
    const onData = (chunk: Buffer): void => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      if (tooLarge) reject(new BodyTooLargeError(maxBytes));
      else resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new BodyReadError(`error reading request body: ${err.message}`, { cause: err }));
    };
    const onAborted = (): void => {
      cleanup();
      reject(new BodyReadError('request body incomplete: the client went away'));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
