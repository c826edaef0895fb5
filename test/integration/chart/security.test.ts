import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { container, ofKind, parseObjects, podSpec, render, REPO_ROOT, type K8sObject } from './helm.js';
import { everythingOn } from './values-fixtures.js';

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const RBAC_KINDS = new Set(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);

/** Value combinations the security properties must hold under. */
const VARIANTS: Record<string, Record<string, unknown>> = {
  defaults: {},
  'everything on': everythingOn(),
  'watching two namespaces with REST auth': {
    operator: { watchNamespaces: ['a', 'b'], rest: { auth: { enabled: true } } },
  },
};

async function deployRbac(): Promise<K8sObject[]> {
  const dir = path.join(REPO_ROOT, 'deploy', 'rbac');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const objects: K8sObject[] = [];
  for (const f of files) objects.push(...parseObjects(await readFile(path.join(dir, f), 'utf8')));
  return objects;
}

/** The parts of an RBAC object that decide what it grants, with a stable order. */
function grants(o: K8sObject): unknown {
  const sortRule = (r: Rule): string => JSON.stringify(r);
  return {
    kind: o.kind,
    name: o.metadata.name,
    namespace: o.metadata.namespace ?? null,
    rules: ((o.rules as Rule[] | undefined) ?? []).map(sortRule).sort(),
    roleRef: o.roleRef ?? null,
    subjects: o.subjects ?? null,
  };
}

function byKindAndName(a: K8sObject, b: K8sObject): number {
  return `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`);
}

describe('chart: security', () => {
  for (const [variant, values] of Object.entries(VARIANTS)) {
    describe(variant, () => {
      let objects: K8sObject[];
      before(async () => {
        objects = await render(values);
      });

      it('runs every pod non-root with seccomp RuntimeDefault and no host namespaces', () => {
        const deployments = ofKind(objects, 'Deployment');
        expect(deployments).to.have.length(3);
        for (const d of deployments) {
          const pod = podSpec(d);
          expect(pod.securityContext, d.metadata.name).to.deep.include({
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
          });
          expect(pod.hostNetwork ?? false).to.equal(false);
          expect(pod.hostPID ?? false).to.equal(false);
          expect(pod.hostIPC ?? false).to.equal(false);
        }
      });

      it('gives every container a read-only root, no privilege escalation, no capabilities and a /tmp emptyDir', () => {
        for (const d of ofKind(objects, 'Deployment')) {
          const pod = podSpec(d);
          for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
            expect(c.securityContext, `${d.metadata.name}/${c.name}`).to.deep.include({
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
              capabilities: { drop: ['ALL'] },
            });
            const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
            expect(tmp, `${c.name} /tmp mount`).to.not.equal(undefined);
            const volume = pod.volumes?.find((v) => v.name === tmp?.name);
            expect(volume?.emptyDir, `${c.name} /tmp volume`).to.be.an('object');
          }
        }
      });

      it('mounts a ServiceAccount token only into the operator', () => {
        for (const d of ofKind(objects, 'Deployment')) {
          const component = d.metadata.labels?.['app.kubernetes.io/component'];
          expect(podSpec(d).automountServiceAccountToken, component).to.equal(component === 'operator');
        }
      });

      it('grants no wildcard verb, resource or API group, and no non-resource URLs', () => {
        const roles = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role');
        expect(roles.length).to.be.greaterThan(0);
        for (const role of roles) {
          for (const rule of (role.rules as Rule[] | undefined) ?? []) {
            const where = `${role.kind}/${role.metadata.name}`;
            expect(rule.verbs, where).to.not.include('*');
            expect(rule.resources ?? [], where).to.not.include('*');
            expect(rule.apiGroups ?? [], where).to.not.include('*');
            expect(rule.nonResourceURLs, where).to.equal(undefined);
          }
        }
      });

      it('grants nothing on Secrets, ConfigMaps, Pods or RBAC itself', () => {
        const forbidden = [
          'secrets',
          'configmaps',
          'pods',
          'roles',
          'clusterroles',
          'rolebindings',
          'clusterrolebindings',
        ];
        for (const role of objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')) {
          for (const rule of (role.rules as Rule[] | undefined) ?? []) {
            expect(rule.resources ?? []).to.not.include.any.members(forbidden);
          }
        }
      });
    });
  }

  it('renders exactly the RBAC of deploy/rbac/ for release tac-operator in tac-system', async () => {
    const chart = (await render({ operator: { rest: { auth: { enabled: true } } } }))
      .filter((o) => RBAC_KINDS.has(o.kind))
      .sort(byKindAndName);
    const plain = (await deployRbac()).filter((o) => RBAC_KINDS.has(o.kind)).sort(byKindAndName);
    expect(plain.length).to.equal(6);
    expect(chart.map(grants)).to.deep.equal(plain.map(grants));
  });

  it('binds deploy/rbac/ to the ServiceAccount the chart creates', async () => {
    const chart = await render();
    const plain = await deployRbac();
    const name = (o: K8sObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const chartSa = ofKind(chart, 'ServiceAccount').find((o) => o.metadata.name === 'tac-operator');
    expect(chartSa && name(chartSa)).to.equal('tac-system/tac-operator');
    expect(ofKind(plain, 'ServiceAccount').map(name)).to.deep.equal(['tac-system/tac-operator']);
    expect(ofKind(plain, 'Namespace').map((o) => o.metadata.name)).to.deep.equal(['tac-system']);
    const operator = ofKind(chart, 'Deployment').find((d) => d.metadata.name === 'tac-operator');
    expect(operator && podSpec(operator).serviceAccountName).to.equal('tac-operator');
    expect(operator && container(operator).name).to.equal('operator');
  });
});
