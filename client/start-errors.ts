// Owns the classification of a failed workflow start into the answer the caller sees: 400 for
// starts Temporal refuses as invalid, 409 for an id conflict, 503 while Temporal is unreachable,
// 502 for other Temporal errors, 500 for anything unexpected.
import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import { NamespaceNotFoundError, ValueError, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { InvokeError } from './invoke-error.js';

/** gRPC status codes (grpc-js `status`), named here to avoid depending on grpc-js directly. */
const GRPC = {
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  ABORTED: 10,
  UNAVAILABLE: 14,
  PERMISSION_DENIED: 7,
  UNAUTHENTICATED: 16,
} as const;

const UNAVAILABLE_CODES = new Set<number>([
  GRPC.CANCELLED,
  GRPC.DEADLINE_EXCEEDED,
  GRPC.RESOURCE_EXHAUSTED,
  GRPC.ABORTED,
  GRPC.UNAVAILABLE,
]);

/** The gRPC error behind an SDK error, if any (the SDK wraps them in ServiceError). */
function grpcCause(err: unknown): { code: number; details: string } | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 4; depth++) {
    if (isGrpcServiceError(e)) return { code: e.code, details: e.details || e.message };
    e = e instanceof Error ? e.cause : undefined;
  }
  return undefined;
}

/**
 * Maps a start error (other than an id conflict, which needs a lookup: see WorkflowStarter) to an
 * InvokeError. The message says what happened in Temporal's words.
 */
export function classifyStartError(err: unknown, namespace: string): InvokeError {
  if (err instanceof InvokeError) return err;
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return new InvokeError(409, `workflow id "${err.workflowId}" already exists`, 'conflict', { cause: err });
  }
  if (err instanceof NamespaceNotFoundError) {
    return new InvokeError(503, `Temporal namespace "${namespace}" does not exist`, 'unavailable', {
      cause: err,
    });
  }
  if (err instanceof ValueError || err instanceof TypeError) {
    return new InvokeError(400, `invalid workflow start options: ${err.message}`, 'bad_request', {
      cause: err,
    });
  }
  const grpc = grpcCause(err);
  if (grpc !== undefined) {
    if (grpc.code === GRPC.INVALID_ARGUMENT) {
      return new InvokeError(400, `Temporal rejected the workflow start: ${grpc.details}`, 'bad_request', {
        cause: err,
      });
    }
    if (UNAVAILABLE_CODES.has(grpc.code)) {
      return new InvokeError(503, `Temporal is unavailable: ${grpc.details}`, 'unavailable', { cause: err });
    }
    if (grpc.code === GRPC.UNAUTHENTICATED || grpc.code === GRPC.PERMISSION_DENIED) {
      return new InvokeError(502, `Temporal refused the credentials: ${grpc.details}`, 'temporal_error', {
        cause: err,
      });
    }
    return new InvokeError(
      502,
      `Temporal error (gRPC code ${grpc.code}): ${grpc.details}`,
      'temporal_error',
      {
        cause: err,
      },
    );
  }
  if (err instanceof ServiceError) {
    return new InvokeError(502, `Temporal error: ${err.message}`, 'temporal_error', { cause: err });
  }
  return new InvokeError(500, 'internal error while starting the workflow', 'internal_error', { cause: err });
}
