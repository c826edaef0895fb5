// Profiling aid for a running operator started with `--inspect=127.0.0.1:PORT`: prints its memory
// breakdown (process.memoryUsage, V8 heap spaces) and, with --by-constructor, the heap's largest
// object groups from a heap snapshot; with --cpu=SECONDS, the functions that used the most CPU
// over that many seconds. Usage: tsx bench/inspect-operator.ts PORT [--scripts] [--by-constructor] [--cpu=S]
// (--scripts: the modules loaded, by package and source size; --strings with --by-constructor: the
// largest strings and the most repeated string values)
import { WebSocket } from 'undici';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

class Inspector {
  private id = 0;
  private readonly pending = new Map<number, Pending>();
  readonly chunks: string[] = [];
  readonly scripts: Array<{ url: string; length: number }> = [];

  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener('message', (ev) => {
      const msg = JSON.parse(String(ev.data)) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
        method?: string;
        params?: { chunk?: string; url?: string; length?: number };
      };
      if (msg.method === 'HeapProfiler.addHeapSnapshotChunk') this.chunks.push(msg.params?.chunk ?? '');
      if (msg.method === 'Debugger.scriptParsed')
        this.scripts.push({ url: msg.params?.url ?? '', length: msg.params?.length ?? 0 });
      if (msg.id === undefined) return;
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error !== undefined) p?.reject(new Error(msg.error.message));
      else p?.resolve(msg.result);
    });
  }

  static async connect(port: number): Promise<Inspector> {
    const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{
      webSocketDebuggerUrl: string;
    }>;
    const url = list[0]?.webSocketDebuggerUrl;
    if (url === undefined) throw new Error(`no inspector target on port ${port}`);
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve);
      ws.addEventListener('error', reject);
    });
    return new Inspector(ws);
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = ++this.id;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  async evaluate(expression: string): Promise<unknown> {
    const r = (await this.send('Runtime.evaluate', {
      expression,
      returnByValue: true,
      awaitPromise: true,
    })) as {
      result: { value?: unknown };
    };
    return r.result.value;
  }

  close(): void {
    this.ws.close();
  }
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

function byConstructor(snap: Snapshot, top: number): void {
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const groups = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType] ?? 0] ?? '?';
    const name =
      type === 'object' || type === 'closure'
        ? (snap.strings[snap.nodes[i + iName] ?? 0] ?? '?')
        : `(${type})`;
    const g = groups.get(name) ?? { count: 0, size: 0 };
    g.count++;
    g.size += snap.nodes[i + iSize] ?? 0;
    groups.set(name, g);
  }
  const rows = [...groups.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, top);
  for (const [name, g] of rows)
    console.log(`${mb(g.size).padStart(10)}  ${String(g.count).padStart(8)}  ${name.slice(0, 100)}`);
}

/** The heap's strings: the largest single ones, and the most repeated values by total size. */
function stringsBreakdown(snap: Snapshot, top: number): void {
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const values = new Map<string, { count: number; size: number }>();
  const large: Array<{ size: number; text: string }> = [];
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType] ?? 0] ?? '?';
    if (type !== 'string' && type !== 'concatenated string' && type !== 'sliced string') continue;
    const size = snap.nodes[i + iSize] ?? 0;
    const text = snap.strings[snap.nodes[i + iName] ?? 0] ?? '?';
    if (size > 100_000) large.push({ size, text: text.slice(0, 60) });
    const g = values.get(text) ?? { count: 0, size: 0 };
    g.count++;
    g.size += size;
    values.set(text, g);
  }
  console.log('-- strings over 100 KB');
  for (const l of large.sort((a, b) => b.size - a.size).slice(0, 10))
    console.log(`${mb(l.size).padStart(10)}  ${JSON.stringify(l.text)}`);
  console.log('-- repeated string values by total size (count > 1)');
  const rows = [...values.entries()]
    .filter(([, g]) => g.count > 1)
    .sort((a, b) => b[1].size - a[1].size)
    .slice(0, top);
  for (const [text, g] of rows)
    console.log(
      `${mb(g.size).padStart(10)}  ${String(g.count).padStart(8)}  ${JSON.stringify(text.slice(0, 80))}`,
    );
  const small = [...values.values()].reduce(
    (acc, g) => (g.size / g.count <= 100_000 ? { count: acc.count + g.count, size: acc.size + g.size } : acc),
    { count: 0, size: 0 },
  );
  console.log(`-- strings up to 100 KB: ${small.count} taking ${mb(small.size)}`);
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

