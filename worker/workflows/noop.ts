// Owns the `noop` benchmark workflow: completes at once.

/** Returns at once; the argument (EMCO's workflowParams) is accepted and ignored. */
export function noop(_params?: unknown): Promise<void> {
  return Promise.resolve();
}
