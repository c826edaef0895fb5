// End to end on the cluster tier: the chart installed with the product's images, Pods really
// running. Hello world through the operator's Service; leader failover during a blocking run;
// a rolling `helm upgrade` during a run; `helm uninstall` leaving only the CRD and intents that
// block nothing. The steps build on each other (one release), so they run in order.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import { Agent, fetch } from 'undici';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT, kubectl } from '../../testenv/env.js';
import type { EnvInfo } from '../../testenv/types.js';
import { waitFor } from '../support/env.js';
import { CHART_DIR, helmOk, withValuesFile } from '../integration/chart/helm.js';
import {
  apply,
  freshName,
  getJson,
  log,
  logPodStartTimes,
  sharedCluster,
  waitDeploymentAvailable,
  waitServiceAnswers,
} from './support/cluster.js';
import { chartAppVersion, importProductImages } from './support/product-images.js';

const RELEASE = 'tac';
const FULLNAME = 'tac-tac-operator';
const CLIENT_SERVICE = 'tac-workflow-client'; // the name examples/hello-world expects
const DEPLOYMENTS = [FULLNAME, `${FULLNAME}-workflow-client`, `${FULLNAME}-worker`];
const FINALIZER = 'tac.emco.io/run-cleanup';
const CALLER = 'e2e-caller';

/** A ServiceAccount allowed to fire and poll lifecycle events in `ns`, as a user would grant it. */
function callerRbac(ns: string): Record<string, unknown>[] {
  const meta = { name: CALLER, namespace: ns };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta,
      rules: [
        {
          apiGroups: ['tac.emco.io'],
          resources: ['temporalactionintents', 'temporalactionintents/status'],
          verbs: ['get', 'list', 'update'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: CALLER },
      subjects: [{ kind: 'ServiceAccount', name: CALLER, namespace: ns }],
    },
  ];
}

interface Intent {
  metadata: { name: string; finalizers?: string[] };
  status?: { lastRun?: { phase?: string; workflowId?: string; id?: string } };
}

interface LifecycleOutcome {
  state: string;
  eventId: string;
  intents: { intent: string; phase: string; workflowId?: string }[];
}

async function readIntent(info: EnvInfo, ns: string, name: string): Promise<Intent> {
  return getJson<Intent>(info, ['temporalactionintents.tac.emco.io', name, '-n', ns]);
}

async function waitPhase(
  info: EnvInfo,
  ns: string,
  name: string,
  phase: string,
  timeoutMs = 120_000,
): Promise<Intent> {
  return waitFor(
    async () => {
      const t = await readIntent(info, ns, name);
      return t.status?.lastRun?.phase === phase ? t : undefined;
    },
    { what: `intent ${ns}/${name} phase ${phase}`, timeoutMs, intervalMs: 500 },
  );
}

async function leaseHolder(info: EnvInfo, ns: string): Promise<string> {
  return (
    await kubectl(info, ['get', 'lease', FULLNAME, '-n', ns, '-o', 'jsonpath={.spec.holderIdentity}'])
  ).trim();
}

/** An intent running the worker's `sleep` workflow (a durable timer), blocking its event. */
function sleeperIntent(name: string, dig: string, duration: string): Record<string, unknown> {
  return {
    apiVersion: 'tac.emco.io/v1alpha1',
    kind: 'TemporalActionIntent',
    metadata: { name },
    spec: {
      project: 'proj1',
      compositeApp: 'e2e',
      compositeAppVersion: 'v1',
      deploymentIntentGroup: dig,
      hookType: 'pre-install',
      hookBlocking: true,
      hookBlockingTimeout: '3m',
      workflowClient: { clientEndpointName: CLIENT_SERVICE, clientEndpointPort: 9090 },
      temporal: {
        workflowClientName: 'default',
        workflowStartOptions: { taskQueue: 'sleep' },
        workflowParams: { activityParams: { sleep: { duration } } },
      },
    },
  };
}

