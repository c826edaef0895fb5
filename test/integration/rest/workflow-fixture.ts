// What REST tests that run real workflows start: a namespace of their own, the workflow client and
// worker on the Temporal dev server, an operator whose default namespace is that one, a REST client
// of it, a Temporal client to look at the workflows, and a DIG of their own.
import { CoreV1Api } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import { kubeConfig, testEnv, uniqueName } from '../../support/env.js';
import { startOperator, type StartedOperator } from '../../support/operator.js';
import { startWorkflowStack, type WorkflowStack } from '../../support/stack.js';
import { restClient, type Dig, type RestClient } from './http.js';

export interface RestWorkflowFixture {
  ns: string;
  stack: WorkflowStack;
  op: StartedOperator;
  api: RestClient;
  temporal: Client;
  dig: Dig;
  /** Stops what was started, in reverse order. */
  stop(): Promise<void>;
}

/** Starts it all; `env` is added to the operator's (TAC_DEFAULT_NAMESPACE is the new namespace). */
export async function startRestWorkflowFixture(
  prefix: string,
  env: Record<string, string> = {},
): Promise<RestWorkflowFixture> {
  const ns = uniqueName(prefix);
  await kubeConfig()
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name: ns } } });
  const started: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const undo of started.reverse()) await undo();
  };
  try {
    const stack = await startWorkflowStack();
    started.push(() => stack.stop());
    const op = await startOperator({ env: { TAC_DEFAULT_NAMESPACE: ns, ...env } });
    started.push(() => op.stop());
    const connection = await Connection.connect({ address: testEnv().temporalAddress });
    started.push(() => connection.close());
    return {
      ns,
      stack,
      op,
      api: restClient(op.restUrl),
      temporal: new Client({ connection, namespace: testEnv().temporalNamespace }),
      dig: {
        project: 'proj1',
        compositeApp: 'c1',
        compositeAppVersion: 'v1',
        deploymentIntentGroup: uniqueName('d1'),
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
