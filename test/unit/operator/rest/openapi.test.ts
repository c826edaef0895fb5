import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse } from 'yaml';
import { silentLogger } from '../../../../common/log.js';
import { templateOf } from '../../../../operator/rest/router.js';
import { createRestServer } from '../../../../operator/rest/server.js';
import { FakeLifecycle, FakeStore, FakeTemporal } from './fakes.js';

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { summary?: string; parameters?: unknown[] }>>;
}

const doc = parse(
  readFileSync(new URL('../../../../docs/openapi.yaml', import.meta.url), 'utf8'),
) as OpenApiDoc;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

describe('docs/openapi.yaml', () => {
  const server = createRestServer({
    store: new FakeStore(),
    lifecycle: new FakeLifecycle(),
    temporal: new FakeTemporal(),
    logger: silentLogger(),
    config: { defaultNamespace: 'tac', maxBodyBytes: 1024, requestTimeoutMs: 1000, auth: 'none' },
    health: { ready: () => true },
  });

  it('is an OpenAPI 3 document', () => {
    expect(doc.openapi).to.match(/^3\./);
  });

  it('documents every registered route, with its summary', () => {
    expect(server.routes.length).to.equal(18);
    for (const route of server.routes) {
      const path = templateOf(route.pattern);
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${path}`).to.not.equal(undefined);
      expect(op?.summary, `${route.method} ${path}`).to.equal(route.summary);
    }
  });

  it('documents no route the server does not have', () => {
    const registered = new Set(server.routes.map((r) => `${r.method} ${templateOf(r.pattern)}`));
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item).filter((k) => METHODS.includes(k))) {
        expect(registered.has(`${method.toUpperCase()} ${path}`), `${method} ${path}`).to.equal(true);
      }
    }
  });
});
