// Owns the contextupdate service definition as gRPC sees it, built from the generated descriptor
// (no .proto is read at run time, so the bundled operator needs no file beside it). Servers and
// clients (tests, the demo, benchmarks) use the same definition.
import { fromJSON } from '@grpc/proto-loader';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { CONTEXTUPDATE_DESCRIPTOR } from './contextupdate-descriptor.js';

/** The service's full name: EMCO's .proto declares no package. */
export const SERVICE_NAME = 'contextupdate';

export const METHOD_PATHS = {
  UpdateAppContext: '/contextupdate/UpdateAppContext',
  TerminateAppContext: '/contextupdate/TerminateAppContext',
  PostEvent: '/contextupdate/PostEvent',
} as const;

export interface ContextUpdateRequest {
  app_context: string;
  intent_name: string;
  update_from_appContext: string;
}
export interface ContextUpdateResponse {
  app_context_updated: boolean;
  app_context_update_message: string;
}
export interface TerminateRequest {
  app_context: string;
}
export interface TerminateResponse {
  app_context_terminated: boolean;
  app_context_terminated_message: string;
}
export interface PostEventRequest {
  app_context: string;
  /** EventType: INSTANTIATE = 0, TERMINATE = 1, UPDATE = 2. */
  event_type: number;
}
export interface PostEventResponse {
  success: boolean;
  post_event_message: string;
}

let cached: ServiceDefinition | undefined;

/**
 * Field names as in the .proto (snake_case), absent proto3 fields filled with their defaults (an
 * orchestrator never sends event_type INSTANTIATE = 0 on the wire), enums as numbers.
 */
export function contextUpdateService(): ServiceDefinition {
  if (cached !== undefined) return cached;
  const descriptor = CONTEXTUPDATE_DESCRIPTOR as Parameters<typeof fromJSON>[0];
  const definition = fromJSON(descriptor, { keepCase: true, defaults: true, enums: Number, longs: String });
  const service = definition[SERVICE_NAME];
  if (service === undefined || !('UpdateAppContext' in service)) {
    throw new Error(`the ${SERVICE_NAME} descriptor has no service ${SERVICE_NAME}`);
  }
  cached = service;
  return cached;
}
