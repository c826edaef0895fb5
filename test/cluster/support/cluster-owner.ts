// A process that starts a cluster and then waits to be killed: the teardown test kills it with
// SIGKILL to see the reaper tear its cluster down. Prints the cluster's EnvInfo as one JSON line.
import { startCluster } from '../../../testenv/cluster/cluster.js';

const env = await startCluster();
process.stdout.write(`${JSON.stringify(env.info)}\n`);
// Bounded: the test kills this process long before.
await new Promise((resolve) => setTimeout(resolve, 10 * 60_000));
await env.stop();
