// Owns the shapes of REST responses: a handler returns a Reply (or throws an HttpError) and the
// server writes it. Errors look like Go's `http.Error`: plain text, nosniff, message plus "\n".
import type { ServerResponse } from 'node:http';
import { goErrorParts } from '../../common/http/go-error.js';

export interface Reply {
  status: number;
  headers?: Readonly<Record<string, string>>;
  /** Absent: no body and no Content-Type unless `headers` sets one. */
  body?: string | Buffer;
}

/** A response Go's `http.Error(w, message, status)` would write. */
export function textError(status: number, message: string, headers: Record<string, string> = {}): Reply {
  return { status, ...goErrorParts(message, headers) };
}

const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Content-Type': 'application/json' });

/** A JSON response whose text is already encoded (EMCO's canonical echo ends with "\n"). */
export function jsonText(status: number, text: string | Buffer, headers?: Record<string, string>): Reply {
  return {
    status,
    headers: headers === undefined ? JSON_HEADERS : { 'Content-Type': 'application/json', ...headers },
    body: text,
  };
}

/** Replaces JSON-incompatible values (bigint, Buffer) so any value the SDKs return can be sent. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  return value;
}

/**
 * JSON of this project's own (non-EMCO) responses, with Go's escaping of `<`, `>`, `&`, U+2028
 * and U+2029 so the bytes never differ in style from the EMCO routes' bodies; ends with "\n".
 */
export function encodeJson(value: unknown): string {
  const text = JSON.stringify(value, jsonSafe) ?? 'null';
  return (
    text
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029') + '\n'
  );
}

export function jsonValue(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return jsonText(status, encodeJson(value), headers);
}

/** 204 (or any bodiless status); EMCO's DELETE handlers still set `Content-Type: application/json`. */
export function noContent(contentType?: string, status = 204): Reply {
  return { status, headers: contentType === undefined ? {} : { 'Content-Type': contentType } };
}

/** Thrown by handlers for a client-visible failure; the server writes `reply`. */
export class HttpError extends Error {
  readonly reply: Reply;
  constructor(
    status: number,
    message: string,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
    this.reply = textError(status, message, options?.headers);
  }
  get status(): number {
    return this.reply.status;
  }
}

/**
 * Writes a Reply, with `requestId` as its X-Request-Id. Safe to call once per response; a response
 * already sent is left alone. The headers go to Node in one writeHead call, which takes them
 * without storing each one first as setHeader does.
 */
export function writeReply(res: ServerResponse, reply: Reply, requestId?: string): void {
  if (res.headersSent) return;
  const headers: Record<string, string | number> = {};
  if (requestId !== undefined) headers['X-Request-Id'] = requestId;
  if (reply.headers !== undefined) Object.assign(headers, reply.headers);
  if (reply.body !== undefined) {
    const buf = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
    headers['Content-Length'] = buf.length;
    res.writeHead(reply.status, headers);
    res.end(buf);
    return;
  }
  if (reply.status !== 204 && reply.status !== 304) headers['Content-Length'] = 0;
  res.writeHead(reply.status, headers);
  res.end();
}
