// Owns the static-token identities of the local API server: an admin, and ServiceAccount users
// that tests bind with real RBAC (the operator's own identity among them).
import { randomBytes } from 'node:crypto';
import type { Identity } from './types.js';

export interface IdentitySpec {
  name: string;
  /** `namespace/serviceaccount` for a ServiceAccount user, or `admin` for system:masters. */
  serviceAccount?: string;
}

/** Identities every environment has. `operator` is the ServiceAccount the chart and deploy/rbac bind. */
export const DEFAULT_IDENTITIES: IdentitySpec[] = [
  { name: 'admin' },
  { name: 'operator', serviceAccount: 'tac-system/tac-operator' },
  /** The ServiceAccount the Helm chart creates for release `tac-chart` in namespace `tac-chart`. */
  { name: 'chart-operator', serviceAccount: 'tac-chart/tac-chart-tac-operator' },
  { name: 'alice', serviceAccount: 'tac-test/alice' },
  { name: 'bob', serviceAccount: 'tac-test/bob' },
  { name: 'nobody', serviceAccount: 'default/nobody' },
];

export function makeIdentities(specs: IdentitySpec[]): Record<string, Identity> {
  const out: Record<string, Identity> = {};
  for (const spec of specs) {
    const token = randomBytes(24).toString('hex');
    if (spec.serviceAccount === undefined) {
      out[spec.name] = { name: spec.name, user: 'tac-admin', groups: ['system:masters'], token };
      continue;
    }
    const [ns, sa] = spec.serviceAccount.split('/');
    if (ns === undefined || sa === undefined || ns === '' || sa === '') {
      throw new Error(
        `identity ${spec.name}: serviceAccount must be namespace/name, got ${spec.serviceAccount}`,
      );
    }
    out[spec.name] = {
      name: spec.name,
      user: `system:serviceaccount:${ns}:${sa}`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
      token,
    };
  }
  return out;
}

/** The kube-apiserver `--token-auth-file` text: token,user,uid,"group1,group2". */
export function tokenFile(identities: Record<string, Identity>): string {
  return Object.values(identities)
    .map((id) => `${id.token},${id.user},${id.user},"${id.groups.join(',')}"`)
    .join('\n')
    .concat('\n');
}

/** A kubeconfig with one context per identity, current context `admin`. */
export function kubeconfigYaml(server: string, caPath: string, identities: Record<string, Identity>): string {
  const ids = Object.values(identities);
  const lines = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: tac-testenv',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority: ${caPath}`,
    'users:',
    ...ids.flatMap((id) => [`- name: ${id.name}`, '  user:', `    token: ${id.token}`]),
    'contexts:',
    ...ids.flatMap((id) => [
      `- name: ${id.name}`,
      '  context:',
      '    cluster: tac-testenv',
      `    user: ${id.name}`,
    ]),
    'current-context: admin',
  ];
  return lines.join('\n') + '\n';
}
