// A stand-in for the EMCO orchestrator routes the operator's worker deployment uses, on 127.0.0.1:
// `GET …/deployment-intent-groups/{dig}/status` (lifecycle states; `?status=ready` readiness),
// `POST …/instantiate` and `POST …/terminate`, with per-DIG state and request recording.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  path: string;
}

const DIG_PATH =
  /^\/v2\/projects\/([^/]+)\/composite-apps\/([^/]+)\/([^/]+)\/deployment-intent-groups\/([^/]+)(\/[a-z]+)?$/;

export class OrchestratorStandIn {
  readonly calls: RecordedCall[] = [];
  /** DIG name → lifecycle state history (last = current). Unknown DIGs answer 404. */
  readonly states = new Map<string, string[]>();
  /** Ready-status answers that still say NotReady after an instantiate. */
  notReadyAnswers = 1;
  #pendingNotReady = new Map<string, number>();
  #server: Server | undefined;

  get url(): string {
    const a = this.#server?.address() as AddressInfo | null | undefined;
    if (a === undefined || a === null) throw new Error('orchestrator stand-in not started');
    return `http://127.0.0.1:${a.port}`;
  }

  setState(dig: string, state: string): void {
    this.states.set(dig, [...(this.states.get(dig) ?? ['Created']), state]);
  }

  state(dig: string): string | undefined {
    return this.states.get(dig)?.at(-1);
  }

  callsTo(dig: string): string[] {
    return this.calls
      .filter((c) => c.path.includes(`/deployment-intent-groups/${dig}`))
      .map((c) => `${c.method} ${c.path.slice(c.path.indexOf(dig) + dig.length) || '/'}`);
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const method = req.method ?? '';
      const url = new URL(req.url ?? '/', 'http://stand-in');
      this.calls.push({ method, path: `${url.pathname}${url.search}` });
      req.resume();
      const json = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      const m = DIG_PATH.exec(url.pathname);
      const dig = m?.[4] !== undefined ? decodeURIComponent(m[4]) : undefined;
      const history = dig !== undefined ? this.states.get(dig) : undefined;
      if (m === null || dig === undefined || history === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('DIG not found\n');
        return;
      }
      const sub = m[5] ?? '';
      if (method === 'GET' && sub === '/status') {
        if (url.searchParams.get('status') === 'ready') {
          const pending = this.#pendingNotReady.get(dig) ?? 0;
          if (pending > 0) this.#pendingNotReady.set(dig, pending - 1);
          return json(200, { name: dig, readyStatus: pending > 0 ? 'NotReady' : 'Ready' });
        }
        return json(200, {
          name: dig,
          states: {
            actions: history.map((state, i) => ({ state, instance: '', time: `t${i}`, revision: i })),
          },
        });
      }
      if (method === 'POST' && sub === '/instantiate') {
        this.setState(dig, 'Instantiated');
        this.#pendingNotReady.set(dig, this.notReadyAnswers);
        return json(202, {});
      }
      if (method === 'POST' && sub === '/terminate') {
        this.setState(dig, 'Terminated');
        return json(202, {});
      }
      res.writeHead(405).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
