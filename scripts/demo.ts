// `npm run demo`: the TAC hello world end to end on one machine. Brings up (or uses) a Kubernetes
// API server and a Temporal server, runs the operator, workflow client and worker, applies the
// hello-world intents with kubectl, fires pre-install and post-install through the REST API as an
// orchestrator would, then once more over gRPC as EMCO's orchestrator does (an app context in a
// stand-in for EMCO's etcd), shows progress, and prints every intent's status.
//   npm run demo              keeps running until Ctrl-C, printing how to poke at it
//   npm run demo -- --once    exits when done (0 when every intent succeeded) and cleans up
//   npm run demo -- --cluster the same with the Helm chart on a real local cluster (root; see
//                             scripts/demo-cluster.ts)
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import type { TemporalActionIntent } from '../common/model/types.js';
import { REPO_ROOT, provision, startEnv, type RunningEnv } from '../testenv/env.js';
import { freePort } from '../testenv/ports.js';
import { startPrograms, type RunningPrograms } from '../testenv/programs.js';
import { contextUpdateClient } from './contextupdate-client.js';
import { runClusterDemo } from './demo-cluster.js';
import {
  DIG,
  NAMESPACE,
  fireHelloWorld,
  printStatusTable,
  say,
  step,
  waitRunsClosed,
  watchProgress,
} from './demo-shared.js';
import { startEmcoEtcd, type EmcoEtcd } from './emco-etcd.js';

const once = process.argv.includes('--once');

interface Target {
  kubeconfigPath: string;
  kubectlPath: string;
  temporalAddress: string;
  temporalNamespace: string;
  temporalUiUrl?: string;
}

async function target(cleanups: (() => Promise<void>)[]): Promise<Target> {
  const kubeconfig = process.env.KUBECONFIG;
  const temporal = process.env.TEMPORAL_ADDRESS;
  if (kubeconfig !== undefined && kubeconfig !== '' && temporal !== undefined && temporal !== '') {
    step(`Using KUBECONFIG=${kubeconfig} and TEMPORAL_ADDRESS=${temporal}`);
    const binDir = await provision((m) => say(m));
    return {
      kubeconfigPath: kubeconfig,
      kubectlPath: path.join(binDir, 'kubectl'),
      temporalAddress: temporal,
      temporalNamespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      ...(process.env.TEMPORAL_UI_URL ? { temporalUiUrl: process.env.TEMPORAL_UI_URL } : {}),
    };
  }
  step(
    'Starting a local Kubernetes API server, etcd and Temporal dev server (first run builds them: minutes)',
  );
  const env: RunningEnv = await startEnv({ temporalUi: true, log: (m) => say(m) });
  cleanups.push(() => env.stop());
  return {
    kubeconfigPath: env.info.kubeconfigPath,
    kubectlPath: env.info.kubectlPath,
    temporalAddress: env.info.temporalAddress,
    temporalNamespace: env.info.temporalNamespace,
    temporalUiUrl: env.info.temporalUiUrl,
  };
}

async function kubectl(t: Target, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      t.kubectlPath,
      ['--kubeconfig', t.kubeconfigPath, ...args],
      (err, stdout, stderr) => {
        if (err) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr}`, { cause: err }));
        else resolve(stdout);
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** The hello-world intents, pointed at the workflow client this demo runs on 127.0.0.1. */
async function helloWorldIntents(clientPort: number): Promise<string> {
  const text = await readFile(path.join(REPO_ROOT, 'examples/hello-world/intents.yaml'), 'utf8');
  return parseAllDocuments(text)
    .map((doc) => {
      const obj = doc.toJS() as TemporalActionIntent;
      obj.spec.workflowClient = { clientEndpointName: '127.0.0.1', clientEndpointPort: clientPort };
      return JSON.stringify(obj);
    })
    .join('\n');
}

interface GrpcDemo {
  etcd: EmcoEtcd;
  port: number;
  /** Operator settings that turn the gRPC action controller on, reading app contexts from `etcd`. */
  operatorEnv: Record<string, string>;
}

/** A stand-in for EMCO's etcd and a port for the operator's gRPC action controller. */
async function prepareGrpc(cleanups: (() => Promise<void>)[]): Promise<GrpcDemo> {
  const etcd = await startEmcoEtcd();
  cleanups.push(() => etcd.stop());
  const port = await freePort();
  return {
    etcd,
    port,
    operatorEnv: {
      TAC_GRPC_ENABLED: 'true',
      TAC_GRPC_HOST: '127.0.0.1',
      TAC_GRPC_PORT: String(port),
      TAC_EMCO_ETCD_ENDPOINTS: etcd.endpoint,
    },
  };
}

/**
 * What EMCO's orchestrator does when it instantiates the DIG: it stores a new app context in its
 * etcd, calls UpdateAppContext (pre-install hooks), deploys, then calls PostEvent(INSTANTIATE)
 * (post-install hooks). True when both calls succeeded.
 */
async function driveOverGrpc(g: GrpcDemo, api: CustomObjectsApi): Promise<boolean> {
  const appContext = await g.etcd.writeAppContext(DIG);
  say(
    `    app context ${appContext} written to EMCO's etcd (${g.etcd.endpoint}) for ${DIG.deploymentIntentGroup}`,
  );
  const client = contextUpdateClient(`127.0.0.1:${g.port}`, 180_000);
  try {
    await client.ready(30_000);
    say(
      `    /contextupdate/UpdateAppContext {app_context: "${appContext}", update_from_appContext: "<nil>"}`,
    );
    const pre = client.updateAppContext(appContext, '<nil>', 'tac');
    await watchProgress(api, pre);
    const update = await pre;
    say(
      `    → ${update.error !== undefined ? `gRPC error: ${update.error.details}` : JSON.stringify(update.response)}`,
    );
    say(`    /contextupdate/PostEvent {app_context: "${appContext}", event_type: INSTANTIATE}`);
    const postCall = client.postEvent(appContext, 'INSTANTIATE');
    await watchProgress(api, postCall);
    const post = await postCall;
    say(
      `    → ${post.error !== undefined ? `gRPC error: ${post.error.details}` : JSON.stringify(post.response)}`,
    );
    return update.response?.app_context_updated === true && post.response?.success === true;
  } finally {
    client.close();
  }
}

