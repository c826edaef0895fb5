// Owns the activities of the small workflows: the hello-world greeting and the long-running
// workflow's cleanup step.
import type { Logger } from '../../common/log.js';

export function createHelloActivities(deps: { logger: Logger }) {
  return {
    /** The TAC demo's greeting. */
    greet(name: string): Promise<string> {
      deps.logger.info('Greeting', { name });
      return Promise.resolve(`Hello, ${name}!`);
    },

    /** Cleanup run by `longRunning` after cancellation; returns what it cleaned up. */
    longRunningCleanup(input: { ticks: number }): Promise<string> {
      deps.logger.info('Cleaning up after long-running workflow', input);
      return Promise.resolve(`cleaned up after ${input.ticks} ticks`);
    },
  };
}
