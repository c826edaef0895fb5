// Owns the REST API's answers to body problems: the shared body reader's errors as HttpErrors
// (413 closes the connection, 400 for a body that could not be read).
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, readBody as readLimited } from '../../common/http/body.js';
import { HttpError } from './reply.js';

/** Reads the whole body, at most `maxBytes` (HttpError 413 beyond, 400 when it cannot be read). */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  try {
    return await readLimited(req, maxBytes);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      throw new HttpError(413, `request body too large: the limit is ${maxBytes} bytes`, {
        headers: { Connection: 'close' },
        cause: err,
      });
    }
    throw new HttpError(400, err instanceof Error ? err.message : String(err), { cause: err });
  }
}
