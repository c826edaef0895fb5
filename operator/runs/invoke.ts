// Owns the call TAC makes to a workflow client: POST {endpoint}/invoke/{client-name} with the
// temporal spec, bounded by a request timeout and a reply size, where only 204 naming the requested
// workflow means "started", an answer or a refused connection means "not started", and no answer
// means "start unknown". The bearer token goes only to the endpoints configured for it.
import { Agent, request } from 'undici';

export interface InvokeTarget {
  host: string;
  port: number;
  clientName: string;
  /** The workflow id the body asks for; a 204 naming another id is refused. */
  workflowId?: string;
}

/**
 * What an invoke call tells about the start: `started` (204), `rejected` (the client answered
 * otherwise, or could not be reached, so nothing started) or `unknown` (the request may have reached
 * the client but no answer came: the workflow may have started and must be looked up by its id).
 */
export type InvokeResult =
  | { outcome: 'started'; workflowId?: string; runId?: string }
  | { outcome: 'rejected'; message: string; status?: number }
  | { outcome: 'unknown'; message: string };

/** Error codes of connections that never carried the request: the workflow cannot have started. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/** Default cap of a workflow client's reply body, in bytes (EMCO's answers are one line). */
export const DEFAULT_MAX_REPLY_BYTES = 64 * 1024;

export interface InvokerOptions {
  timeoutMs: number;
  /** PEM CA for https to the workflow client; plain http when absent. */
  tlsCa?: string;
  /**
   * Bearer token and the endpoints (`host`, `host:port`, `*.suffix`) it is sent to; other
   * endpoints get no Authorization header. Never logged.
   */
  token?: { value: string; endpoints: readonly string[] };
  /** Largest reply body read, in bytes; a longer reply is cut and reported. */
  maxReplyBytes?: number;
}

/** What the reply body said, read up to the cap. */
interface ReplyText {
  text: string;
  /** The body was longer than the cap; the rest was not read. */
  cut: boolean;
}

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  cap: number,
): Promise<ReplyText> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > cap) {
      body.destroy();
      return { text: Buffer.concat(chunks).toString('utf8'), cut: true };
    }
    chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), cut: false };
}

/**
 * An id from a reply header: the workflow client percent-encodes ids that HTTP headers cannot
 * carry (and every id holding `%`), so the decoded form is the id. Text that is not valid
 * percent-encoding is taken as it is.
 */
