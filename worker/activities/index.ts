// Owns the activity registry of the worker: every activity, built by one factory from the
// dependencies it needs (HTTP client, logger, default EMCO URL), so tests can inject stand-ins.
import type { Logger } from '../../common/log.js';
import { EmcoClient } from './emco-client.js';
import { EmcoUrlPolicy } from './emco-url-policy.js';
import { createHelloActivities } from './hello.js';
import type { HttpClient } from './http-client.js';
import { createMigrateActivities } from './migrate.js';

export interface ActivityDeps {
  http: HttpClient;
  logger: Logger;
  /** EMCO orchestrator base URL used when a workflow's params carry no `emcoURL`. */
  emcoBaseUrl?: string;
  /**
   * Base URLs of the EMCO orchestrators activities may call; absent: only `emcoBaseUrl` (none
   * without it). Empty: none.
   */
  emcoAllowedUrls?: readonly string[];
}

/** Throws EmcoUrlError when an allowed URL is unusable. */
export function createActivities(deps: ActivityDeps) {
  const allowed = deps.emcoAllowedUrls ?? (deps.emcoBaseUrl === undefined ? [] : [deps.emcoBaseUrl]);
  const emco = new EmcoClient(deps.http, deps.emcoBaseUrl, new EmcoUrlPolicy(allowed));
  return {
    ...createHelloActivities({ logger: deps.logger }),
    ...createMigrateActivities({ emco, logger: deps.logger }),
  };
}

/** The activity functions as workflows see them (type-only import in the sandbox). */
export type Activities = ReturnType<typeof createActivities>;
