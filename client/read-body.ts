// Owns the workflow client's answers to body problems: the shared body reader's errors as
// InvokeErrors (413 too large, 400 when the body could not be read).
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, readBody as readLimited } from '../common/http/body.js';
import { InvokeError } from './invoke-error.js';

/** The whole body. Throws InvokeError 413 above `limit` bytes and 400 when the request fails first. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    return await readLimited(req, limit);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      throw new InvokeError(413, `request body larger than ${limit} bytes`, 'too_large', { cause: err });
    }
    throw new InvokeError(400, 'request body could not be read', 'bad_request', { cause: err });
  }
}
