// Owns the `env:up` / `env:down` commands: a long-lived local environment recorded in
// .testenv/env.json, reused while it is alive.
import { rm } from 'node:fs/promises';
import { ENV_FILE, envAlive, readRecordedEnv, recordEnv, startEnv, stopRecordedEnv } from './env.js';

const log = (m: string): void => console.error(m);

async function up(): Promise<void> {
  const existing = await readRecordedEnv();
  if (existing !== undefined && envAlive(existing)) {
    log(`[testenv] reusing the running environment (${ENV_FILE})`);
    console.log(JSON.stringify(existing, null, 2));
    return;
  }
  if (existing !== undefined) await stopRecordedEnv(existing);
  const env = await startEnv({ reapOnExit: false, temporalUi: process.argv.includes('--ui'), log });
  await recordEnv(env.info);
  log(`[testenv] recorded in ${ENV_FILE}; stop it with: npm run env:down`);
  console.log(JSON.stringify(env.info, null, 2));
}

async function down(): Promise<void> {
  const existing = await readRecordedEnv();
  if (existing === undefined) {
    log('[testenv] no recorded environment');
    return;
  }
  await stopRecordedEnv(existing);
  await rm(ENV_FILE, { force: true });
  log('[testenv] stopped');
}

const command = process.argv[2];
const action = command === 'up' ? up : command === 'down' ? down : undefined;
if (action === undefined) {
  console.error('usage: tsx testenv/cli.ts up [--ui] | down');
  process.exitCode = 2;
} else {
  action().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
