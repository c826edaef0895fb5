import {
  ApiException,
  ApiextensionsV1Api,
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  type V1ResourceAttributes,
} from '@kubernetes/client-node';
import { expect } from 'chai';
import { kubeConfig, uniqueName, waitFor } from '../../support/env.js';
import { CHART_DIR, envOf, find, helm, helmOk, render, withValuesFile, type K8sObject } from './helm.js';

const CRD_NAME = 'temporalactionintents.tac.emco.io';

/** Installed values: every optional object the API server can hold (no ServiceMonitor: no such CRD here). */
function installValues(): Record<string, unknown> {
  return {
    operator: { replicaCount: 2, rest: { auth: { enabled: true } }, podDisruptionBudget: { enabled: true } },
    workflowClient: { config: { clients: { hello: { taskQueue: 'HELLO_WORLD' } } } },
    networkPolicy: { enabled: true },
  };
}

/** Upgraded values: fewer replicas, no worker, no NetworkPolicies, a different log level. */
function upgradeValues(): Record<string, unknown> {
  return {
    operator: { replicaCount: 3, logLevel: 'debug', rest: { auth: { enabled: true } } },
    worker: { enabled: false },
  };
}

function isNotFound(err: unknown): boolean {
  return err instanceof ApiException && err.code === 404;
}

