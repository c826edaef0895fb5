// Mocha root hooks of the image smoke tests: every container a run started is removed at its end.
import { removeContainers } from './containers.js';

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await removeContainers();
  },
};
