// Owns the fault proxy between the programs: toxiproxy's server (provisioned by
// scripts/testenv/provision-toxiproxy.sh) on loopback, one TCP proxy per link, and the faults the
// suite applies to a link: added latency, cut connections, a black hole, all removable again.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { REPO_ROOT } from '../testenv/env.js';
import { freePort } from '../testenv/ports.js';
import { startProcess, stopProcess, waitReady, type ManagedProcess } from '../testenv/processes.js';
import { reap } from './servers.js';

export class FaultProxyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FaultProxyError';
  }
}

/** Runs the provisioning script (cached after the first build) and returns the server binary. */
export async function provisionToxiproxy(log: (m: string) => void): Promise<string> {
  const script = path.join(REPO_ROOT, 'scripts/testenv/provision-toxiproxy.sh');
  const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
    for (const line of b.toString().split('\n')) if (line.startsWith('[provision]')) log(line);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const binary = out.trim().split('\n').pop() ?? '';
  if (code !== 0 || binary === '') {
    throw new FaultProxyError(
      `toxiproxy provisioning failed (exit ${code}):\n${err.split('\n').slice(-20).join('\n')}`,
    );
  }
  return binary;
}

/** A fault on one link. `latency` delays each direction; `cut` resets every connection; `blackhole` takes data and never answers. */
export type LinkFault =
  | { kind: 'latency'; ms: number; jitterMs?: number }
  | { kind: 'cut' }
  | { kind: 'blackhole' }
  /** Answers are held back (requests still arrive): the peer acts, the caller never hears. */
  | { kind: 'hang-answers' };

export interface Link {
  name: string;
  /** 127.0.0.1:PORT the caller dials instead of the upstream. */
  listen: string;
  port: number;
  upstream: string;
  apply(fault: LinkFault): Promise<void>;
  /** Removes every fault and enables the link again. */
  heal(): Promise<void>;
}

export interface FaultProxy {
  link(name: string, upstream: string): Promise<Link>;
  /** Heals every link. */
  healAll(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFaultProxy(workDir: string, log: (m: string) => void): Promise<FaultProxy> {
  const binary = await provisionToxiproxy(log);
  const port = await freePort();
  const proc: ManagedProcess = startProcess(
    'toxiproxy',
    binary,
    ['-host', '127.0.0.1', '-port', String(port)],
    path.join(workDir, 'toxiproxy.log'),
  );
  const reaper = reap('-', proc.pid);
  const api = new Toxiproxy(`http://127.0.0.1:${port}`);
  try {
    await waitReady(proc, async () => (await api.getVersion()) !== '', 15_000);
  } catch (err) {
    await stopProcess(proc.pid);
    if (reaper !== undefined) await stopProcess(reaper, 100);
    throw new FaultProxyError('toxiproxy did not start', { cause: err });
  }
  log(`[chaos] toxiproxy ready on 127.0.0.1:${port}`);
  const links = new Map<string, Link>();

  const makeLink = async (name: string, upstream: string): Promise<Link> => {
    const listenPort = await freePort();
    const listen = `127.0.0.1:${listenPort}`;
    let proxy: Proxy = await api.createProxy({ name, listen, upstream });
    const toxics: string[] = [];
    /** Whether healing must drop the connections the fault left stuck or broken. */
    let dropConnections = false;
    const addToxic = async (
      toxic: string,
      type: 'latency' | 'reset_peer' | 'timeout',
      stream: 'upstream' | 'downstream',
      attributes: Record<string, number>,
    ): Promise<void> => {
      await proxy.addToxic<Record<string, number>>({ name: toxic, type, stream, toxicity: 1, attributes });
      toxics.push(toxic);
    };
    const link: Link = {
      name,
      listen,
      port: listenPort,
      upstream,
      async apply(fault) {
        try {
          switch (fault.kind) {
            case 'latency':
              await addToxic(`${name}-latency-up`, 'latency', 'upstream', {
                latency: fault.ms,
                jitter: fault.jitterMs ?? 0,
              });
              await addToxic(`${name}-latency-down`, 'latency', 'downstream', {
                latency: fault.ms,
                jitter: fault.jitterMs ?? 0,
              });
              break;
            case 'cut':
              dropConnections = true;
              // Every open connection is reset, and so is every new one until healed.
              await addToxic(`${name}-reset`, 'reset_peer', 'upstream', { timeout: 0 });
              proxy = await proxy.update({ enabled: false, listen, upstream });
              proxy = await proxy.update({ enabled: true, listen, upstream });
              break;
            case 'blackhole':
              dropConnections = true;
              await addToxic(`${name}-blackhole-up`, 'timeout', 'upstream', { timeout: 0 });
              await addToxic(`${name}-blackhole-down`, 'timeout', 'downstream', { timeout: 0 });
              break;
            case 'hang-answers':
              dropConnections = true;
              await addToxic(`${name}-hang-down`, 'timeout', 'downstream', { timeout: 0 });
              break;
          }
        } catch (err) {
          throw new FaultProxyError(`cannot apply ${fault.kind} to link ${name}`, { cause: err });
        }
      },
      async heal() {
        try {
          for (const t of toxics.splice(0)) {
            const toxic = await proxy.getToxic(t);
            await toxic.remove();
          }
          // Connections a black hole held stay stuck: a restart of the listener drops them.
          if (dropConnections) {
            proxy = await proxy.update({ enabled: false, listen, upstream });
            proxy = await proxy.update({ enabled: true, listen, upstream });
          }
          dropConnections = false;
        } catch (err) {
          throw new FaultProxyError(`cannot heal link ${name}`, { cause: err });
        }
      },
    };
    links.set(name, link);
    return link;
  };

  return {
    link: makeLink,
    async healAll() {
      for (const l of links.values()) await l.heal();
    },
    async stop() {
      await stopProcess(proc.pid);
      if (reaper !== undefined) await stopProcess(reaper, 100);
    },
  };
}
