// Owns tearing a test run's cluster down when the process that started it dies without doing so
// (a run killed or interrupted): waits for OWNER_PID to go, then runs the full teardown.
// Usage: node --import tsx testenv/cluster/reaper.ts OWNER_PID ENV_JSON
import { readFile } from 'node:fs/promises';
import { isAlive } from '../processes.js';
import type { EnvInfo } from '../types.js';
import { stopRecordedCluster } from './cluster.js';

const owner = Number(process.argv[2]);
const envFile = process.argv[3];
if (!Number.isInteger(owner) || envFile === undefined) {
  console.error('usage: reaper.ts OWNER_PID ENV_JSON');
  process.exit(2);
}
const info = JSON.parse(await readFile(envFile, 'utf8')) as EnvInfo;
// Bounded only by the owner's life, which is what this process exists to outlast.
while (isAlive(owner)) await new Promise((r) => setTimeout(r, 1000));
if (info.cluster !== undefined) delete info.cluster.pids.reaper;
await stopRecordedCluster(info, (m) => console.error(m));
console.error('[cluster-reaper] torn down the cluster of a process that ended without stopping it');
