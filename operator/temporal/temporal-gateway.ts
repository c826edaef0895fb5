// Owns the operator's conversations with the Temporal server about workflows it started: describe,
// history, query, bounded waits for the result, cancel and terminate, each with a deadline and,
// from the run path, an abort signal (the leader's term), and turning Temporal's failures into one
// readable message.
import {
  type Client,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type WorkflowExecutionStatusName,
} from '@temporalio/client';
import { TemporalFailure } from '@temporalio/common';
import proto from '@temporalio/proto';
import { trimTrailing } from '../../common/text.js';

export interface WorkflowRef {
  workflowId: string;
  /** Empty or absent: the latest run. */
  runId?: string;
}

export type WorkflowStatus = WorkflowExecutionStatusName;

export interface WorkflowState {
  workflowId: string;
  runId: string;
  type: string;
  taskQueue: string;
  status: WorkflowStatus;
  startTime: Date;
  closeTime?: Date;
  memo?: Record<string, unknown>;
  /** The first run of this run's chain (continue-as-new, retries, cron); absent when not reported. */
  firstRunId?: string;
}

export type WaitResult =
  { done: true; status: WorkflowStatus; result?: unknown; failureMessage?: string } | { done: false };

export class TemporalGatewayError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemporalGatewayError';
  }
}

/** Whether a workflow status is final (the run will not change any more). */
export function isClosed(status: WorkflowStatus): boolean {
  return status !== 'RUNNING' && status !== 'UNSPECIFIED' && status !== 'PAUSED' && status !== 'UNKNOWN';
}

/** One line from a Temporal failure and its causes: "activity failed: boom (ApplicationFailure)". */
export function failureMessage(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err instanceof WorkflowFailedError ? (err.cause ?? err) : err;
  for (let depth = 0; current !== undefined && depth < 6; depth++) {
    if (current instanceof TemporalFailure) {
      const type = 'type' in current && typeof current.type === 'string' ? current.type : current.name;
      parts.push(`${current.message || '(no message)'} (${type})`);
      current = current.cause;
    } else if (current instanceof Error) {
      parts.push(current.message);
      current = current.cause;
    } else {
      parts.push(typeof current === 'string' ? current : JSON.stringify(current));
      current = undefined;
    }
  }
  return parts.join(': ');
}

/**
 * What the run path asks Temporal (the reconciler's port; TemporalGateway implements it). Every
 * call has a deadline; `signal` aborts it at once (the leader's term ended), rejecting with
 * TemporalGatewayError.
 */
export interface WorkflowPort {
  describe(ref: WorkflowRef, signal?: AbortSignal): Promise<WorkflowState | undefined>;
  closeFailure(ref: WorkflowRef, signal?: AbortSignal): Promise<string | undefined>;
  cancel(ref: WorkflowRef, signal?: AbortSignal): Promise<void>;
  terminate(ref: WorkflowRef, reason: string, details?: unknown[], signal?: AbortSignal): Promise<void>;
  waitForResult(ref: WorkflowRef, timeoutMs: number, signal?: AbortSignal): Promise<WaitResult>;
}

/** Default deadline of one Temporal call (describe, history page, query, cancel, terminate), in ms. */
export const DEFAULT_TEMPORAL_CALL_TIMEOUT_MS = 10_000;

const CLOSE_EVENT = proto.temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;

export class TemporalGateway implements WorkflowPort {
  constructor(
    private readonly client: Client,
    private readonly options: { namespace: string; uiUrl?: string; callTimeoutMs?: number },
  ) {}

  private handle(ref: WorkflowRef) {
    return this.client.workflow.getHandle(ref.workflowId, ref.runId === '' ? undefined : ref.runId);
  }

