// A small in-memory stand-in for the EMCO orchestrator endpoints the migrate workflow calls (one
// DIG with generic placement intents and app intents, `/update`, `/status`), on 127.0.0.1, with
// request recording, injected failures and delays.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Cluster {
  clusterProvider: string;
  cluster: string;
}

export interface StandInDig {
  project: string;
  compositeApp: string;
  compositeAppVersion: string;
  deploymentIntentGroup: string;
  /** gpi name → app intent name → { app, cluster } */
  placements: Record<string, Record<string, { app: string; clusters: Cluster[] }>>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: string;
}

/** Rule answering `status` (with `body`) for requests matching `method` and `pathSuffix`. */
export interface Fault {
  method: string;
  pathSuffix: string;
  status: number;
  body?: string;
  /** How many matching requests fail; Infinity for all. */
  times: number;
}

export class EmcoStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  /** Delay before answering requests whose path ends with the key, in ms. */
  readonly delays = new Map<string, number>();
  /** What EMCO has deployed: app → clusters; changes on POST …/update. */
  readonly deployed = new Map<string, Cluster[]>();
  /** Status answers still "NotReady" after an update, before turning "Ready". */
  notReadyPolls = 1;
  #pendingNotReady = 0;
  #server: Server | undefined;

  constructor(readonly dig: StandInDig) {
    this.#deploy();
  }

  get url(): string {
    const address = this.#server?.address() as AddressInfo | null | undefined;
    if (address === undefined || address === null) throw new Error('stand-in not started');
    return `http://127.0.0.1:${address.port}`;
  }

  get digPath(): string {
    const d = this.dig;
    return `/v2/projects/${d.project}/composite-apps/${d.compositeApp}/${d.compositeAppVersion}/deployment-intent-groups/${d.deploymentIntentGroup}`;
  }

  /** Listens on 127.0.0.1: `port`, or any free port (a fixed one lets a worker allow-list it). */
  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => {
      void this.#handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  count(method: string, pathSuffix: string): number {
    return this.requests.filter((r) => r.method === method && r.path.split('?')[0]?.endsWith(pathSuffix))
      .length;
  }

  #deploy(): void {
    this.deployed.clear();
    for (const intents of Object.values(this.dig.placements)) {
      for (const { app, clusters } of Object.values(intents))
        this.deployed.set(
          app,
          clusters.map((c) => ({ ...c })),
        );
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '';
    const method = req.method ?? '';
    this.requests.push({ method, path, body });
    const bare = path.split('?')[0] ?? '';

    const delay = [...this.delays.entries()].find(([suffix]) => bare.endsWith(suffix))?.[1];
    if (delay !== undefined) await new Promise((r) => setTimeout(r, delay));

    const fault = this.faults.find((f) => f.method === method && bare.endsWith(f.pathSuffix) && f.times > 0);
    if (fault !== undefined) {
      fault.times -= 1;
      res.writeHead(fault.status, { 'content-type': 'text/plain' }).end(fault.body ?? 'injected failure\n');
      return;
    }
    const json = (status: number, value: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));

    const dig = this.digPath;
    if (!bare.startsWith(dig)) return void res.writeHead(404).end('404 page not found\n');
    const rest = bare.slice(dig.length);
    if (method === 'GET' && rest === '') {
      return void json(200, { metadata: { name: this.dig.deploymentIntentGroup }, spec: { version: 'r1' } });
    }
    if (method === 'GET' && rest === '/generic-placement-intents') {
      return void json(
        200,
        Object.keys(this.dig.placements).map((name) => ({ metadata: { name }, spec: {} })),
      );
    }
    const appIntents = /^\/generic-placement-intents\/([^/]+)\/app-intents(?:\/([^/]+))?$/.exec(rest);
    if (appIntents !== null) {
      const gpi = this.dig.placements[decodeURIComponent(appIntents[1] ?? '')];
      if (gpi === undefined) return void res.writeHead(404).end('not found\n');
      if (method === 'GET' && appIntents[2] === undefined) {
        return void json(
          200,
          Object.entries(gpi).map(([name, p]) => ({
            metadata: { name, description: 'placement', userData1: '', userData2: '' },
            spec: { app: p.app, intent: { allOf: p.clusters } },
          })),
        );
      }
      if (method === 'PUT' && appIntents[2] !== undefined) {
        const name = decodeURIComponent(appIntents[2]);
        const doc = JSON.parse(body) as { spec: { app: string; intent: { allOf: Cluster[] } } };
        gpi[name] = { app: doc.spec.app, clusters: doc.spec.intent.allOf };
        return void json(200, doc);
      }
    }
    if (method === 'POST' && rest === '/update') {
      this.#deploy();
      this.#pendingNotReady = this.notReadyPolls;
      return void json(202, { message: 'update accepted' });
    }
    if (method === 'GET' && rest === '/status') {
      const ready = this.#pendingNotReady === 0;
      if (!ready) this.#pendingNotReady -= 1;
      return void json(200, {
        project: this.dig.project,
        deployedStatus: 'Instantiated',
        readyStatus: ready ? 'Ready' : 'NotReady',
        apps: [...this.deployed.entries()].map(([name, clusters]) => ({
          name,
          clusters: clusters.map((c) => ({ ...c, readyStatus: ready ? 'Ready' : 'NotReady' })),
        })),
      });
    }
    res.writeHead(405).end('method not allowed\n');
  }
}