export function decodeHeaderId(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export function invokeUrl(target: InvokeTarget, https: boolean): string {
  return `${https ? 'https' : 'http'}://${hostForUrl(target.host)}:${target.port}/invoke/${encodeURIComponent(target.clientName)}`;
}

/**
 * Posts invoke calls. Failures never throw: they come back as `rejected` or `unknown` with what a
 * user needs to fix it (connection refused, the client's own error text, a timeout).
 */
export class Invoker {
  private readonly dispatcher: Agent;

  constructor(private readonly options: InvokerOptions) {
    this.dispatcher = new Agent({
      connectTimeout: options.timeoutMs,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      ...(options.tlsCa !== undefined ? { connect: { ca: options.tlsCa } } : {}),
    });
  }

  /** `abort` (the leader's term) ends the call at once; the answer is then `unknown`. */
  async invoke(target: InvokeTarget, body: string, abort?: AbortSignal): Promise<InvokeResult> {
    const url = invokeUrl(target, this.options.tlsCa !== undefined);
    // One controller per call, linked to the long-lived `abort` only while the call runs.
    const local = new AbortController();
    const timer = setTimeout(() => local.abort(), this.options.timeoutMs);
    const onAbort = (): void => local.abort();
    abort?.addEventListener('abort', onAbort, { once: true });
    if (abort?.aborted === true) local.abort();
    const signal = local.signal;
    const token = this.options.token;
    const sendToken = token !== undefined && endpointAllowed(token.endpoints, target.host, target.port);
    const cap = this.options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
    try {
      const res = await request(url, {
        method: 'POST',
        body,
        dispatcher: this.dispatcher,
        signal,
        headers: {
          'content-type': 'application/json',
          ...(sendToken ? { authorization: `Bearer ${token.value}` } : {}),
        },
      });
      const reply = await readCapped(res.body, cap);
      if (reply.cut) {
        return {
          outcome: 'rejected',
          status: res.statusCode,
          message: `workflow client ${url} answered ${res.statusCode} with a reply larger than ${cap} bytes (not read further)`,
        };
      }
      if (res.statusCode === 204) return started(url, target, res.headers);
      const text = reply.text.trim();
      const detail = text === '' ? '' : `: ${text.slice(0, 500)}`;
      return {
        outcome: 'rejected',
        status: res.statusCode,
        message: `workflow client ${url} answered ${res.statusCode}${detail}`,
      };
    } catch (err) {
      if (!signal.aborted && networkCodes(err).some((code) => NOT_SENT_CODES.has(code))) {
        return {
          outcome: 'rejected',
          message: `workflow client ${url} unreachable: ${describeNetworkError(err)}`,
        };
      }
      const reason =
        abort?.aborted === true
          ? 'no answer: the call was abandoned (leadership ended)'
          : signal.aborted
            ? `no answer within ${this.options.timeoutMs} ms`
            : `no answer: ${describeNetworkError(err)}`;
      return { outcome: 'unknown', message: `workflow client ${url} gave ${reason}` };
    } finally {
      clearTimeout(timer);
      abort?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

/**
 * A 204: started, with the ids the client named. When the client names a workflow other than the
 * one requested (compared after percent-decoding), the run cannot be followed: rejected.
 */
function started(
  url: string,
  target: InvokeTarget,
  headers: Record<string, string | string[] | undefined>,
): InvokeResult {
  const wid = headers['x-workflow-id'];
  const rid = headers['x-run-id'];
  const runId = typeof rid === 'string' && rid !== '' ? decodeHeaderId(rid) : undefined;
  let workflowId = typeof wid === 'string' && wid !== '' ? decodeHeaderId(wid) : undefined;
  if (workflowId !== undefined && target.workflowId !== undefined && target.workflowId !== '') {
    if (workflowId !== target.workflowId && wid !== target.workflowId) {
      return {
        outcome: 'rejected',
        status: 204,
        message:
          `workflow client ${url} answered workflow id ${JSON.stringify(workflowId)}, ` +
          `not the requested ${JSON.stringify(target.workflowId)}: the run cannot be followed`,
      };
    }
    workflowId = target.workflowId;
  }
  return {
    outcome: 'started',
    ...(workflowId !== undefined ? { workflowId } : {}),
    ...(runId !== undefined ? { runId } : {}),
  };
}

function networkCodes(err: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = current.cause;
  }
  return codes;
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const cause = err.cause instanceof Error ? err.cause : undefined;
  const causeCode = (cause as { code?: unknown } | undefined)?.code;
  const parts = [
    typeof code === 'string' ? code : undefined,
    err.message,
    typeof causeCode === 'string' ? causeCode : undefined,
  ];
  return parts.filter((p) => p !== undefined && p !== '').join(' ');
}

/**
 * Whether `host:port` matches the list (`host`, `host:port`, `*.suffix`). Fails closed: an empty
 * list matches nothing.
 */
export function endpointAllowed(allowed: readonly string[], host: string, port: number): boolean {
  const h = host.toLowerCase();
  return allowed.some((entry) => {
    const [pattern = '', portText] = entry.toLowerCase().split(/:(?=\d+$)/);
    if (portText !== undefined && Number(portText) !== port) return false;
    if (pattern.startsWith('*.')) return h.endsWith(pattern.slice(1)) && h.length > pattern.length - 1;
    return h === pattern;
  });
}
