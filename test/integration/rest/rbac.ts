// Real identities for the REST security tests: ServiceAccounts with tokens from the TokenRequest
// API (for a chosen audience), Roles with RoleBindings (resourceNames included), and client
// certificates signed by a test CA with the openssl CLI.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, RbacAuthorizationV1Api, type V1PolicyRule } from '@kubernetes/client-node';
import { kubeConfig } from '../../support/env.js';

const run = promisify(execFile);

/** Creates the namespace (admin). */
export async function createNamespace(name: string): Promise<void> {
  await kubeConfig()
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name } } });
}

/** A ServiceAccount and a token for it from the TokenRequest API, issued for `audiences`. */
export async function serviceAccountToken(
  namespace: string,
  name: string,
  audiences: string[],
): Promise<{ user: string; token: string }> {
  const core = kubeConfig().makeApiClient(CoreV1Api);
  try {
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err;
  }
  const request = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences, expirationSeconds: 3600 } },
  });
  const token = request.status?.token;
  if (token === undefined) throw new Error(`TokenRequest for ${namespace}/${name} returned no token`);
  return { user: `system:serviceaccount:${namespace}:${name}`, token };
}

export type Subject =
  { kind: 'ServiceAccount'; namespace: string; name: string } | { kind: 'User'; name: string };

/** A Role with `rules` and a RoleBinding of it to `subject`, both named `name`. */
export async function grant(
  namespace: string,
  name: string,
  rules: V1PolicyRule[],
  subject: Subject,
): Promise<void> {
  const rbac = kubeConfig().makeApiClient(RbacAuthorizationV1Api);
  await rbac.createNamespacedRole({ namespace, body: { metadata: { name }, rules } });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [
        subject.kind === 'User'
          ? { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: subject.name }
          : { kind: 'ServiceAccount', namespace: subject.namespace, name: subject.name },
      ],
    },
  });
}

/** A rule on TAC intents (and the given subresources). */
export function tacRule(verbs: string[], resources: string[], resourceNames?: string[]): V1PolicyRule {
  return {
    apiGroups: ['tac.emco.io'],
    resources,
    verbs,
    ...(resourceNames !== undefined ? { resourceNames } : {}),
  };
}

/** A client certificate (PEM cert and key) for `subject`, signed by the CA in `dir` (ca.crt/ca.key). */
export async function clientCertificate(
  dir: string,
  file: string,
  subject: string,
): Promise<{ cert: string; key: string }> {
  const p = (ext: string): string => path.join(dir, `${file}.${ext}`);
  await writeFile(path.join(dir, 'client-auth.ext'), 'extendedKeyUsage=clientAuth\n');
  const openssl = async (args: string[]): Promise<void> => {
    try {
      await run('openssl', args, { cwd: dir });
    } catch (err) {
      throw new Error(`openssl ${args[0] ?? ''} failed`, { cause: err });
    }
  };
  await openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    p('key'),
    '-out',
    p('csr'),
    '-subj',
    subject,
  ]);
  await openssl([
    'x509',
    '-req',
    '-in',
    p('csr'),
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    p('crt'),
    '-days',
    '1',
    '-extfile',
    'client-auth.ext',
  ]);
  return { cert: await readFile(p('crt'), 'utf8'), key: await readFile(p('key'), 'utf8') };
}
