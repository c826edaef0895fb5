// Owns the orchestrator's side of the `contextupdate` calls, for tests, the demo and benchmarks: a
// client built from the project's .proto when it runs (not from the operator's generated
// descriptor), so method paths, field numbers and enum values are checked on the wire.
import { credentials, loadPackageDefinition, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_PATH } from './grpc-proto-source.js';

export interface CallResult<T> {
  response?: T;
  error?: ServiceError;
}

export interface ContextUpdateClient {
  updateAppContext(
    appContext: string,
    updateFrom?: string,
    intentName?: string,
  ): Promise<CallResult<{ app_context_updated: boolean; app_context_update_message: string }>>;
  terminateAppContext(
    appContext: string,
  ): Promise<CallResult<{ app_context_terminated: boolean; app_context_terminated_message: string }>>;
  postEvent(
    appContext: string,
    eventType: 'INSTANTIATE' | 'TERMINATE' | 'UPDATE',
  ): Promise<CallResult<{ success: boolean; post_event_message: string }>>;
  /** Resolves when the channel is connected (or rejects at the deadline). */
  ready(timeoutMs?: number): Promise<void>;
  close(): void;
}

interface RawClient {
  waitForReady(deadline: number, cb: (err?: Error) => void): void;
  close(): void;
  [method: string]: unknown;
}

type Unary = (
  req: unknown,
  md: Metadata,
  opts: { deadline: number },
  cb: (err: ServiceError | null, res?: unknown) => void,
) => void;

/** EMCO's orchestrator formats a missing "update from" context as "<nil>". */
export function contextUpdateClient(address: string, callTimeoutMs = 120_000): ContextUpdateClient {
  const def = loadSync(PROTO_PATH, { keepCase: true, defaults: true, enums: String });
  const ctor = loadPackageDefinition(def)['contextupdate'] as ServiceClientConstructor;
  const raw = new ctor(address, credentials.createInsecure()) as unknown as RawClient;
  const call = <T>(method: string, req: unknown): Promise<CallResult<T>> =>
    new Promise((resolve) => {
      const fn = (raw[method] as Unary).bind(raw);
      fn(req, new Metadata(), { deadline: Date.now() + callTimeoutMs }, (err, res) =>
        resolve(err !== null ? { error: err } : { response: res as T }),
      );
    });
  return {
    updateAppContext: (appContext, updateFrom = '<nil>', intentName = 'tac-intent') =>
      call('UpdateAppContext', {
        app_context: appContext,
        intent_name: intentName,
        update_from_appContext: updateFrom,
      }),
    terminateAppContext: (appContext) => call('TerminateAppContext', { app_context: appContext }),
    postEvent: (appContext, eventType) =>
      call('PostEvent', { app_context: appContext, event_type: eventType }),
    ready: (timeoutMs = 20_000) =>
      new Promise((resolve, reject) =>
        raw.waitForReady(Date.now() + timeoutMs, (err) => (err === undefined ? resolve() : reject(err))),
      ),
    close: () => raw.close(),
  };
}
