// Owns the REST API's answers to body problems: the shared body reader's errors as HttpErrors
// (413 and 408 close the connection, 400 for a body that could not be read).
import type { IncomingMessage } from 'node:http';
import { BodyTimeoutError, BodyTooLargeError, readBody as readLimited } from '../../common/http/body.js';
import { HttpError } from './reply.js';

/**
 * Reads the whole body, at most `maxBytes`, within `timeoutMs` (HttpError 413 beyond the size,
 * 408 past the deadline, 400 when it cannot be read).
 */
export async function readBody(req: IncomingMessage, maxBytes: number, timeoutMs?: number): Promise<Buffer> {
  try {
    return await readLimited(req, maxBytes, timeoutMs);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      throw new HttpError(413, `request body too large: the limit is ${maxBytes} bytes`, {
        headers: { Connection: 'close' },
        cause: err,
      });
    }
    if (err instanceof BodyTimeoutError) {
      throw new HttpError(408, `request body not received within ${err.timeoutMs} ms`, {
        headers: { Connection: 'close' },
        cause: err,
      });
    }
    throw new HttpError(400, err instanceof Error ? err.message : String(err), { cause: err });
  }
}
