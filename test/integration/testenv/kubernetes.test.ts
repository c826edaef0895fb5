import { expect } from 'chai';
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  RbacAuthorizationV1Api,
  CoreV1Api,
  ApiException,
} from '@kubernetes/client-node';
import { kubeConfig, testEnv, uniqueName, waitFor } from '../../support/env.js';

const GROUP = 'testenv.tac.emco.io';

function widgetCrd(plural: string) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { plural, singular: plural.slice(0, -1), kind: `W${plural.slice(1, -1)}` },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
            },
          },
        },
      ],
    },
  };
}

describe('test environment: Kubernetes API server', () => {
  it('applies a CRD, waits until Established, and creates and reads back a custom object', async () => {
    const plural = uniqueName('widgets').replace(/-/g, '') + 's';
    const ext = kubeConfig().makeApiClient(ApiextensionsV1Api);
    await ext.createCustomResourceDefinition({ body: widgetCrd(plural) });
    await waitFor(
      async () => {
        const crd = await ext.readCustomResourceDefinition({ name: `${plural}.${GROUP}` });
        return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      },
      { what: 'the CRD to be Established' },
    );
    const objects = kubeConfig().makeApiClient(CustomObjectsApi);
    const name = uniqueName('w');
    await waitFor(
      async () => {
        await objects.createNamespacedCustomObject({
          group: GROUP,
          version: 'v1',
          namespace: 'default',
          plural,
          body: {
            apiVersion: `${GROUP}/v1`,
            kind: `W${plural.slice(1, -1)}`,
            metadata: { name },
            spec: { size: 3 },
          },
        });
        return true;
      },
      { what: 'the new resource to be served' },
    );
    const read = (await objects.getNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: 'default',
      plural,
      name,
    })) as {
      spec: { size: number };
    };
    expect(read.spec.size).to.equal(3);
  });

  it('enforces RBAC: a ServiceAccount without a binding gets 403, and succeeds after a RoleBinding', async () => {
    const ns = uniqueName('rbac');
    const admin = kubeConfig().makeApiClient(CoreV1Api);
    await admin.createNamespace({ body: { metadata: { name: ns } } });
    const asNobody = kubeConfig('nobody').makeApiClient(CoreV1Api);
    try {
      await asNobody.listNamespacedConfigMap({ namespace: ns });
      expect.fail('listing configmaps without a binding should be forbidden');
    } catch (err) {
      expect(err).to.be.instanceOf(ApiException);
      expect((err as ApiException<unknown>).code).to.equal(403);
    }
    const rbac = kubeConfig().makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: ns,
      body: {
        metadata: { name: 'cm-reader' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'nobody-reads' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-reader' },
        subjects: [{ kind: 'User', name: testEnv().identities.nobody?.user ?? '' }],
      },
    });
    const list = await waitFor(() => asNobody.listNamespacedConfigMap({ namespace: ns }), {
      what: 'the RoleBinding to take effect',
    });
    expect(list.items).to.be.an('array');
  });
});
