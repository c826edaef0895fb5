// Owns the list of API routes, in EMCO's registration order, followed by the lifecycle endpoint.
import { intentRoutes } from './intent-routes.js';
import { lifecycleRoutes } from './lifecycle-routes.js';
import type { RestServices, RouteDef } from './route-types.js';
import { runRoutes } from './run-routes.js';
import { workerRoutes } from './emco-worker-routes.js';

export function buildRoutes(s: RestServices): RouteDef[] {
  return [...intentRoutes(s), ...runRoutes(s), ...workerRoutes(s), ...lifecycleRoutes(s)];
}
