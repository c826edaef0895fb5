// Owns how Pods reach the host's Temporal dev server: a socat TCP forwarder from the host address
// (the Pods' gateway) to Temporal on 127.0.0.1, same port. The dev server itself cannot listen on
// that address (see testenv/env.ts), and a forwarder keeps Temporal off every other interface.
import path from 'node:path';
import { temporalHealthy } from '../env.js';
import { startProcess, stopProcess, waitReady, type ManagedProcess } from '../processes.js';
import { which } from './run.js';

export async function startTemporalForwarder(
  workDir: string,
  hostAddress: string,
  temporalAddress: string,
): Promise<{ proc: ManagedProcess; address: string }> {
  const port = temporalAddress.split(':').pop() ?? '';
  const address = `${hostAddress}:${port}`;
  const proc = startProcess(
    'temporal-forwarder (socat)',
    which('socat'),
    [`TCP-LISTEN:${port},bind=${hostAddress},fork,reuseaddr`, `TCP:${temporalAddress}`],
    path.join(workDir, 'temporal-forwarder.log'),
  );
  try {
    await waitReady(proc, () => temporalHealthy(address), 30_000);
  } catch (err) {
    await stopProcess(proc.pid);
    throw err;
  }
  return { proc, address };
}
