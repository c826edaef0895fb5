// Owns the activity registry of the worker: every activity, built by one factory from the
// dependencies it needs (HTTP client, logger, default EMCO URL), so tests can inject stand-ins.
import type { Logger } from '../../common/log.js';
import { EmcoClient } from './emco-client.js';
import { createHelloActivities } from './hello.js';
import type { HttpClient } from './http-client.js';
import { createMigrateActivities } from './migrate.js';

export interface ActivityDeps {
  http: HttpClient;
  logger: Logger;
  /** EMCO orchestrator base URL used when a workflow's params carry no `emcoURL`. */
  emcoBaseUrl?: string;
}

export function createActivities(deps: ActivityDeps) {
  const emco = new EmcoClient(deps.http, deps.emcoBaseUrl);
  return {
    ...createHelloActivities({ logger: deps.logger }),
    ...createMigrateActivities({ emco, logger: deps.logger }),
  };
}

/** The activity functions as workflows see them (type-only import in the sandbox). */
export type Activities = ReturnType<typeof createActivities>;
