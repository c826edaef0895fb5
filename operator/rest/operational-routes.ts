// Owns the operator's operational routes, open without authentication: Prometheus metrics,
// liveness, readiness (the intent cache has synced) and the OpenAPI document of the REST API.
import { readFile } from 'node:fs/promises';
import type { Registry } from 'prom-client';
import { textError } from './reply.js';
import type { RouteDef } from './route-types.js';

export interface OperationalDeps {
  registry: Registry;
  ready(): boolean;
  /** Path of the served OpenAPI document; default: `docs/openapi.yaml` of the installation. */
  openapiPath?: string;
}

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' };

/** Finds docs/openapi.yaml next to the installation (source tree or dist/ layout). */
async function loadOpenapi(explicit: string | undefined): Promise<Buffer> {
  const candidates =
    explicit !== undefined
      ? [explicit]
      : ['../../docs/openapi.yaml', '../../../docs/openapi.yaml', '../../../../docs/openapi.yaml'].map(
          (rel) => new URL(rel, import.meta.url),
        );
  let lastError: unknown;
  for (const c of candidates) {
    try {
      return await readFile(c);
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error('docs/openapi.yaml not found', { cause: lastError });
}

export function operationalRoutes(deps: OperationalDeps): RouteDef[] {
  let openapi: Promise<Buffer> | undefined;
  return [
    {
      method: 'GET',
      pattern: '/metrics',
      summary: 'Prometheus metrics',
      access: 'public',
      handler: async () => ({
        status: 200,
        headers: { 'Content-Type': deps.registry.contentType },
        body: await deps.registry.metrics(),
      }),
    },
    {
      method: 'GET',
      pattern: '/healthz',
      summary: 'Liveness: the process serves HTTP',
      access: 'public',
      handler: () => Promise.resolve({ status: 200, headers: TEXT, body: 'ok\n' }),
    },
    {
      method: 'GET',
      pattern: '/readyz',
      summary: 'Readiness: the intent cache has synced',
      access: 'public',
      handler: () =>
        Promise.resolve(
          deps.ready() ? { status: 200, headers: TEXT, body: 'ok\n' } : textError(503, 'not ready'),
        ),
    },
    {
      method: 'GET',
      pattern: '/openapi.yaml',
      summary: 'This API as an OpenAPI 3 document',
      access: 'public',
      handler: async () => {
        openapi ??= loadOpenapi(deps.openapiPath);
        try {
          return { status: 200, headers: { 'Content-Type': 'application/yaml' }, body: await openapi };
        } catch (err) {
          openapi = undefined;
          throw err;
        }
      },
    },
  ];
}
