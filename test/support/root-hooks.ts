// Mocha root hooks of integration runs: the environment is started once per run (or a running
// `npm run env:up` environment is reused) and stopped at the end of the run.
import { envAlive, readRecordedEnv, startEnv, type RunningEnv } from '../../testenv/env.js';
import { DefaultLogger, IllegalStateError, Runtime } from '@temporalio/worker';
import { setTestEnv } from './env.js';

/** In-process workers log through the SDK runtime; tests keep only its errors. */
function quietTemporalRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch (err) {
    if (!(err instanceof IllegalStateError)) throw err;
  }
}

let owned: RunningEnv | undefined;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(40 * 60_000); // a cold machine provisions first
    quietTemporalRuntime();
    const recorded = process.env.TAC_TESTENV_FRESH === '1' ? undefined : await readRecordedEnv();
    if (recorded !== undefined && envAlive(recorded)) {
      console.error('[testenv] reusing the environment of npm run env:up');
      setTestEnv(recorded);
      return;
    }
    owned = await startEnv({ log: (m) => console.error(m) });
    setTestEnv(owned.info);
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    setTestEnv(undefined);
    if (owned !== undefined) await owned.stop();
    owned = undefined;
  },
};
