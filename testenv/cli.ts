// Owns the `env:up` / `env:down` and `cluster:up` / `cluster:down` commands: a long-lived local
// environment recorded in .testenv/env.json, reused while it is alive.
import { rm } from 'node:fs/promises';
import { clusterAlive, startCluster, stopRecordedCluster } from './cluster/cluster.js';
import { linkExists } from './cluster/network.js';
import { CLUSTER_PLAN } from './cluster/plan.js';
import { ENV_FILE, envAlive, readRecordedEnv, recordEnv, startEnv, stopRecordedEnv } from './env.js';
import type { EnvInfo } from './types.js';

const log = (m: string): void => console.error(m);

async function stopRecorded(info: EnvInfo): Promise<void> {
  if (info.cluster !== undefined) await stopRecordedCluster(info, log);
  else await stopRecordedEnv(info);
}

async function up(): Promise<void> {
  const existing = await readRecordedEnv();
  if (existing !== undefined && envAlive(existing)) {
    log(`[testenv] reusing the running environment (${ENV_FILE})`);
    console.log(JSON.stringify(existing, null, 2));
    return;
  }
  if (existing !== undefined) await stopRecorded(existing);
  const env = await startEnv({ reapOnExit: false, temporalUi: process.argv.includes('--ui'), log });
  await recordEnv(env.info);
  log(`[testenv] recorded in ${ENV_FILE}; stop it with: npm run env:down`);
  console.log(JSON.stringify(env.info, null, 2));
}

async function clusterUp(): Promise<void> {
  const existing = await readRecordedEnv();
  if (existing !== undefined && clusterAlive(existing)) {
    log(`[testenv] reusing the running cluster (${ENV_FILE})`);
    console.log(JSON.stringify(existing, null, 2));
    return;
  }
  if (existing !== undefined) {
    log('[testenv] stopping the recorded environment first (one environment is recorded at a time)');
    await stopRecorded(existing);
    await rm(ENV_FILE, { force: true });
  }
  const env = await startCluster({ reapOnExit: false, temporalUi: process.argv.includes('--ui'), log });
  await recordEnv(env.info);
  log(`[testenv] recorded in ${ENV_FILE}; stop it with: npm run cluster:down`);
  log(`[testenv] look around: KUBECONFIG=${env.info.kubeconfigPath} ${env.info.kubectlPath} get pods -A`);
  console.log(JSON.stringify(env.info, null, 2));
}

async function down(): Promise<void> {
  const existing = await readRecordedEnv();
  if (existing === undefined) {
    log('[testenv] no recorded environment');
    // Without iproute2 there is no cluster tier to have left a bridge: no hint then.
    const bridgeLeft = await linkExists(CLUSTER_PLAN.bridge).catch(() => false);
    if (bridgeLeft) {
      log(
        `[testenv] but the bridge ${CLUSTER_PLAN.bridge} exists: a cluster was killed before it was recorded or torn down; ` +
          'see "Cleaning up by hand" in docs/testing.md',
      );
      process.exitCode = 1;
    }
    return;
  }
  await stopRecorded(existing);
  await rm(ENV_FILE, { force: true });
  log('[testenv] stopped');
}

const commands: Record<string, () => Promise<void>> = {
  up,
  down,
  'cluster-up': clusterUp,
  'cluster-down': down,
};
const action = commands[process.argv[2] ?? ''];
if (action === undefined) {
  console.error('usage: tsx testenv/cli.ts up [--ui] | down | cluster-up [--ui] | cluster-down');
  process.exitCode = 2;
} else {
  action().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
