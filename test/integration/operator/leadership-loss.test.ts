// A leader that loses its Lease while a reconcile is in flight: two operators on the real API
// server, the leader's Temporal calls held by a proxy the test freezes, the Lease handed to the
// standby. The former leader's reconcile is abandoned the moment its term ends; after the proxy
// thaws it issues no invoke (the workflow-client stand-in tells the two operators apart by token).
import http from 'node:http';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  V1MicroTime,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { Connection } from '@temporalio/client';
import { expect } from 'chai';
import winston from 'winston';
import Transport from 'winston-transport';
import { ANNOTATION_RUN_REQUEST } from '../../../common/domain/annotations.js';
import { operatorConfigFromEnv } from '../../../operator/config.js';
import { withKeepAliveAgents } from '../../../operator/kube/kube-config.js';
import { createOperator, type Operator } from '../../../operator/operator.js';
import { intent } from '../../support/builders.js';
import { kubeConfig, testEnv, uniqueName, waitFor } from '../../support/env.js';
import { FreezableProxy } from '../../support/freezable-proxy.js';
import { installCrdAndRbac } from '../../support/operator.js';

const api = { group: 'tac.emco.io', version: 'v1alpha1', plural: 'temporalactionintents' };
const LEASE_NAMESPACE = 'tac-system';

class Lines extends Transport {
  readonly lines: Record<string, unknown>[] = [];
  override log(info: Record<string, unknown>, next: () => void): void {
    this.lines.push(info);
    next();
  }
}