function topFunctions(
  profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] },
  top: number,
): void {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const n of profile.nodes) {
    const t = self.get(n.id) ?? 0;
    const file = n.callFrame.url.replace(/^file:\/\/\/work\/main\//, '') || '(native)';
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + t);
    const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file;
    byFile.set(pkg, (byFile.get(pkg) ?? 0) + t);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  // Native frames of Node's TLS binding (handshakes, secure contexts, certificates).
  const tls = new Set([
    'start',
    'addCACert',
    'addRootCerts',
    'init',
    'connect',
    'getPeerCertificate',
    'destroySSL',
    'shutdown',
    'setSession',
    'getSession',
    'setKey',
    'setCert',
    'setServername',
    'setALPNProtocols',
    'verifyError',
    'isSessionReused',
    'getEphemeralKeyInfo',
    'setVerifyMode',
    'enableSessionCallbacks',
  ]);
  const byKind = new Map<string, number>();
  for (const n of profile.nodes) {
    const t = self.get(n.id) ?? 0;
    const f = n.callFrame;
    const kind =
      f.url !== ''
        ? 'JavaScript'
        : ['(idle)', '(garbage collector)', '(program)'].includes(f.functionName)
          ? f.functionName
          : tls.has(f.functionName)
            ? 'native TLS (handshakes, secure contexts)'
            : 'other native';
    byKind.set(kind, (byKind.get(kind) ?? 0) + t);
  }
  const show = (m: Map<string, number>): void => {
    for (const [k, t] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(
        `${((t / total) * 100).toFixed(1).padStart(6)}%  ${(t / 1000).toFixed(0).padStart(7)} ms  ${k}`,
      );
    }
  };
  console.log(`CPU profile: ${(total / 1000).toFixed(0)} ms sampled\n-- by kind`);
  show(byKind);
  console.log('-- by function (self time)');
  show(byFn);
  console.log('-- by package or file');
  show(byFile);
}

async function main(): Promise<void> {
  const port = Number(process.argv[2]);
  if (!Number.isInteger(port))
    throw new Error('usage: inspect-operator.ts PORT [--by-constructor] [--cpu=SECONDS]');
  const insp = await Inspector.connect(port);
  try {
    const usage = (await insp.evaluate('JSON.stringify(process.memoryUsage())')) as string;
    const u = JSON.parse(usage) as Record<string, number>;
    console.log(
      Object.entries(u)
        .map(([k, v]) => `${k} ${mb(v)}`)
        .join(', '),
    );
    const cpuArg = process.argv.find((a) => a.startsWith('--cpu='));
    if (cpuArg !== undefined) {
      await insp.send('Profiler.enable');
      await insp.send('Profiler.setSamplingInterval', { interval: 200 });
      await insp.send('Profiler.start');
      await new Promise((r) => setTimeout(r, Number(cpuArg.slice(6)) * 1000));
      const { profile } = (await insp.send('Profiler.stop')) as {
        profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
      };
      topFunctions(profile, 25);
    }
    if (process.argv.includes('--scripts')) {
      await insp.send('Debugger.enable');
      await insp.send('Debugger.disable');
      const byPkg = new Map<string, { count: number; chars: number }>();
      for (const sc of insp.scripts) {
        const pkg =
          /node_modules\/((@[^/]+\/)?[^/]+)/.exec(sc.url)?.[1] ??
          (sc.url.startsWith('node:')
            ? '(node)'
            : (sc.url.replace(/^file:\/\/\/work\/main\//, '').split('/')[0] ?? '?'));
        const g = byPkg.get(pkg) ?? { count: 0, chars: 0 };
        g.count++;
        g.chars += sc.length;
        byPkg.set(pkg, g);
      }
      console.log(`-- ${insp.scripts.length} scripts loaded; by package (count, source size)`);
      for (const [pkg, g] of [...byPkg.entries()].sort((a, b) => b[1].chars - a[1].chars).slice(0, 25)) {
        console.log(`${mb(g.chars).padStart(10)}  ${String(g.count).padStart(6)}  ${pkg}`);
      }
    }
    if (process.argv.includes('--by-constructor')) {
      await insp.send('HeapProfiler.enable');
      await insp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      const snap = JSON.parse(insp.chunks.join('')) as Snapshot;
      byConstructor(snap, 30);
      if (process.argv.includes('--strings')) stringsBreakdown(snap, 30);
    }
  } finally {
    insp.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
