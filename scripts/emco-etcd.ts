// Owns a stand-in for EMCO's etcd (for tests, the demo and benchmarks): a dedicated etcd, the
// provisioned binary, on free loopback ports with a temporary data dir, and writing app contexts
// into it as EMCO's orchestrator stores them (JSON values under /context/<id>/ and /context/<id>/meta/).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Etcd3 } from 'etcd3';
import { provision } from '../testenv/env.js';
import { freePorts } from '../testenv/ports.js';
import { logTail, startProcess, stopProcess, waitReady, type ManagedProcess } from '../testenv/processes.js';
import type { DigRef } from '../common/emco/types.js';

export interface EmcoEtcd {
  endpoint: string;
  client: Etcd3;
  /** Writes an app context of `dig` (root handle and metadata) and returns its id. */
  writeAppContext(dig: DigRef, id?: string): Promise<string>;
  /** The etcd log's last lines (for failure messages). */
  logTail(): string;
  stop(): Promise<void>;
}

let counter = 0;

/** A fresh id in EMCO's style: a large decimal number. */
export function newAppContextId(): string {
  counter += 1;
  return `${Date.now()}${String(process.pid).padStart(6, '0')}${counter}`.slice(0, 19);
}

export async function startEmcoEtcd(): Promise<EmcoEtcd> {
  const binDir = await provision();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tac-emco-etcd-'));
  const [clientPort, peerPort] = await freePorts(2);
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  let proc: ManagedProcess | undefined;
  let client: Etcd3 | undefined;
  const stop = async (): Promise<void> => {
    client?.close();
    if (proc !== undefined) await stopProcess(proc.pid);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    proc = startProcess(
      'EMCO etcd',
      path.join(binDir, 'etcd'),
      [
        '--name=emco',
        `--data-dir=${path.join(dir, 'data')}`,
        `--listen-client-urls=${endpoint}`,
        `--advertise-client-urls=${endpoint}`,
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=emco=${peer}`,
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      path.join(dir, 'etcd.log'),
    );
    const started = proc;
    await waitReady(started, async () => (await fetch(`${endpoint}/health`)).ok, 30_000);
    client = new Etcd3({ hosts: [endpoint] });
    const c = client;
    return {
      endpoint,
      client: c,
      async writeAppContext(dig: DigRef, id = newAppContextId()): Promise<string> {
        // EMCO's contextdb stores every value with json.Marshal.
        await c.put(`/context/${id}/`).value(JSON.stringify(id));
        await c.put(`/context/${id}/meta/`).value(
          JSON.stringify({
            Project: dig.project,
            CompositeApp: dig.compositeApp,
            Version: dig.compositeAppVersion,
            Release: 'r1',
            DeploymentIntentGroup: dig.deploymentIntentGroup,
            Namespace: 'default',
            Level: '0',
            LogicalCloud: 'lc1',
            LogicalCloudNamespace: 'default',
            LogicalCloudLevel: '1',
            ChildContextIDs: null,
          }),
        );
        return id;
      },
      logTail: () => logTail(started.logPath),
      stop,
    };
  } catch (err) {
    const tail = proc !== undefined ? logTail(proc.logPath) : '(not started)';
    await stop();
    throw new Error(`EMCO etcd (test) could not start; log tail:\n${tail}`, { cause: err });
  }
}
