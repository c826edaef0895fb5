// Owns the plain-text answers both HTTP servers give, as Go's `http.Error(w, message, status)`
// writes them (EMCO's services do the same): text/plain, nosniff, the message plus "\n".
import type { ServerResponse } from 'node:http';

/** The headers and body of a Go-style plain-text answer. */
export function goErrorParts(
  message: string,
  headers: Record<string, string> = {},
): { headers: Record<string, string>; body: string } {
  return {
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    },
    body: `${message}\n`,
  };
}

/** Writes a Go-style plain-text answer; a response already started is only ended. */
export function writeGoError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const parts = goErrorParts(message, headers);
  res
    .writeHead(status, { ...parts.headers, 'Content-Length': String(Buffer.byteLength(parts.body)) })
    .end(parts.body);
}
