// Owns reading request bodies with a size limit: GET bodies are read too (EMCO's status route
// carries its parameters in a GET body), and an oversized body is drained, never buffered.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './reply.js';

/** Reads the whole body, at most `maxBytes` (413 beyond, after draining the rest of it). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > maxBytes;
    const tooLargeError = (): HttpError =>
      new HttpError(413, `request body too large: the limit is ${maxBytes} bytes`, {
        headers: { Connection: 'close' },
      });
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
      if (tooLarge) reject(tooLargeError());
      else resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new HttpError(400, `error reading request body: ${err.message}`, { cause: err }));
    };
    const onAborted = (): void => {
      cleanup();
      reject(new HttpError(400, 'request body incomplete: the client went away', {}));
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    if (req.readableEnded) {
      resolve(Buffer.alloc(0));
      return;
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
