// Owns the chart tests' access to the provisioned helm binary: running it hermetically (its own
// config/cache dirs, the test environment's kubeconfig), rendering the chart with given values, and
// picking objects out of the rendered stream.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import { testEnv } from '../../support/env.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CHART_DIR = path.join(REPO_ROOT, 'charts', 'tac-operator');

/** A rendered Kubernetes object, loosely typed: tests read fields through the accessors below. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs helm; never throws for a non-zero exit (the result carries the code and stderr). */
export async function helm(args: string[]): Promise<HelmResult> {
  const env = testEnv();
  return new Promise((resolve, reject) => {
    execFile(
      env.helmPath,
      [...args, '--kubeconfig', env.kubeconfigPath],
      {
        maxBuffer: 32 * 1024 * 1024,
        env: {
          ...process.env,
          HELM_CACHE_HOME: path.join(env.workDir, 'helm-cache'),
          HELM_CONFIG_HOME: path.join(env.workDir, 'helm-config'),
          HELM_DATA_HOME: path.join(env.workDir, 'helm-data'),
        },
      },
      (err, stdout, stderr) => {
        if (err !== null && typeof err.code !== 'number') {
          reject(new Error(`cannot run helm ${args[0] ?? ''}: ${err.message}`, { cause: err }));
          return;
        }
        resolve({ code: err === null ? 0 : Number(err.code), stdout, stderr });
      },
    );
  });
}

/** Runs helm and throws, with its stderr, unless it exits 0. */
export async function helmOk(args: string[]): Promise<HelmResult> {
  const result = await helm(args);
  if (result.code !== 0) {
    throw new Error(`helm ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  }
  return result;
}

/** Writes values to a temporary file and passes it to `fn` as helm arguments (`-f file`). */
export async function withValuesFile<T>(
  values: Record<string, unknown>,
  fn: (valuesArgs: string[]) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tac-chart-'));
  try {
    const file = path.join(dir, 'values.yaml');
    await writeFile(file, stringify(values));
    return await fn(['-f', file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface RenderOptions {
  release?: string;
  namespace?: string;
}

/** `helm template` with the given values; returns the result without judging it. */
export async function template(
  values: Record<string, unknown> = {},
  options: RenderOptions = {},
): Promise<HelmResult> {
  return withValuesFile(values, (valuesArgs) =>
    helm([
      'template',
      options.release ?? 'tac-operator',
      CHART_DIR,
      '--namespace',
      options.namespace ?? 'tac-system',
      ...valuesArgs,
    ]),
  );
}

/** Renders the chart (templates only, as `helm template` prints them) and parses every object. */
export async function render(
  values: Record<string, unknown> = {},
  options: RenderOptions = {},
): Promise<K8sObject[]> {
  const result = await template(values, options);
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseObjects(result.stdout);
}

/** Parses a multi-document YAML stream into objects, skipping empty documents. */
export function parseObjects(text: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`unparsable YAML: ${doc.errors[0]?.message ?? ''}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    out.push(value as K8sObject);
  }
  return out;
}

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** The one object of that kind and name; throws when absent, so tests fail with a clear message. */
export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) {
    const have = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`no ${kind}/${name} rendered; rendered: ${have}`);
  }
  return found;
}

/** `kind/name` of every object, sorted; handy for comparing what a toggle adds or removes. */
export function names(objects: K8sObject[]): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

export interface Container {
  name: string;
  image: string;
  env?: EnvVar[];
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  livenessProbe?: Record<string, unknown>;
  readinessProbe?: Record<string, unknown>;
  startupProbe?: Record<string, unknown>;
  resources?: Record<string, unknown>;
  ports?: { name: string; containerPort: number }[];
}

export interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: Record<string, unknown>;
  containers: Container[];
  initContainers?: Container[];
  volumes?: {
    name: string;
    emptyDir?: Record<string, unknown>;
    secret?: { secretName: string; items?: { key: string; path: string }[] };
    configMap?: { name: string };
  }[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
}

/** The pod spec of a Deployment. */
export function podSpec(deployment: K8sObject): PodSpec {
  const spec = deployment.spec as { template: { spec: PodSpec } };
  return spec.template.spec;
}

/** The pod template's annotations of a Deployment. */
export function podAnnotations(deployment: K8sObject): Record<string, string> {
  const spec = deployment.spec as { template: { metadata: { annotations?: Record<string, string> } } };
  return spec.template.metadata.annotations ?? {};
}

/** The first container of a Deployment (every Deployment of the chart has exactly one). */
export function container(deployment: K8sObject): Container {
  const first = podSpec(deployment).containers[0];
  if (first === undefined) throw new Error(`${deployment.metadata.name} has no container`);
  return first;
}

/** Environment of a Deployment's container as name → value (valueFrom entries map to undefined). */
export function envOf(deployment: K8sObject): Map<string, string | undefined> {
  return new Map((container(deployment).env ?? []).map((e) => [e.name, e.value]));
}
