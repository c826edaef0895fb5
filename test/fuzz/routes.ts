// Owns the list of routes the fuzzer covers: every route the operator's REST server registers (read
// from operator/rest/routes.ts and the operational routes, so a new route cannot go unfuzzed) and
// the workflow client's routes, each with the kind of body it reads.
import { Registry } from 'prom-client';
import { TAC_BASE, TAC_INTENT } from '../../operator/rest/intent-routes.js';
import { TAC_WORKER, TAC_WORKERS } from '../../operator/rest/emco-worker-routes.js';
import { LIFECYCLE_EVENT_PATTERN, LIFECYCLE_EVENTS_PATTERN } from '../../operator/rest/lifecycle-routes.js';
import { operationalRoutes } from '../../operator/rest/operational-routes.js';
import type { RestServices, RouteDef } from '../../operator/rest/route-types.js';
import { templateOf } from '../../operator/rest/router.js';
import { buildRoutes } from '../../operator/rest/routes.js';
import { TAC_CANCEL, TAC_STATUS } from '../../operator/rest/run-routes.js';

export type Program = 'operator' | 'client';

/** What a route reads from its body (the generator builds a plausible one, then breaks it). */
export type BodyKind = 'tac-intent' | 'worker' | 'cancel' | 'status' | 'lifecycle' | 'invoke' | 'none';

export interface FuzzRoute {
  program: Program;
  method: string;
  /** find-my-way pattern (`:name` parameters). */
  pattern: string;
  /** `METHOD /path/{param}`: the label of the per-route counts. */
  label: string;
  body: BodyKind;
  /** Open without authentication (health, readiness, metrics, OpenAPI document). */
  public: boolean;
}

const OPERATOR_BODIES: ReadonlyArray<[string, string, BodyKind]> = [
  ['POST', TAC_BASE, 'tac-intent'],
  ['PUT', TAC_INTENT, 'tac-intent'],
  ['POST', TAC_CANCEL, 'cancel'],
  ['GET', TAC_STATUS, 'status'],
  ['POST', TAC_WORKERS, 'worker'],
  ['PUT', TAC_WORKER, 'worker'],
  ['POST', LIFECYCLE_EVENTS_PATTERN, 'lifecycle'],
];

/** Routes that read no body (a body sent anyway must not matter). */
const OPERATOR_BODILESS = new Set([
  `GET ${TAC_BASE}`,
  `GET ${TAC_INTENT}`,
  `DELETE ${TAC_INTENT}`,
  `GET ${TAC_WORKERS}`,
  `GET ${TAC_WORKER}`,
  `DELETE ${TAC_WORKER}`,
  `GET ${LIFECYCLE_EVENT_PATTERN}`,
  'GET /metrics',
  'GET /healthz',
  'GET /readyz',
  'GET /openapi.yaml',
]);

/**
 * Every route of the operator's REST server, as the server registers them. The handlers are built
 * but never called (their services are placeholders). Throws for a route this file does not know,
 * so a new route gets a body profile before the fuzz runs again.
 */
export function operatorRoutes(): FuzzRoute[] {
  const placeholder = {} as RestServices;
  const defs: RouteDef[] = [
    ...buildRoutes(placeholder),
    ...operationalRoutes({ registry: new Registry(), ready: () => true }),
  ];
  return defs.map((def) => {
    const key = `${def.method} ${def.pattern}`;
    const withBody = OPERATOR_BODIES.find(([m, p]) => m === def.method && p === def.pattern);
    if (withBody === undefined && !OPERATOR_BODILESS.has(key)) {
      throw new Error(
        `the fuzzer has no body profile for the operator route ${key}: add it to test/fuzz/routes.ts`,
      );
    }
    return {
      program: 'operator',
      method: def.method,
      pattern: def.pattern,
      label: `${def.method} ${templateOf(def.pattern)}`,
      body: withBody?.[2] ?? 'none',
      public: def.access === 'public',
    };
  });
}

/** The workflow client's routes (client/server.ts). */
export function clientRoutes(): FuzzRoute[] {
  const route = (method: string, pattern: string, body: BodyKind, isPublic: boolean): FuzzRoute => ({
    program: 'client',
    method,
    pattern,
    label: `${method} ${templateOf(pattern)}`,
    body,
    public: isPublic,
  });
  return [
    route('POST', '/invoke/:name', 'invoke', false),
    route('GET', '/healthz', 'none', true),
    route('GET', '/readyz', 'none', true),
    route('GET', '/metrics', 'none', true),
  ];
}

/** `:name` parameters of a pattern, in order. */
export function paramsOf(pattern: string): string[] {
  return pattern
    .split('/')
    .filter((s) => s.startsWith(':'))
    .map((s) => s.slice(1));
}
