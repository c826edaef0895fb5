// Mocha root hooks of cluster runs: the cluster is started once per run (or a running
// `npm run cluster:up` cluster is reused and left running) and stopped at the end unless a test
// already did.
import { acquireSharedCluster, releaseSharedCluster } from './cluster.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(40 * 60_000); // a cold machine provisions first
    await acquireSharedCluster();
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000);
    await releaseSharedCluster();
  },
};
