// Owns `npm run demo -- --cluster`: the TAC hello world with the product as a user runs it. Brings
// up (or reuses) the local cluster tier (a node that runs Pods: root needed), builds or reuses the
// operator, workflow-client and worker images and imports them into the node, installs the Helm
// chart, applies the hello-world intents with kubectl, fires pre-install and post-install through
// the operator's Service, prints every intent's status and the commands to look around.
//   npm run demo -- --cluster          leaves the cluster running (npm run cluster:down stops it)
//   npm run demo -- --cluster --once   tears down a cluster it started, exits 0 when all succeeded
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { clusterAlive, startCluster, stopRecordedCluster } from '../testenv/cluster/cluster.js';
import { importImages } from '../testenv/cluster/images.js';
import { ENV_FILE, REPO_ROOT, readRecordedEnv, recordEnv, stopRecordedEnv } from '../testenv/env.js';
import type { EnvInfo } from '../testenv/types.js';
import { buildImages, chartAppVersion } from './images/build.js';
import { NAMESPACE, fireHelloWorld, printStatusTable, say, step, waitRunsClosed } from './demo-shared.js';

const RELEASE = 'tac';
const OPERATOR_SERVICE = 'tac-tac-operator';

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err)
        reject(new Error(`${path.basename(command)} ${args.join(' ')} failed: ${stderr}`, { cause: err }));
      else resolve(stdout);
    });
  });
}

function kubectl(info: EnvInfo, args: string[]): Promise<string> {
  return run(info.kubectlPath, ['--kubeconfig', info.kubeconfigPath, ...args]);
}

/** helm with its config, cache and data dirs in the environment's work dir. */
function helm(info: EnvInfo, args: string[]): Promise<string> {
  return run(info.helmPath, [...args, '--kubeconfig', info.kubeconfigPath], {
    ...process.env,
    HELM_CACHE_HOME: path.join(info.workDir, 'helm-cache'),
    HELM_CONFIG_HOME: path.join(info.workDir, 'helm-config'),
    HELM_DATA_HOME: path.join(info.workDir, 'helm-data'),
  });
}

/** The running cluster:up cluster, or a new one (recorded like cluster:up). */
async function cluster(): Promise<{ info: EnvInfo; startedHere: boolean }> {
  const recorded = await readRecordedEnv();
  if (recorded !== undefined && clusterAlive(recorded)) {
    step(`Using the running cluster recorded in ${ENV_FILE}`);
    return { info: recorded, startedHere: false };
  }
  if (recorded !== undefined) {
    if (recorded.cluster !== undefined) await stopRecordedCluster(recorded);
    else await stopRecordedEnv(recorded);
    await rm(ENV_FILE, { force: true });
  }
  step(
    'Starting a local cluster: etcd, API server, Temporal, containerd, kubelet, CoreDNS (first run builds them: minutes)',
  );
  const env = await startCluster({ reapOnExit: false, log: (m) => say(`    ${m}`) });
  await recordEnv(env.info);
  return { info: env.info, startedHere: true };
}

async function waitAnswers(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`, { cause: last });
}

export async function runClusterDemo(options: { once: boolean }): Promise<number> {
  const started = Date.now();
  const { info, startedHere } = await cluster();
  const c = info.cluster;
  if (c === undefined) throw new Error('the recorded environment has no cluster');
  try {
    step('Building (or reusing) the operator, workflow-client and worker images');
    const images = await buildImages({ log: (m) => say(`    ${m}`) });
    step("Importing them into the node's containerd");
    for (const r of await importImages(
      info,
      images.map((i) => i.tarPath),
    )) {
      say(`    ${r.refs.join(', ')} in ${(r.ms / 1000).toFixed(1)}s`);
    }

    step(`Installing the chart as release ${RELEASE} in namespace ${NAMESPACE}`);
    const tag = await chartAppVersion();
    const image = { tag, pullPolicy: 'IfNotPresent' };
    const values = {
      temporal: { address: c.temporalAddressForPods, namespace: info.temporalNamespace },
      // A throwaway local cluster reached from this host over plain HTTP: REST authentication and
      // TLS, on by default, are turned off on purpose (the operator logs a warning).
      operator: { replicaCount: 2, image, rest: { auth: { enabled: false }, tls: { enabled: false } } },
      workflowClient: { image, service: { name: 'tac-workflow-client' } },
      worker: { image },
    };
    const valuesFile = path.join(info.workDir, 'demo-values.yaml');
    await writeFile(valuesFile, stringify(values));
    const installStarted = Date.now();
    await helm(info, [
      'upgrade',
      '--install',
      RELEASE,
      path.join(REPO_ROOT, 'charts/tac-operator'),
      '--namespace',
      NAMESPACE,
      '--create-namespace',
      '-f',
      valuesFile,
      '--wait',
      '--timeout',
      '5m',
    ]);
    say(`    every Deployment Available in ${((Date.now() - installStarted) / 1000).toFixed(1)}s`);
    say(await kubectl(info, ['get', 'pods', '-n', NAMESPACE, '-o', 'wide']));

    step('Applying the hello-world intents with kubectl');
    say(
      await kubectl(info, [
        'apply',
        '-n',
        NAMESPACE,
        '-f',
        path.join(REPO_ROOT, 'examples/hello-world/intents.yaml'),
      ]),
    );
    const ip = (
      await kubectl(info, [
        'get',
        'service',
        OPERATOR_SERVICE,
        '-n',
        NAMESPACE,
        '-o',
        'jsonpath={.spec.clusterIP}',
      ])
    ).trim();
    const operatorUrl = `http://${ip}:9064`;
    await waitAnswers(`${operatorUrl}/readyz`, 30_000);
    say(
      `    the operator's Service: ${operatorUrl} (a ClusterIP, reached from this host through kube-proxy)`,
    );

    const kc = new KubeConfig();
    kc.loadFromFile(info.kubeconfigPath);
    const api = kc.makeApiClient(CustomObjectsApi);
    let ok = await fireHelloWorld(api, operatorUrl);
    await waitRunsClosed(api);
    step('Status of every intent');
    ok = (await printStatusTable(api, info.temporalAddress, info.temporalNamespace)) && ok;
    say(
      `\n${ok ? 'Every hello-world intent Succeeded' : 'Some intents did not succeed'} (${((Date.now() - started) / 1000).toFixed(1)}s).`,
    );

    if (!options.once || !startedHere) {
      step('The cluster keeps running. Look around:');
      say(`    export KUBECONFIG=${info.kubeconfigPath}`);
      say(`    alias kubectl=${info.kubectlPath} helm=${info.helmPath}`);
      say(`    kubectl get pods,services -n ${NAMESPACE} -o wide`);
      say(`    kubectl get tai -n ${NAMESPACE}`);
      say(`    kubectl logs -n ${NAMESPACE} deployment/${OPERATOR_SERVICE}-worker`);
      say(`    kubectl get lease -n ${NAMESPACE}            # which operator replica leads`);
      say(`    helm list -n ${NAMESPACE}`);
      say(`    curl ${operatorUrl}/metrics`);
      say(`    temporal workflow list --address ${info.temporalAddress}   # (${info.binDir}/temporal)`);
      say('    npm run cluster:down                          # stops all of it');
    }
    return ok ? 0 : 1;
  } finally {
    if (options.once && startedHere) {
      step('Tearing the cluster down');
      await stopRecordedCluster(info, (m) => say(`    ${m}`));
      await rm(ENV_FILE, { force: true });
    }
  }
}