async function main(): Promise<number> {
  if (process.argv.includes('--cluster')) return runClusterDemo({ once });
  const started = Date.now();
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => console.error(err));
  };
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    say('\nStopping…');
    void cleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const t = await target(cleanups);
    step('Installing the TemporalActionIntent CRD');
    await kubectl(t, ['apply', '--server-side', '--force-conflicts', '-f', path.join(REPO_ROOT, 'crds')]);
    await kubectl(t, [
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/temporalactionintents.tac.emco.io',
    ]);
    await kubectl(t, ['create', 'namespace', NAMESPACE]).catch(() => '');

    const grpc = await prepareGrpc(cleanups);

    step('Starting the worker, the workflow client and the operator');
    const logDir = await mkdtemp(path.join(os.tmpdir(), 'tac-demo-logs-'));
    cleanups.push(() => rm(logDir, { recursive: true, force: true }));
    const programs: RunningPrograms = await startPrograms({
      kubeconfigPath: t.kubeconfigPath,
      temporalAddress: t.temporalAddress,
      temporalNamespace: t.temporalNamespace,
      ...(t.temporalUiUrl !== undefined ? { temporalUiUrl: t.temporalUiUrl } : {}),
      namespace: NAMESPACE,
      logDir,
      // A local demo on loopback: REST authentication is turned off on purpose (the operator warns).
      extraOperatorEnv: { TAC_LEADER_ELECT: 'false', TAC_REST_AUTH: 'none', ...grpc.operatorEnv },
    });
    cleanups.push(() => programs.stop());
    say(
      `    operator REST API ${programs.operatorUrl}, workflow client 127.0.0.1:${programs.clientPort}, logs in ${logDir}`,
    );

    step('Applying the hello-world intents with kubectl');
    say(
      await kubectl(t, ['apply', '-n', NAMESPACE, '-f', '-'], await helloWorldIntents(programs.clientPort)),
    );

    const kc = new KubeConfig();
    kc.loadFromFile(t.kubeconfigPath);
    const api = kc.makeApiClient(CustomObjectsApi);
    let ok = await fireHelloWorld(api, programs.operatorUrl);
    step(`Driving the same hooks over gRPC as EMCO's orchestrator does (contextupdate on port ${grpc.port})`);
    ok &&= await driveOverGrpc(grpc, api);
    await waitRunsClosed(api);
    step('Status of every intent');
    ok = (await printStatusTable(api, t.temporalAddress, t.temporalNamespace)) && ok;
    say(
      `\n${ok ? 'Every hello-world intent Succeeded' : 'Some intents did not succeed'} (${((Date.now() - started) / 1000).toFixed(1)}s).`,
    );

    if (once) return ok ? 0 : 1;
    step('The demo keeps running. Try:');
    say(`    kubectl --kubeconfig ${t.kubeconfigPath} get tai -n ${NAMESPACE}`);
    say(
      `    kubectl --kubeconfig ${t.kubeconfigPath} annotate tai hello-post-install -n ${NAMESPACE} tac.emco.io/run-requested-at="$(date -Is)" --overwrite`,
    );
    say(
      `    curl ${programs.operatorUrl}/v2/projects/${DIG.project}/composite-apps/${DIG.compositeApp}/${DIG.compositeAppVersion}/deployment-intent-groups/${DIG.deploymentIntentGroup}/temporal-action-controller`,
    );
    say(`    curl ${programs.operatorUrl}/metrics`);
    if (t.temporalUiUrl !== undefined) say(`    Temporal Web UI: ${t.temporalUiUrl}`);
    say('    Ctrl-C stops everything.');
    await new Promise(() => {});
    return 0;
  } catch (err) {
    if (!interrupted) console.error('\nThe demo failed:', err);
    return 1;
  } finally {
    if (!interrupted) await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