describe('chart: helm install, upgrade and uninstall on the API server', () => {
  const release = uniqueName('tacchart');
  const namespace = uniqueName('tac-chart');
  let objects: KubernetesObjectApi;
  let installed: K8sObject[] = [];

  async function exists(o: K8sObject): Promise<boolean> {
    try {
      await objects.read({
        apiVersion: o.apiVersion,
        kind: o.kind,
        metadata: { name: o.metadata.name, namespace: o.metadata.namespace },
      });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async function missing(list: K8sObject[]): Promise<string[]> {
    const out: string[] = [];
    for (const o of list) if (!(await exists(o))) out.push(`${o.kind}/${o.metadata.name}`);
    return out;
  }

  async function present(list: K8sObject[]): Promise<string[]> {
    const out: string[] = [];
    for (const o of list) if (await exists(o)) out.push(`${o.kind}/${o.metadata.name}`);
    return out;
  }

  async function allowed(attributes: V1ResourceAttributes): Promise<boolean> {
    const api = kubeConfig('admin').makeApiClient(AuthorizationV1Api);
    const review = await api.createSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: `system:serviceaccount:${namespace}:${release}-tac-operator`,
          groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
          resourceAttributes: attributes,
        },
      },
    });
    return review.status?.allowed === true;
  }

  before(() => {
    objects = KubernetesObjectApi.makeApiClient(kubeConfig('admin'));
  });

  after(async function () {
    this.timeout(60_000);
    // Clean up a release a failed test left behind; "not found" after a passing run is expected.
    const result = await helm(['uninstall', release, '--namespace', namespace]);
    if (result.code !== 0 && !/not found/i.test(result.stderr)) {
      throw new Error(`cleanup: helm uninstall failed: ${result.stderr}`);
    }
  });

  it('installs: the CRD becomes Established and every rendered object exists', async () => {
    installed = await render(installValues(), { release, namespace });
    await withValuesFile(installValues(), (valuesArgs) =>
      helmOk(['install', release, CHART_DIR, '--namespace', namespace, '--create-namespace', ...valuesArgs]),
    );
    const crds = kubeConfig('admin').makeApiClient(ApiextensionsV1Api);
    await waitFor(
      async () => {
        const crd = await crds.readCustomResourceDefinition({ name: CRD_NAME });
        return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      },
      { what: `CRD ${CRD_NAME} Established`, timeoutMs: 30_000 },
    );
    expect(installed.length).to.be.greaterThan(10);
    expect(await missing(installed)).to.deep.equal([]);
    const status = await helmOk(['status', release, '--namespace', namespace, '-o', 'json']);
    expect((JSON.parse(status.stdout) as { info: { status: string } }).info.status).to.equal('deployed');
  });

  it("lets the operator's ServiceAccount do what it needs and nothing else", async () => {
    const group = 'tac.emco.io';
    const elsewhere = uniqueName('other');
    // Intents and Events in any namespace (ClusterRole), Leases only in the release namespace.
    expect(
      await allowed({ group, resource: 'temporalactionintents', verb: 'watch', namespace: elsewhere }),
    ).to.equal(true);
    expect(
      await allowed({ group, resource: 'temporalactionintents', verb: 'delete', namespace: elsewhere }),
    ).to.equal(true);
    expect(
      await allowed({
        group,
        resource: 'temporalactionintents',
        subresource: 'status',
        verb: 'patch',
        namespace: elsewhere,
      }),
    ).to.equal(true);
    expect(
      await allowed({
        group,
        resource: 'temporalactionintents',
        subresource: 'finalizers',
        verb: 'update',
        namespace: elsewhere,
      }),
    ).to.equal(true);
    expect(
      await allowed({ group: 'events.k8s.io', resource: 'events', verb: 'create', namespace: elsewhere }),
    ).to.equal(true);
    expect(await allowed({ group: '', resource: 'events', verb: 'patch', namespace: elsewhere })).to.equal(
      true,
    );
    expect(
      await allowed({ group: 'coordination.k8s.io', resource: 'leases', verb: 'update', namespace }),
    ).to.equal(true);
    expect(
      await allowed({ group: 'authentication.k8s.io', resource: 'tokenreviews', verb: 'create' }),
    ).to.equal(true);
    expect(
      await allowed({ group: 'authorization.k8s.io', resource: 'subjectaccessreviews', verb: 'create' }),
    ).to.equal(true);

    expect(
      await allowed({
        group: 'coordination.k8s.io',
        resource: 'leases',
        verb: 'update',
        namespace: elsewhere,
      }),
    ).to.equal(false);
    expect(await allowed({ group: '', resource: 'secrets', verb: 'get', namespace })).to.equal(false);
    expect(await allowed({ group: '', resource: 'events', verb: 'delete', namespace })).to.equal(false);
    expect(
      await allowed({
        group,
        resource: 'temporalactionintents',
        subresource: 'status',
        verb: 'delete',
        namespace,
      }),
    ).to.equal(false);
    expect(
      await allowed({ group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', verb: 'update' }),
    ).to.equal(false);
  });

  async function clientToken(): Promise<string | undefined> {
    const secret = await kubeConfig('admin')
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({ name: `${release}-tac-operator-workflow-client-token`, namespace });
    return secret.data?.['token'];
  }

  it('upgrades with changed values: replicas and env change, disabled objects go away', async () => {
    expect(installed.length, 'install ran').to.be.greaterThan(0);
    const tokenBefore = await clientToken();
    expect(tokenBefore, 'the generated workflow-client token').to.be.a('string').and.not.equal('');
    const upgraded = await render(upgradeValues(), { release, namespace });
    const core = kubeConfig('admin').makeApiClient(CoreV1Api);
    const restTls = { name: `${release}-tac-operator-rest-tls`, namespace };
    const before = (await core.readNamespacedSecret(restTls)).data?.['tls.crt'];
    await withValuesFile(upgradeValues(), (valuesArgs) =>
      helmOk(['upgrade', release, CHART_DIR, '--namespace', namespace, ...valuesArgs]),
    );
    // The generated REST serving certificate survives the upgrade (clients keep trusting it).
    expect(before).to.be.a('string');
    expect((await core.readNamespacedSecret(restTls)).data?.['tls.crt']).to.equal(before);
    expect(await missing(upgraded)).to.deep.equal([]);
    const key = (o: K8sObject): string => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const kept = new Set(upgraded.map(key));
    const dropped = installed.filter((o) => !kept.has(key(o)));
    expect(dropped.map((o) => o.kind)).to.include.members([
      'NetworkPolicy',
      'PodDisruptionBudget',
      'ConfigMap',
      'Deployment',
    ]);
    await waitFor(async () => (await present(dropped)).length === 0, {
      what: `objects dropped by the upgrade to be deleted: ${dropped.map(key).join(', ')}`,
      timeoutMs: 30_000,
    });

    const apps = kubeConfig('admin').makeApiClient(AppsV1Api);
    const operator = await apps.readNamespacedDeployment({ name: `${release}-tac-operator`, namespace });
    expect(operator.spec?.replicas).to.equal(3);
    const logLevel = operator.spec?.template.spec?.containers[0]?.env?.find((e) => e.name === 'LOG_LEVEL');
    expect(logLevel?.value).to.equal('debug');
    expect(envOf(find(upgraded, 'Deployment', `${release}-tac-operator`)).get('LOG_LEVEL')).to.equal('debug');
    // The generated workflow-client token survives the upgrade (read back with lookup).
    expect(await clientToken()).to.equal(tokenBefore);
    const history = await helmOk(['history', release, '--namespace', namespace, '-o', 'json']);
    expect((JSON.parse(history.stdout) as unknown[]).length).to.equal(2);
  });

  it('uninstalls: every object of the release is gone, the CRD stays', async () => {
    const upgraded = await render(upgradeValues(), { release, namespace });
    await helmOk(['uninstall', release, '--namespace', namespace]);
    await waitFor(async () => (await present(upgraded)).length === 0, {
      what: 'every object of the release to be deleted',
      timeoutMs: 30_000,
    });
    const crds = kubeConfig('admin').makeApiClient(ApiextensionsV1Api);
    const crd = await crds.readCustomResourceDefinition({ name: CRD_NAME });
    expect(crd.metadata?.name).to.equal(CRD_NAME);
    const list = await helmOk(['list', '--namespace', namespace, '-o', 'json']);
    expect(JSON.parse(list.stdout)).to.deep.equal([]);
  });
});
