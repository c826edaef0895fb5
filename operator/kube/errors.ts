// Owns the classification of Kubernetes client failures (client-node ApiException, watch errors,
// Status objects, network errors) into a small set of kinds the rest of the operator decides on.
import { STATUS_CODES } from 'node:http';
import { ApiException } from '@kubernetes/client-node';

export type KubeErrorKind =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'Forbidden'
  | 'Unauthorized'
  | 'Unavailable'
  | 'Unknown';

export interface KubeErrorInfo {
  kind: KubeErrorKind;
  /** HTTP status code, when the API server answered. */
  status?: number;
  /** The Status object's `reason` (e.g. `AlreadyExists`, `Conflict`, `Expired`), when present. */
  reason?: string;
  /** A one-line message fit for a log or a condition: the Status object's message when there is one. */
  message: string;
}

/** Network-level error codes that mean "the API server could not be reached right now". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isHttpStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599;
}

/** The `{ message, reason }` of a Kubernetes Status body given as an object or as JSON text. */
function statusBody(body: unknown): { message?: string; reason?: string } {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.trim() === '' ? {} : { message: body.trim() };
    }
  }
  if (!isRecord(parsed)) return {};
  return {
    ...(typeof parsed.message === 'string' && parsed.message !== '' ? { message: parsed.message } : {}),
    ...(typeof parsed.reason === 'string' && parsed.reason !== '' ? { reason: parsed.reason } : {}),
  };
}

function kindOf(status: number, reason: string | undefined): KubeErrorKind {
  switch (status) {
    case 404:
      return 'NotFound';
    case 409:
      return reason === 'AlreadyExists' ? 'AlreadyExists' : 'Conflict';
    case 410:
      return 'Gone';
    case 400:
    case 422:
      return 'Invalid';
    case 403:
      return 'Forbidden';
    case 401:
      return 'Unauthorized';
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return 'Unavailable';
    default:
      return 'Unknown';
  }
}

function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; isRecord(e) && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
    if (e.name === 'AbortError' || e.name === 'TimeoutError') return e.name;
  }
  return undefined;
}

/**
 * Classifies anything a client-node call can throw. Understands `ApiException` (its `code` and its
 * Status body, which client-node 1.4.0 passes as JSON text), watch errors (an Error carrying
 * `statusCode`), bare Status objects (`{ kind: 'Status', code, reason, message }` as watch ERROR
 * events deliver them) and network failures (connection refused/reset, timeouts: `Unavailable`).
 * Never throws.
 */
export function classifyKubeError(err: unknown): KubeErrorInfo {
  let status: number | undefined;
  let body: { message?: string; reason?: string } = {};
  if (err instanceof ApiException) {
    status = isHttpStatus(err.code) ? err.code : undefined;
    body = statusBody(err.body);
  } else if (isRecord(err)) {
    if (isHttpStatus(err.statusCode)) {
      status = err.statusCode;
    } else if (isHttpStatus(err.code)) {
      status = err.code;
      if ('body' in err) body = statusBody(err.body);
      else if (err.kind === 'Status') body = statusBody(err);
    }
  }
  if (status !== undefined) {
    return {
      kind: kindOf(status, body.reason),
      status,
      ...(body.reason !== undefined ? { reason: body.reason } : {}),
      message: body.message ?? `HTTP ${status} ${STATUS_CODES[status] ?? 'error'}`,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  const code = networkCode(err);
  if (code !== undefined)
    return { kind: 'Unavailable', message: `API server unreachable (${code}): ${message}` };
  return { kind: 'Unknown', message };
}

/** True when the object (or the resource type) does not exist. */
export function isNotFound(err: unknown): boolean {
  return classifyKubeError(err).kind === 'NotFound';
}

/** True for an optimistic-concurrency conflict (stale resourceVersion), not for AlreadyExists. */
export function isConflict(err: unknown): boolean {
  return classifyKubeError(err).kind === 'Conflict';
}

/** True when a create found the name taken. */
export function isAlreadyExists(err: unknown): boolean {
  return classifyKubeError(err).kind === 'AlreadyExists';
}

/** True when a watch or list asked for a resourceVersion that has been compacted away (relist). */
export function isGone(err: unknown): boolean {
  return classifyKubeError(err).kind === 'Gone';
}
