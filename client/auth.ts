// Owns the optional bearer-token check of /invoke: constant-time comparison of the presented
// token with the configured one.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Secret } from '../common/temporal/secret.js';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * True when no token is configured or the Authorization header is `Bearer <token>`. Both sides
 * are hashed first, so the comparison takes the same time whatever the lengths.
 */
export function bearerTokenAccepted(headers: IncomingHttpHeaders, token: Secret | null): boolean {
  if (token === null) return true;
  const header = headers.authorization ?? '';
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  const presented = match?.[1] ?? '';
  const equal = timingSafeEqual(digest(presented), digest(token.reveal()));
  return match !== null && equal;
}
