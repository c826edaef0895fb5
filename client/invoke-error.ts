// Owns the error type of the /invoke path: every refusal carries the HTTP status and the plain
// text a caller sees, plus the metrics result label.

export type InvokeResult =
  | 'started'
  | 'bad_request'
  | 'invalid_body'
  | 'unauthorized'
  | 'unknown_client'
  | 'forbidden'
  | 'too_many_requests'
  | 'too_large'
  | 'conflict'
  | 'unavailable'
  | 'temporal_error'
  | 'internal_error';

export class InvokeError extends Error {
  override readonly name = 'InvokeError';

  constructor(
    readonly status: number,
    message: string,
    readonly result: InvokeResult,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
