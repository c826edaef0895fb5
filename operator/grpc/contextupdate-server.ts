// Owns the gRPC server EMCO's orchestrator calls (service `contextupdate`, port 9065): a thin
// adapter that turns each call into a ContextCall, lets ContextActions run it, and answers as
// EMCO's TAC does — the success flag and text, or on failure a gRPC error (status UNKNOWN, the
// error text as message), which is all a Go gRPC server puts on the wire when a handler returns
// both a response and an error.
import {
  Server,
  ServerCredentials,
  status as grpcStatus,
  type sendUnaryData,
  type ServerErrorResponse,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { errorFields, type Logger } from '../../common/log.js';
import type { ActionResult, ContextActions, ContextCall } from '../emco/context-actions.js';
import {
  contextUpdateService,
  type ContextUpdateRequest,
  type ContextUpdateResponse,
  type PostEventRequest,
  type PostEventResponse,
  type TerminateRequest,
  type TerminateResponse,
} from './contextupdate-service.js';

/** How long stop() lets calls in flight finish before closing them (their events go on in the cluster). */
const SHUTDOWN_GRACE_MS = 5000;
/** Longest accepted app context id / update-from / intent name (EMCO's ids are 19-digit numbers). */
const MAX_FIELD = 1024;

export interface ContextUpdateServerDeps {
  actions: Pick<ContextActions, 'handle'>;
  logger: Logger;
}

/** A reply as EMCO's handler builds it: the response, and the error when the call failed. */
export interface Reply<T> {
  response: T;
  error?: ServerErrorResponse;
}

function failure(message: string): ServerErrorResponse {
  return Object.assign(new Error(message), { code: grpcStatus.UNKNOWN, details: message });
}

export function updateReply(r: ActionResult): Reply<ContextUpdateResponse> {
  return {
    response: { app_context_updated: r.ok, app_context_update_message: r.message },
    ...(r.ok ? {} : { error: failure(r.message) }),
  };
}

export function terminateReply(r: ActionResult): Reply<TerminateResponse> {
  return {
    response: { app_context_terminated: r.ok, app_context_terminated_message: r.message },
    ...(r.ok ? {} : { error: failure(r.message) }),
  };
}

export function postEventReply(r: ActionResult): Reply<PostEventResponse> {
  return {
    response: { success: r.ok, post_event_message: r.message },
    ...(r.ok ? {} : { error: failure(r.message) }),
  };
}

function text(v: unknown): string {
  return typeof v === 'string' ? v.slice(0, MAX_FIELD) : '';
}

export class ContextUpdateServer {
  private server: Server | undefined;
  private port = 0;

  constructor(private readonly deps: ContextUpdateServerDeps) {}

  private unary<Req, Res>(
    method: ContextCall['method'],
    toCall: (req: Req) => ContextCall,
    toReply: (r: ActionResult) => Reply<Res>,
  ) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      const request = toCall(call.request);
      const log = this.deps.logger.child({ method, appContext: request.appContext, peer: call.getPeer() });
      log.info('Action controller call received');
      call.on('cancelled', () => log.warn('Caller went away; the event goes on and a repeat attaches to it'));
      Promise.resolve()
        .then(() => this.deps.actions.handle(request))
        .then(
          (result) => {
            const reply = toReply(result);
            log.info('Action controller call answered', { ok: result.ok, message: result.message });
            if (reply.error !== undefined) callback(reply.error);
            else callback(null, reply.response);
          },
          (err: unknown) => {
            log.error('Action controller call failed', errorFields(err));
            callback(failure(err instanceof Error ? err.message : String(err)));
          },
        );
    };
  }

  private implementation(): UntypedServiceImplementation {
    return {
      UpdateAppContext: this.unary<ContextUpdateRequest, ContextUpdateResponse>(
        'UpdateAppContext',
        (r) => ({
          method: 'UpdateAppContext',
          appContext: text(r.app_context),
          intentName: text(r.intent_name),
          updateFromAppContext: text(r.update_from_appContext),
        }),
        updateReply,
      ),
      TerminateAppContext: this.unary<TerminateRequest, TerminateResponse>(
        'TerminateAppContext',
        (r) => ({ method: 'TerminateAppContext', appContext: text(r.app_context) }),
        terminateReply,
      ),
      PostEvent: this.unary<PostEventRequest, PostEventResponse>(
        'PostEvent',
        (r) => ({
          method: 'PostEvent',
          appContext: text(r.app_context),
          eventType: typeof r.event_type === 'number' ? r.event_type : -1,
        }),
        postEventReply,
      ),
    };
  }

  /** Binds host:port (0 = any free port) and returns the bound port. Plain HTTP/2, as EMCO's. */
  async listen(port: number, host: string): Promise<number> {
    const server = new Server();
    server.addService(contextUpdateService(), this.implementation());
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(address, ServerCredentials.createInsecure(), (err, bound) =>
        err === null
          ? resolve(bound)
          : reject(new Error(`gRPC server could not bind ${address}`, { cause: err })),
      ),
    );
    this.server = server;
    return this.port;
  }

  boundPort(): number {
    return this.port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, SHUTDOWN_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
  }
}
