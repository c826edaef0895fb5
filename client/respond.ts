// Owns the plain-text answers of the workflow client (EMCO style: one line with a newline), written
// by the shared Go-style error writer.
import type { ServerResponse } from 'node:http';
import { writeGoError } from '../common/http/go-error.js';

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  writeGoError(res, status, text.endsWith('\n') ? text.slice(0, -1) : text, headers);
}
