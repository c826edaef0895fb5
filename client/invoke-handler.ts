// Owns POST /invoke/{client-name}: bearer check, client lookup, body limit, EMCO decoding, start
// mapping, the start itself, and the answer (204 with the ids, or a plain-text error).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeTemporalSpec } from '../common/emco/decode.js';
import { EmcoDecodeError } from '../common/emco/decode-error.js';
import type { Logger } from '../common/log.js';
import { errorFields } from '../common/log.js';
import type { Secret } from '../common/temporal/secret.js';
import { bearerTokenAccepted } from './auth.js';
import { InvokeError } from './invoke-error.js';
import type { InvokeLimit } from './invoke-limit.js';
import type { ClientMetrics } from './metrics.js';
import type { NamedClients } from './named-clients.js';
import { readBody } from './read-body.js';
import { sendText } from './respond.js';
import { buildStartRequest } from './start-request.js';
import type { WorkflowStarterPort } from './workflow-starter.js';

export interface InvokeDeps {
  clients: NamedClients;
  starter: WorkflowStarterPort;
  metrics: ClientMetrics;
  bodyLimitBytes: number;
  token: Secret | null;
  /** Bound on calls in flight; absent: unbounded. */
  limit?: InvokeLimit;
  /** Workflow ids for bodies without one (Go SDK: a random UUID). */
  newWorkflowId?: () => string;
}

/**
 * A header-safe form of a workflow or run id: as is when it is printable ASCII without `%`, else
 * percent-encoded (encodeURIComponent), since HTTP header values cannot carry other characters.
 * Encoding every id that holds `%` keeps the form unambiguous: decoding it gives the id back.
 */
export function headerValue(id: string): string {
  return /^[\x20-\x24\x26-\x7e]*$/.test(id) ? id : encodeURIComponent(id);
}

function decodeFailure(err: EmcoDecodeError): InvokeError {
  if (err.kind === 'eof') {
    return new InvokeError(400, "empty request body: expected EMCO's temporal spec (JSON)", 'invalid_body', {
      cause: err,
    });
  }
  if (err.kind === 'syntax') {
    return new InvokeError(400, `request body is not valid JSON: ${err.message}`, 'invalid_body', {
      cause: err,
    });
  }
  return new InvokeError(
    422,
    `request body does not fit EMCO's temporal spec: ${err.message}`,
    'invalid_body',
    {
      cause: err,
    },
  );
}

/** Handles one invoke. Never throws: every outcome becomes an answer and a metric. */
export async function handleInvoke(
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  deps: InvokeDeps,
  logger: Logger,
): Promise<void> {
  const log = logger.child({ client: name });
  let metricClient = '';
  let acquired: InvokeLimit | undefined;
  try {
    if (!bearerTokenAccepted(req.headers, deps.token)) {
      throw new InvokeError(401, 'missing or invalid bearer token', 'unauthorized');
    }
    const client = deps.clients.resolve(name);
    if (client === undefined) {
      const known = deps.clients.names();
      throw new InvokeError(
        404,
        `unknown workflow client "${name}"${known.length > 0 ? `: configured clients are ${known.join(', ')}` : ''}`,
        'unknown_client',
      );
    }
    metricClient = name;
    if (deps.limit !== undefined) {
      if (!deps.limit.tryAcquire()) {
        throw new InvokeError(429, 'too many /invoke calls in flight: retry later', 'too_many_requests');
      }
      acquired = deps.limit;
      deps.metrics.inFlight(1);
    }
    const body = await readBody(req, deps.bodyLimitBytes);
    let spec;
    try {
      spec = decodeTemporalSpec(body, { allowDurationStrings: true });
    } catch (err) {
      if (err instanceof EmcoDecodeError) throw decodeFailure(err);
      throw err;
    }
    const request = buildStartRequest(spec, client, deps.newWorkflowId);
    const started = process.hrtime.bigint();
    let outcome;
    try {
      outcome = await deps.starter.start(request);
    } finally {
      deps.metrics.startDuration(name, Number(process.hrtime.bigint() - started) / 1e9);
    }
    deps.metrics.invocation(name, 'started');
    log.info('Started workflow', {
      workflowId: outcome.workflowId,
      runId: outcome.runId,
      workflowType: request.workflowType,
      taskQueue: request.options.taskQueue,
    });
    res
      .writeHead(204, {
        'X-Workflow-Id': headerValue(outcome.workflowId),
        'X-Run-Id': headerValue(outcome.runId),
      })
      .end();
  } catch (err) {
    const failure =
      err instanceof InvokeError
        ? err
        : new InvokeError(500, 'internal error while handling the request', 'internal_error', { cause: err });
    if (metricClient !== '') deps.metrics.invocation(metricClient, failure.result);
    const fields = { status: failure.status, result: failure.result, ...errorFields(failure) };
    if (failure.status >= 500) log.warn('Invoke failed', fields);
    else
      log.info('Invoke refused', { status: failure.status, result: failure.result, error: failure.message });
    const headers: Record<string, string> = {};
    if (failure.status === 401) headers['WWW-Authenticate'] = 'Bearer';
    if (failure.status === 429) headers['Retry-After'] = '1';
    // The rest of an oversized (or unread) body is never read: close the connection after answering.
    if (failure.status === 413 || failure.status === 429) headers['Connection'] = 'close';
    sendText(res, failure.status, failure.message, headers);
  } finally {
    if (acquired !== undefined) {
      acquired.release();
      deps.metrics.inFlight(-1);
    }
  }
}
