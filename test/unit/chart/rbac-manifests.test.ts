import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';

const RBAC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../deploy/rbac');

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace: string }[];
}

const files = readdirSync(RBAC_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const manifests: Manifest[] = files.flatMap((f) =>
  parseAllDocuments(readFileSync(path.join(RBAC_DIR, f), 'utf8')).map((d) => d.toJS() as Manifest),
);

function get(kind: string, name: string): Manifest {
  const m = manifests.find((x) => x.kind === kind && x.metadata.name === name);
  if (m === undefined) throw new Error(`deploy/rbac has no ${kind}/${name}`);
  return m;
}

/** Every (group, resource, verb) a role grants, as `group/resource:verb`. */
function grants(m: Manifest): string[] {
  return (m.rules ?? [])
    .flatMap((r) =>
      r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res}:${v}`))),
    )
    .sort();
}

describe('deploy/rbac manifests', () => {
  it('apply in order: the Namespace first, then the ServiceAccount, then roles before bindings', () => {
    expect(files[0]).to.equal('00-namespace.yaml');
    expect(manifests.map((m) => m.kind)).to.deep.equal([
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
      'ClusterRole',
      'ClusterRoleBinding',
    ]);
  });

  it('grant exactly the operator’s needs on intents, status, finalizers and Events', () => {
    const crud = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
    expect(grants(get('ClusterRole', 'tac-operator'))).to.deep.equal(
      [
        ...crud.map((v) => `tac.emco.io/temporalactionintents:${v}`),
        ...['get', 'patch', 'update'].map((v) => `tac.emco.io/temporalactionintents/status:${v}`),
        'tac.emco.io/temporalactionintents/finalizers:update',
        '/events:create',
        '/events:patch',
        'events.k8s.io/events:create',
        'events.k8s.io/events:patch',
      ].sort(),
    );
  });

  it('grant Leases only in tac-system, and reviews only through the REST-auth role', () => {
    const lease = get('Role', 'tac-operator-leader-election');
    expect(lease.metadata.namespace).to.equal('tac-system');
    expect(grants(lease)).to.deep.equal([
      'coordination.k8s.io/leases:create',
      'coordination.k8s.io/leases:get',
      'coordination.k8s.io/leases:update',
    ]);
    expect(grants(get('ClusterRole', 'tac-operator-rest-auth'))).to.deep.equal([
      'authentication.k8s.io/tokenreviews:create',
      'authorization.k8s.io/subjectaccessreviews:create',
    ]);
  });

  it('contain no wildcard anywhere', () => {
    for (const m of manifests) {
      for (const g of grants(m)) expect(g, `${m.kind}/${m.metadata.name}`).to.not.contain('*');
    }
  });

  it('bind every role to ServiceAccount tac-system/tac-operator', () => {
    const bindings = manifests.filter((m) => m.kind.endsWith('Binding'));
    expect(bindings).to.have.length(3);
    for (const b of bindings) {
      expect(b.subjects).to.deep.equal([
        { kind: 'ServiceAccount', name: 'tac-operator', namespace: 'tac-system' },
      ]);
      const role = get(b.roleRef?.kind ?? '', b.roleRef?.name ?? '');
      expect(role.metadata.name).to.equal(b.metadata.name);
    }
  });
});