  /**
   * Runs one call under the call deadline and, when given, the abort signal. The SDK listens on the
   * signal it is given for as long as the signal lives, so each call gets its own, linked to the
   * long-lived term signal only while the call runs.
   */
  private async call<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const deadline = Date.now() + (this.options.callTimeoutMs ?? DEFAULT_TEMPORAL_CALL_TIMEOUT_MS);
    const connection = this.client.connection;
    const timed = (): Promise<T> => connection.withDeadline(deadline, fn);
    if (signal === undefined) return timed();
    if (signal.aborted) throw new TemporalGatewayError('Temporal call aborted', { cause: signal.reason });
    const local = new AbortController();
    const onAbort = (): void => local.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await connection.withAbortSignal(local.signal, timed);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** The run's state, or undefined when Temporal has no such workflow (or run). */
  async describe(ref: WorkflowRef, signal?: AbortSignal): Promise<WorkflowState | undefined> {
    try {
      const d = await this.call(() => this.handle(ref).describe(), signal);
      const firstRunId = d.raw.workflowExecutionInfo?.firstRunId;
      return {
        workflowId: d.workflowId,
        runId: d.runId,
        type: d.type,
        taskQueue: d.taskQueue,
        status: d.status.name,
        startTime: d.startTime,
        ...(d.closeTime !== undefined ? { closeTime: d.closeTime } : {}),
        ...(d.memo !== undefined ? { memo: d.memo } : {}),
        ...(typeof firstRunId === 'string' && firstRunId !== '' ? { firstRunId } : {}),
      };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError && signal?.aborted !== true) return undefined;
      throw new TemporalGatewayError(`describe of workflow ${ref.workflowId} failed`, { cause: err });
    }
  }

  /** Temporal's full description (as the SDK returns it), for the REST status call. */
  async describeRaw(ref: WorkflowRef): Promise<unknown> {
    const d = await this.call(() => this.handle(ref).describe());
    return d.raw;
  }

  /** The run's event history as plain JSON objects (all its pages within one call deadline). */
  async history(ref: WorkflowRef): Promise<unknown[]> {
    const h = await this.call(() => this.handle(ref).fetchHistory());
    return h.events ?? [];
  }

  async query(ref: WorkflowRef, queryType: string, args: unknown[]): Promise<unknown> {
    return this.call(() => this.handle(ref).query(queryType, ...args));
  }

  /**
   * Waits at most `timeoutMs` for the run to close. Returns its result or failure message when it
   * closed, `{ done: false }` when the time ran out. Throws only when Temporal cannot be asked.
   */
  async waitForResult(ref: WorkflowRef, timeoutMs: number, signal?: AbortSignal): Promise<WaitResult> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Math.max(0, timeoutMs));
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const result: unknown = await this.client.connection.withAbortSignal(controller.signal, () =>
        this.client.workflow
          .getHandle(ref.workflowId, ref.runId === '' ? undefined : ref.runId, {
            followRuns: false,
          })
          .result(),
      );
      return { done: true, status: 'COMPLETED', result };
    } catch (err) {
      if (controller.signal.aborted) return { done: false };
      if (err instanceof WorkflowFailedError) {
        const state = await this.describe(ref, signal);
        return { done: true, status: state?.status ?? 'FAILED', failureMessage: failureMessage(err) };
      }
      throw new TemporalGatewayError(`waiting for workflow ${ref.workflowId} failed`, { cause: err });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Why a closed run did not complete, read from its close event without waiting (one call, no long
   * poll): Temporal's failure chain, the termination reason, or undefined when it completed, is still
   * open or has no such run. Throws TemporalGatewayError when Temporal cannot be asked.
   */
  async closeFailure(ref: WorkflowRef, signal?: AbortSignal): Promise<string | undefined> {
    let events: proto.temporal.api.history.v1.IHistoryEvent[];
    try {
      const res = await this.call(
        () =>
          this.client.workflowService.getWorkflowExecutionHistory({
            namespace: this.options.namespace,
            execution: { workflowId: ref.workflowId, runId: ref.runId ?? '' },
            historyEventFilterType: CLOSE_EVENT,
            waitNewEvent: false,
            skipArchival: true,
          }),
        signal,
      );
      events = res.history?.events ?? [];
    } catch (err) {
      throw new TemporalGatewayError(`reading how workflow ${ref.workflowId} closed failed`, { cause: err });
    }
    const event = events[0];
    if (event === undefined) return undefined;
    const failed = event.workflowExecutionFailedEventAttributes?.failure;
    if (failed !== undefined && failed !== null) {
      const converter = this.client.options.loadedDataConverter;
      return failureMessage(converter.failureConverter.failureToError(failed, converter.payloadConverter));
    }
    if (event.workflowExecutionTerminatedEventAttributes) {
      return `workflow terminated: ${event.workflowExecutionTerminatedEventAttributes.reason || 'no reason given'}`;
    }
    if (event.workflowExecutionCanceledEventAttributes) return 'workflow cancelled';
    if (event.workflowExecutionTimedOutEventAttributes) return 'workflow timed out';
    return undefined;
  }

  /** Requests cancellation (the workflow sees it and may clean up). Already-closed runs are not an error. */
  async cancel(ref: WorkflowRef, signal?: AbortSignal): Promise<void> {
    try {
      await this.call(() => this.handle(ref).cancel(), signal);
    } catch (err) {
      if (signal?.aborted !== true && (await this.closedOrMissing(ref))) return;
      throw new TemporalGatewayError(`cancel of workflow ${ref.workflowId} failed`, { cause: err });
    }
  }

  /** Terminates at once (no cleanup in the workflow). Already-closed runs are not an error. */
  async terminate(
    ref: WorkflowRef,
    reason: string,
    details: unknown[] = [],
    signal?: AbortSignal,
  ): Promise<void> {
    try {
      await this.call(
        () =>
          this.client.workflowService.terminateWorkflowExecution({
            namespace: this.options.namespace,
            workflowExecution: { workflowId: ref.workflowId, runId: ref.runId ?? '' },
            reason,
            ...(details.length > 0
              ? {
                  details: {
                    payloads: details.map((d) =>
                      this.client.options.loadedDataConverter.payloadConverter.toPayload(d),
                    ),
                  },
                }
              : {}),
            identity: this.client.options.identity,
          }),
        signal,
      );
    } catch (err) {
      if (signal?.aborted !== true && (await this.closedOrMissing(ref))) return;
      throw new TemporalGatewayError(`terminate of workflow ${ref.workflowId} failed`, { cause: err });
    }
  }

  private async closedOrMissing(ref: WorkflowRef): Promise<boolean> {
    try {
      const state = await this.describe(ref);
      return state === undefined || isClosed(state.status);
    } catch {
      return false;
    }
  }

  /** A deep link to the run in the Temporal Web UI, when a UI URL is configured. */
  uiLink(ref: WorkflowRef): string | undefined {
    if (this.options.uiUrl === undefined || this.options.uiUrl === '') return undefined;
    const base = trimTrailing(this.options.uiUrl, '/');
    const ns = encodeURIComponent(this.options.namespace);
    const id = encodeURIComponent(ref.workflowId);
    return ref.runId
      ? `${base}/namespaces/${ns}/workflows/${id}/${encodeURIComponent(ref.runId)}/history`
      : `${base}/namespaces/${ns}/workflows/${id}`;
  }
}
