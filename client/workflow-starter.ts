// Owns the workflow client's side of Temporal: a lazy, self-reconnecting connection, the start
// call with its deadline, the id-conflict answer, and the readiness probe.
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { TemporalConnectionConfig } from '../common/temporal/connection-config.js';
import { connectionOptions } from '../common/temporal/connection-options.js';
import { InvokeError } from './invoke-error.js';
import { classifyStartError } from './start-errors.js';
import type { StartRequest } from './start-request.js';

export interface StartOutcome {
  workflowId: string;
  runId: string;
}

export type Readiness = { ready: true } | { ready: false; reason: string };

/** What the HTTP layer needs from Temporal (a port, so tests can stand in for it). */
export interface WorkflowStarterPort {
  /** Starts (or, per the conflict policy, finds) the workflow. Throws InvokeError. */
  start(request: StartRequest): Promise<StartOutcome>;
  /** Whether Temporal answers for the namespace now. Never throws. */
  ready(): Promise<Readiness>;
  close(): Promise<void>;
}

export interface WorkflowStarterOptions {
  namespace: string;
  /** Deadline of one start (including the SDK's retries), in ms. */
  startTimeoutMs: number;
  /** Deadline of one readiness probe, in ms. */
  readyTimeoutMs: number;
}

export class WorkflowStarter implements WorkflowStarterPort {
  private readonly client: Client;

  constructor(
    private readonly connection: Connection,
    private readonly options: WorkflowStarterOptions,
  ) {
    this.client = new Client({ connection, namespace: options.namespace });
  }

  /**
   * A starter over a lazy connection: nothing is dialled until the first call, and gRPC reconnects
   * by itself after Temporal comes back, so the service needs no restart.
   */
  static lazy(
    config: TemporalConnectionConfig,
    options: Omit<WorkflowStarterOptions, 'namespace'>,
  ): WorkflowStarter {
    return new WorkflowStarter(Connection.lazy(connectionOptions(config)), {
      ...options,
      namespace: config.namespace,
    });
  }

  async start(request: StartRequest): Promise<StartOutcome> {
    const deadline = Date.now() + this.options.startTimeoutMs;
    try {
      const handle = await this.connection.withDeadline(deadline, () =>
        this.client.workflow.start(request.workflowType, request.options),
      );
      return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw await this.conflict(request, err);
      throw classifyStartError(err, this.options.namespace);
    }
  }

  /** 409 with a message that says whether the id is running or closed and why that blocks. */
  private async conflict(
    request: StartRequest,
    err: WorkflowExecutionAlreadyStartedError,
  ): Promise<InvokeError> {
    const id = request.options.workflowId;
    try {
      const description = await this.connection.withDeadline(Date.now() + this.options.readyTimeoutMs, () =>
        this.client.workflow.getHandle(id).describe(),
      );
      const status = description.status.name;
      const message =
        status === 'RUNNING'
          ? `workflow id "${id}" is already running (run ${description.runId}) and ` +
            'WorkflowExecutionErrorWhenAlreadyStarted is true'
          : `workflow id "${id}" was already used by a ${status} run (${description.runId}) and ` +
            `WorkflowIDReusePolicy ${request.reusePolicyName} forbids starting it again`;
      return new InvokeError(409, message, 'conflict', { cause: err });
    } catch {
      // The lookup only improves the message; the conflict itself is certain.
      return new InvokeError(
        409,
        `workflow id "${id}" already exists (WorkflowExecutionErrorWhenAlreadyStarted=${request.errorWhenAlreadyStarted}, ` +
          `WorkflowIDReusePolicy ${request.reusePolicyName})`,
        'conflict',
        { cause: err },
      );
    }
  }

  async ready(): Promise<Readiness> {
    try {
      await this.connection.withDeadline(Date.now() + this.options.readyTimeoutMs, () =>
        this.connection.workflowService.describeNamespace({ namespace: this.options.namespace }),
      );
      return { ready: true };
    } catch (err) {
      return { ready: false, reason: classifyStartError(err, this.options.namespace).message };
    }
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