/** A workflow client that records each invoke's bearer token and never answers. */
class SilentWorkflowClient {
  readonly tokens: string[] = [];
  /** Called as each invoke arrives, before anything else happens. */
  onInvoke: (() => void) | undefined;
  private readonly server = http.createServer((req) => {
    this.tokens.push(String(req.headers.authorization ?? ''));
    this.onInvoke?.();
    req.resume();
  });

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  count(token: string): number {
    return this.tokens.filter((t) => t === `Bearer ${token}`).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

interface Running {
  operator: Operator;
  logs: Record<string, unknown>[];
  connection: Connection;
}

describe('operator: a leader that loses its lease stops acting at once', function () {
  this.timeout(180_000);
  const started: Running[] = [];
  let proxy: FreezableProxy | undefined;
  let client: SilentWorkflowClient | undefined;

  after(async () => {
    proxy?.thaw();
    for (const r of started.splice(0)) {
      await r.operator.stop();
      await r.connection.close();
    }
    await proxy?.close();
    await client?.close();
  });

  async function start(
    identity: string,
    temporalAddress: string,
    env: Record<string, string>,
  ): Promise<Running> {
    const tokenFile = path.join(testEnv().workDir, `${identity}.token`);
    await writeFile(tokenFile, `token-${identity}\n`, { mode: 0o600 });
    const config = operatorConfigFromEnv({
      POD_NAME: identity,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: testEnv().temporalNamespace,
      TAC_REST_HOST: '127.0.0.1',
      TAC_REST_PORT: '0',
      TAC_REST_AUTH: 'none',
      TAC_LEASE_NAMESPACE: LEASE_NAMESPACE,
      TAC_LEASE_DURATION: '4s',
      TAC_LEASE_RENEW_DEADLINE: '3s',
      TAC_LEASE_RETRY_PERIOD: '500ms',
      TAC_INVOKE_TIMEOUT: '1s',
      TAC_INVOKE_TOKEN_FILE: tokenFile,
      // The token tells the two operators apart at the stand-in client: it is theirs to receive.
      TAC_OWN_CLIENT_ENDPOINTS: '127.0.0.1',
      TAC_TEMPORAL_CALL_TIMEOUT: '2m',
      TAC_DEFAULT_NAMESPACE: 'default',
      ...env,
    });
    const lines = new Lines();
    const logger = winston.createLogger({
      level: 'debug',
      format: winston.format.json(),
      transports: [lines],
    });
    const connection = await Connection.connect({ address: temporalAddress });
    const operator = createOperator(config, {
      kubeConfig: withKeepAliveAgents(kubeConfig('operator')),
      logger,
      temporalConnection: connection,
    });
    const running = { operator, logs: lines.lines, connection };
    started.push(running);
    await operator.start();
    return running;
  }

  it('issues no invoke after the lease is taken, even when its stalled Temporal call completes', async () => {
    await installCrdAndRbac();
    const kc = kubeConfig();
    const ns = uniqueName('lead');
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: ns } } });
    const lease = uniqueName('lease-loss');
    client = new SilentWorkflowClient();
    const clientPort = await client.listen();
    const [host, port] = testEnv().temporalAddress.split(':');
    proxy = new FreezableProxy({ host: host ?? '127.0.0.1', port: Number(port) });
    const proxied = await proxy.listen();

    const idA = uniqueName('op-a');
    const idB = uniqueName('op-b');
    const watch = { TAC_WATCH_NAMESPACES: ns, TAC_DEFAULT_NAMESPACE: ns, TAC_LEASE_NAME: lease };
    const a = await start(idA, proxied, { ...watch, TAC_START_LOOKUP_TIMEOUT: '1s' });
    await waitFor(() => a.operator.isLeader(), { what: 'operator A to lead', timeoutMs: 20_000 });
    // B looks a start up for long, so that as the new leader it writes nothing the test would race.
    const b = await start(idB, testEnv().temporalAddress, { ...watch, TAC_START_LOOKUP_TIMEOUT: '10m' });

    const body = intent({
      name: 'contested',
      namespace: ns,
      endpoint: { host: '127.0.0.1', port: clientPort },
      taskQueue: 'noop',
      timeout: '5m',
    });
    body.metadata = {
      name: 'contested',
      namespace: ns,
      annotations: {
        [ANNOTATION_RUN_REQUEST]: JSON.stringify({
          id: 'ev1',
          hookType: 'pre-install',
          eventId: 'ev1',
          requestedAt: new Date().toISOString(),
        }),
      },
    };
    const objects = kc.makeApiClient(CustomObjectsApi);
    // A invokes; the stand-in never answers and, as the invoke arrives, Temporal is frozen for A.
    // After the invoke's 1 s timeout A records the start as unconfirmed and looks the workflow up by
    // its id (a describe, held by the proxy): finding nothing after its 1 s look-up time, it would
    // invoke again.
    const frozenProxy = proxy;
    client.onInvoke = () => frozenProxy.freeze();
    await objects.createNamespacedCustomObject({ ...api, namespace: ns, body });
    await waitFor(() => client?.count(`token-${idA}`) === 1, {
      what: 'operator A to invoke',
      timeoutMs: 30_000,
    });
    client.onInvoke = undefined;

    const workflowId = `tac-${ns}-contested-ev1`;
    await waitFor(() => frozenProxy.holds(workflowId), {
      what: 'operator A to ask Temporal about the workflow',
      timeoutMs: 20_000,
    });

    // The lease goes to B: A sees another holder at its next renewal and stops leading.
    const leases = kc.makeApiClient(CoordinationV1Api);
    await leases.patchNamespacedLease(
      {
        name: lease,
        namespace: LEASE_NAMESPACE,
        body: { spec: { holderIdentity: idB, renewTime: new V1MicroTime(Date.now()) } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor(() => !a.operator.isLeader() && b.operator.isLeader(), {
      what: 'A to stop leading and B to lead',
      timeoutMs: 20_000,
    });
    const invokesBefore = client.count(`token-${idA}`);

    // The stalled call completes now; A's reconcile must already be over and do nothing with it.
    proxy.thaw();
    await waitFor(() => a.logs.some((l) => l.message === 'Controller stopped'), {
      what: 'operator A to finish its reconciles',
      timeoutMs: 30_000,
    });
    expect(client.count(`token-${idA}`), 'invokes by the former leader').to.equal(invokesBefore);
    expect(a.logs.some((l) => l.message === 'Reconcile abandoned: leadership ended')).to.equal(true);
  });
});
