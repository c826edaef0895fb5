// Owns reading a request body with a size limit: refuses early on a large Content-Length and
// stops reading once the limit is passed (the caller answers 413 and closes the connection).
import type { IncomingMessage } from 'node:http';
import { InvokeError } from './invoke-error.js';

function tooLarge(limit: number): InvokeError {
  return new InvokeError(413, `request body larger than ${limit} bytes`, 'too_large');
}

/**
 * The whole body. Throws InvokeError 413 above `limit` bytes (the request is left paused, not
 * drained) and 400 when the request fails before its end.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new InvokeError(400, 'request body could not be read', 'bad_request', { cause: err }));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
