// Owns the plain-text answers of the workflow client (EMCO style: one line with a newline).
import type { ServerResponse } from 'node:http';

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = text.endsWith('\n') ? text : `${text}\n`;
  res
    .writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    })
    .end(body);
}