describe('cluster tier: the Helm chart end to end', function () {
  this.timeout(600_000);
  const ns = freshName('tac-e2e');
  let operatorUrl = '';
  /** Trusts the chart's generated REST certificate (by its Service name) for the ClusterIP. */
  let tls: Agent | undefined;
  let token = '';
  let temporal: Client;
  let connection: Connection;
  const started = Date.now();

  const eventsUrl = (project: string, app: string, dig: string): string =>
    `${operatorUrl}/tac/v1/projects/${project}/composite-apps/${app}/v1/deployment-intent-groups/${dig}/lifecycle-events`;

  async function fire(
    url: string,
    hookType: string,
    async = false,
  ): Promise<{ status: number; body: LifecycleOutcome }> {
    const res = await fetch(`${url}${async ? '?async=true' : ''}`, {
      method: 'POST',
      ...(tls !== undefined ? { dispatcher: tls } : {}),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ hookType, appContextId: '1234567890999' }),
      signal: AbortSignal.timeout(120_000),
    });
    return { status: res.status, body: (await res.json()) as LifecycleOutcome };
  }

  /** Temporal executions ever started with this workflow id (all runs). */
  async function executions(workflowId: string): Promise<string[]> {
    const found: string[] = [];
    for await (const wf of temporal.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
      found.push(`${wf.runId} ${wf.status.name}`);
    }
    return found;
  }

  async function exactlyOneCompleted(workflowId: string): Promise<void> {
    // Visibility is eventually consistent: wait for the closed status to show, then count.
    const list = await waitFor(
      async () => {
        const l = await executions(workflowId);
        return l.length > 0 && l.every((e) => e.endsWith('COMPLETED')) ? l : undefined;
      },
      { what: `workflow ${workflowId} listed COMPLETED`, timeoutMs: 30_000 },
    );
    expect(list, `executions of ${workflowId}`).to.have.length(1);
  }

  before(async () => {
    const info = sharedCluster();
    connection = await Connection.connect({ address: info.temporalAddress });
    temporal = new Client({ connection, namespace: info.temporalNamespace });
    const importStarted = Date.now();
    await importProductImages(info);
    log(`[cluster-tests] product images imported in ${Date.now() - importStarted} ms`);
  });

  after(async () => {
    await connection?.close();
    await tls?.close();
    log(`[cluster-tests] Helm end-to-end suite took ${Date.now() - started} ms`);
  });

  it('installs the chart with the local images: every Deployment becomes Available with real probes', async () => {
    const info = sharedCluster();
    const tag = await chartAppVersion();
    const image = { tag, pullPolicy: 'IfNotPresent' };
    const values = {
      temporal: { address: info.cluster.temporalAddressForPods, namespace: info.temporalNamespace },
      operator: {
        replicaCount: 2,
        image,
        leaderElection: { leaseDuration: '6s', renewDeadline: '4s', retryPeriod: '1s' },
      },
      workflowClient: { image, service: { name: CLIENT_SERVICE } },
      worker: { image },
    };
    const installStarted = Date.now();
    await withValuesFile(values, (args) =>
      helmOk(['install', RELEASE, CHART_DIR, '--namespace', ns, '--create-namespace', ...args]),
    );
    for (const d of DEPLOYMENTS) await waitDeploymentAvailable(info, ns, d);
    log(`[cluster-tests] helm install to every Deployment Available: ${Date.now() - installStarted} ms`);
    await logPodStartTimes(info, ns, `app.kubernetes.io/instance=${RELEASE}`);
    const svc = await getJson<{ spec: { clusterIP: string } }>(info, ['service', FULLNAME, '-n', ns]);
    // The chart's defaults: REST over TLS with a generated certificate, callers authenticated.
    const ca = Buffer.from(
      await kubectl(info, [
        'get',
        'secret',
        `${FULLNAME}-rest-tls`,
        '-n',
        ns,
        '-o',
        'jsonpath={.data.ca\\.crt}',
      ]),
      'base64',
    );
    tls = new Agent({ connect: { ca, servername: `${FULLNAME}.${ns}.svc` } });
    operatorUrl = `https://${svc.spec.clusterIP}:9064`;
    await waitServiceAnswers(`${operatorUrl}/readyz`, 30_000, tls);
    await apply(info, callerRbac(ns));
    token = (
      await kubectl(info, [
        'create',
        'token',
        CALLER,
        '-n',
        ns,
        '--audience',
        'tac-operator',
        '--duration',
        '1h',
      ])
    ).trim();
  });

  it('answers only authenticated callers by default: no token is 401 over TLS', async () => {
    const res = await fetch(eventsUrl('proj1', 'e2e', 'nobody'), {
      method: 'POST',
      dispatcher: tls,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hookType: 'pre-install' }),
      signal: AbortSignal.timeout(30_000),
    });
    expect(res.status).to.equal(401);
  });

  it('runs every Pod from the imported images, Ready through its readiness probe', async () => {
    const info = sharedCluster();
    const tag = await chartAppVersion();
    const pods = await getJson<{
      items: {
        metadata: { name: string };
        spec: { containers: { readinessProbe?: unknown; image: string }[] };
        status: { conditions: { type: string; status: string }[] };
      }[];
    }>(info, ['pods', '-n', ns, '-l', `app.kubernetes.io/instance=${RELEASE}`]);
    expect(pods.items).to.have.length(4);
    for (const pod of pods.items) {
      const c = pod.spec.containers[0];
      expect(c?.readinessProbe, `readiness probe of ${pod.metadata.name}`).to.not.equal(undefined);
      expect(c?.image).to.match(new RegExp(`^tac-operator/[a-z-]+:${tag.replace(/\./g, '\\.')}$`));
      expect(pod.status.conditions.find((x) => x.type === 'Ready')?.status).to.equal('True');
    }
  });

  it('runs hello world: pre-install and post-install succeed through the operator Service, in the worker Pod', async () => {
    const info = sharedCluster();
    const text = await readFile(path.join(REPO_ROOT, 'examples/hello-world/intents.yaml'), 'utf8');
    await apply(
      info,
      parseAllDocuments(text)
        .map((d) => d.toJS() as Record<string, unknown>)
        .map((o) => ({ ...o, metadata: { ...(o.metadata as object), namespace: ns } })),
    );
    const url = eventsUrl('proj1', 'hello', 'dig1');
    const workflowIds: string[] = [];
    for (const [hook, intent] of [
      ['pre-install', 'hello-pre-install'],
      ['post-install', 'hello-post-install'],
    ] as const) {
      const { status, body } = await fire(url, hook);
      expect(status, JSON.stringify(body)).to.equal(200);
      expect(body.state).to.equal('Succeeded');
      const t = await waitPhase(info, ns, intent, 'Succeeded');
      workflowIds.push(t.status?.lastRun?.workflowId ?? '');
    }
    // The workflow ran in the worker Pod: the worker's identity (pid@hostname = the Pod's name)
    // completed its workflow tasks, and the Pod logged the greeting.
    const workerPods = await getJson<{ items: { metadata: { name: string } }[] }>(info, [
      'pods',
      '-n',
      ns,
      '-l',
      'app.kubernetes.io/component=worker',
    ]);
    const workerPod = workerPods.items[0]?.metadata.name ?? '';
    for (const id of workflowIds) {
      const result: unknown = await temporal.workflow.getHandle(id).result();
      expect(result).to.equal('Hello, EMCO!');
      const history = await temporal.workflow.getHandle(id).fetchHistory();
      const identities = (history.events ?? [])
        .map(
          (e) =>
            e.workflowTaskCompletedEventAttributes?.identity ??
            e.activityTaskStartedEventAttributes?.identity,
        )
        .filter((x): x is string => typeof x === 'string');
      expect(identities.length).to.be.greaterThan(0);
      for (const identity of identities) expect(identity).to.match(new RegExp(`@${workerPod}$`));
    }
    const workerLogs = await kubectl(info, ['logs', '-n', ns, workerPod]);
    expect(workerLogs).to.match(/"message":"Greeting"[^\n]*"name":"EMCO"/);
    // The operator reached the workflow client by its Service's DNS name: CoreDNS answered an
    // operator Pod's query for it, and the workflow client started both workflows.
    const operatorIps = (
      await getJson<{ items: { status: { podIP: string } }[] }>(info, [
        'pods',
        '-n',
        ns,
        '-l',
        'app.kubernetes.io/component=operator',
      ])
    ).items.map((p) => p.status.podIP);
    const dnsLog = await kubectl(info, ['logs', '-n', 'kube-system', 'deployment/coredns']);
    const fqdn = `${CLIENT_SERVICE}.${ns}.svc.${info.cluster.clusterDomain}.`;
    const answered = dnsLog
      .split('\n')
      .filter((l) => l.includes(`"A IN ${fqdn} `) && l.includes('NOERROR'))
      .some((l) => operatorIps.some((ip) => l.includes(` ${ip}:`)));
    expect(answered, `CoreDNS log has an operator Pod's query for ${fqdn}`).to.equal(true);
    const clientLogs = await kubectl(info, ['logs', '-n', ns, `deployment/${FULLNAME}-workflow-client`]);
    for (const id of workflowIds) expect(clientLogs).to.include(`"workflowId":"${id}"`);
  });

  it('fails over: the leader Pod is deleted during a blocking run, the other replica ends it once', async () => {
    const info = sharedCluster();
    const dig = 'dig-failover';
    await apply(info, [
      { ...sleeperIntent('failover', dig, '20s'), metadata: { name: 'failover', namespace: ns } },
    ]);
    const { status, body } = await fire(eventsUrl('proj1', 'e2e', dig), 'pre-install', true);
    expect(status, JSON.stringify(body)).to.equal(202);
    const running = await waitPhase(info, ns, 'failover', 'Running', 60_000);
    const workflowId = running.status?.lastRun?.workflowId ?? '';
    const leader = await leaseHolder(info, ns);
    expect(leader).to.match(new RegExp(`^${FULLNAME}-`));
    await kubectl(info, ['delete', 'pod', leader, '-n', ns, '--wait=false']);
    const next = await waitFor(
      async () => {
        const h = await leaseHolder(info, ns);
        return h !== '' && h !== leader ? h : undefined;
      },
      { what: 'another replica holding the Lease', timeoutMs: 60_000, intervalMs: 500 },
    );
    log(`[cluster-tests] leader ${leader} deleted; ${next} took over`);
    const done = await waitPhase(info, ns, 'failover', 'Succeeded', 120_000);
    expect(done.status?.lastRun?.workflowId).to.equal(workflowId);
    await exactlyOneCompleted(workflowId);
    // The event's outcome lived in the memory of the replica that took the POST (docs/rest-api.md),
    // possibly the deleted one; the intent's status above is the record that survives.
    await waitDeploymentAvailable(info, ns, FULLNAME);
  });

  it('rolls every Pod on helm upgrade of a value without losing a run in flight', async () => {
    const info = sharedCluster();
    const dig = 'dig-upgrade';
    await apply(info, [
      { ...sleeperIntent('upgrade', dig, '15s'), metadata: { name: 'upgrade', namespace: ns } },
    ]);
    const before = await getJson<{ items: { metadata: { name: string } }[] }>(info, [
      'pods',
      '-n',
      ns,
      '-l',
      `app.kubernetes.io/instance=${RELEASE}`,
    ]);
    const { status, body } = await fire(eventsUrl('proj1', 'e2e', dig), 'pre-install', true);
    expect(status, JSON.stringify(body)).to.equal(202);
    const running = await waitPhase(info, ns, 'upgrade', 'Running', 60_000);
    const workflowId = running.status?.lastRun?.workflowId ?? '';
    const upgradeStarted = Date.now();
    await helmOk([
      'upgrade',
      RELEASE,
      CHART_DIR,
      '--namespace',
      ns,
      '--reuse-values',
      '--set',
      'operator.logLevel=debug,workflowClient.logLevel=debug,worker.logLevel=debug',
    ]);
    for (const d of DEPLOYMENTS) await waitDeploymentAvailable(info, ns, d);
    log(
      `[cluster-tests] helm upgrade to every Deployment rolled and Available: ${Date.now() - upgradeStarted} ms`,
    );
    const oldNames = new Set(before.items.map((p) => p.metadata.name));
    const after = await getJson<{
      items: {
        metadata: { name: string; deletionTimestamp?: string };
        spec: { containers: { env?: { name: string; value?: string }[] }[] };
      }[];
    }>(info, ['pods', '-n', ns, '-l', `app.kubernetes.io/instance=${RELEASE}`]);
    const live = after.items.filter((p) => p.metadata.deletionTimestamp === undefined);
    expect(live.length).to.equal(4);
    for (const pod of live) {
      expect(oldNames.has(pod.metadata.name), `${pod.metadata.name} was rolled`).to.equal(false);
      const env = pod.spec.containers[0]?.env ?? [];
      expect(env.find((e) => e.name === 'LOG_LEVEL')?.value).to.equal('debug');
    }
    const done = await waitPhase(info, ns, 'upgrade', 'Succeeded', 120_000);
    expect(done.status?.lastRun?.workflowId).to.equal(workflowId);
    await exactlyOneCompleted(workflowId);
  });

  it('helm uninstall leaves only the CRD and intents, and those block no deletion', async () => {
    const info = sharedCluster();
    await helmOk(['uninstall', RELEASE, '--namespace', ns, '--wait', '--timeout', '3m']);
    const selector = `app.kubernetes.io/instance=${RELEASE}`;
    const namespaced = await kubectl(info, [
      'get',
      'deployments,replicasets,services,serviceaccounts,configmaps,secrets,roles,rolebindings,poddisruptionbudgets,networkpolicies',
      '-n',
      ns,
      '-l',
      selector,
      '-o',
      'name',
    ]);
    expect(namespaced.trim()).to.equal('');
    const clusterWide = await kubectl(info, [
      'get',
      'clusterroles,clusterrolebindings',
      '-l',
      selector,
      '-o',
      'name',
    ]);
    expect(clusterWide.trim()).to.equal('');
    await kubectl(info, ['get', 'crd', 'temporalactionintents.tac.emco.io']);
    const left = await getJson<{ items: Intent[] }>(info, ['temporalactionintents.tac.emco.io', '-n', ns]);
    expect(left.items.map((i) => i.metadata.name).sort()).to.deep.equal([
      'failover',
      'hello-post-install',
      'hello-pre-install',
      'upgrade',
    ]);
    for (const i of left.items)
      expect(i.metadata.finalizers ?? [], i.metadata.name).to.not.include(FINALIZER);
    const deleteStarted = Date.now();
    await kubectl(info, ['delete', 'namespace', ns, '--timeout=90s']);
    log(`[cluster-tests] namespace with the intents left behind deleted in ${Date.now() - deleteStarted} ms`);
  });
});
