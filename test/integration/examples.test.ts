// Every file in examples/ is applied or run here and must reach the outcome its README promises,
// so no example can rot. A new example without an entry in EXPECTATIONS fails the suite.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import { parseAllDocuments } from 'yaml';
import type { RunPhase, TemporalActionIntent } from '../../common/model/types.js';
import type { HookType } from '../../operator/ports.js';
import { REPO_ROOT } from '../../testenv/env.js';
import { freePort } from '../../testenv/ports.js';
import { kubeConfig, testEnv, uniqueName, waitFor } from '../support/env.js';
import { startOperator, type StartedOperator } from '../support/operator.js';
import { startWorkflowStack, type WorkflowStack } from '../support/stack.js';
import { EmcoStandIn } from './worker/emco-stand-in.js';

const run = promisify(execFile);
const api = { group: 'tac.emco.io', version: 'v1alpha1', plural: 'temporalactionintents' };

interface Expectation {
  /** Hooks fired, in order, for the example's DIG. */
  hooks: HookType[];
  phases: Record<string, RunPhase>;
  /** Substring of the failure message of these intents. */
  messages?: Record<string, string>;
  /** Extra checks after the outcome. */
  after?: (ctx: ExampleContext) => Promise<void>;
  /** Fire events with an EMCO orchestrator stand-in as emcoURL. */
  emcoStandIn?: boolean;
}

interface ExampleContext {
  namespace: string;
  intents: TemporalActionIntent[];
  read(name: string): Promise<TemporalActionIntent>;
}

const EXPECTATIONS: Record<string, Expectation> = {
  'hello-world/intents.yaml': {
    hooks: ['pre-install', 'post-install'],
    phases: { 'hello-pre-install': 'Succeeded', 'hello-post-install': 'Succeeded' },
  },
  'blocking-timeout/intent.yaml': {
    hooks: ['pre-update'],
    phases: { 'slow-schema-check': 'TimedOut' },
    messages: { 'slow-schema-check': 'hookBlockingTimeout 10s passed' },
  },
  'failing-workflow/intent.yaml': {
    hooks: ['post-install'],
    phases: { 'smoke-test': 'Failed' },
    messages: { 'smoke-test': 'smoke test failed: checkout returned 503' },
    async after(ctx) {
      const events = await kubeConfig()
        .makeApiClient(CoreV1Api)
        .listNamespacedEvent({ namespace: ctx.namespace });
      expect(
        events.items.some((e) => e.reason === 'RunFailed' && e.message?.includes('checkout returned 503')),
      ).to.equal(true);
    },
  },
  'manual-rerun/intent.yaml': {
    hooks: [],
    phases: { 'nightly-report': 'Succeeded' },
    async after(ctx) {
      expect((await ctx.read('nightly-report')).status?.lastHandledRunRequest).to.equal(
        '2026-11-26T09:00:00Z',
      );
    },
  },
  'cancel-and-status/intent.yaml': { hooks: [], phases: {} }, // run through its curl.sh below
  'migration/intent.yaml': {
    hooks: ['post-update'],
    phases: { 'migrate-http-server': 'Succeeded' },
    emcoStandIn: true,
  },
};

async function exampleFiles(dir = path.join(REPO_ROOT, 'examples')): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await exampleFiles(full)));
    else if (/\.ya?ml$/.test(entry.name)) out.push(path.relative(path.join(REPO_ROOT, 'examples'), full));
  }
  return out.sort();
}

describe('examples', function () {
  this.timeout(180_000);
  let op: StartedOperator;
  let stack: WorkflowStack;
  let connection: Connection;
  const objects = () => kubeConfig().makeApiClient(CustomObjectsApi);

  /** The EMCO stand-in's port: fixed, so the worker's EMCO URL allow-list can name it. */
  let emcoPort: number;

  before(async () => {
    emcoPort = await freePort();
    stack = await startWorkflowStack({ emcoAllowedUrls: [`http://127.0.0.1:${emcoPort}`] });
    op = await startOperator();
    connection = await Connection.connect({ address: testEnv().temporalAddress });
  });
  after(async () => {
    await op?.stop();
    await stack?.stop();
    await connection?.close();
  });

  /** The example's intents, pointed at the test's workflow client, optionally with another DIG. */
  async function load(file: string, dig?: string): Promise<TemporalActionIntent[]> {
    const text = await readFile(path.join(REPO_ROOT, 'examples', file), 'utf8');
    return parseAllDocuments(text).map((d) => {
      const obj = d.toJS() as TemporalActionIntent;
      obj.spec.workflowClient = { clientEndpointName: '127.0.0.1', clientEndpointPort: stack.clientPort };
      if (dig !== undefined) obj.spec.deploymentIntentGroup = dig;
      return obj;
    });
  }

  async function kubectlApply(namespace: string, intents: TemporalActionIntent[]): Promise<void> {
    const env = testEnv();
    await new Promise<void>((resolve, reject) => {
      const child = execFile(
        env.kubectlPath,
        ['--kubeconfig', env.kubeconfigPath, 'apply', '-n', namespace, '-f', '-'],
        (err, _out, stderr) => (err ? reject(new Error(stderr, { cause: err })) : resolve()),
      );
      child.stdin?.end(intents.map((i) => JSON.stringify(i)).join('\n'));
    });
  }

  it('has an expectation for every example file', async () => {
    expect(await exampleFiles()).to.have.members(Object.keys(EXPECTATIONS));
  });

  for (const [file, expectation] of Object.entries(EXPECTATIONS)) {
    if (expectation.hooks.length === 0 && Object.keys(expectation.phases).length === 0) continue;
    it(`${file}: applies with kubectl and ends ${Object.values(expectation.phases).join(', ')}`, async () => {
      const ns = uniqueName('ex');
      await kubeConfig()
        .makeApiClient(CoreV1Api)
        .createNamespace({ body: { metadata: { name: ns } } });
      const intents = await load(file);
      await kubectlApply(ns, intents);
      const read = async (name: string) =>
        (await objects().getNamespacedCustomObject({ ...api, namespace: ns, name })) as TemporalActionIntent;
      for (const i of intents)
        await waitFor(() => op.operator.store.get(ns, i.metadata.name ?? ''), { what: 'the cache' });
      let emco: EmcoStandIn | undefined;
      if (expectation.emcoStandIn === true) {
        const s = intents[0]!.spec;
        emco = new EmcoStandIn({
          project: s.project,
          compositeApp: s.compositeApp,
          compositeAppVersion: s.compositeAppVersion,
          deploymentIntentGroup: s.deploymentIntentGroup,
          placements: {
            'gpi-1': {
              'http-server-intent': {
                app: 'http-server',
                clusters: [{ clusterProvider: 'provider1', cluster: 'cluster1' }],
              },
            },
          },
        });
        await emco.start(emcoPort);
      }
      try {
        const dig = intents[0]!.spec;
        for (const hook of expectation.hooks) {
          await op.operator.lifecycle.fire({
            dig: {
              project: dig.project,
              compositeApp: dig.compositeApp,
              compositeAppVersion: dig.compositeAppVersion,
              deploymentIntentGroup: dig.deploymentIntentGroup,
            },
            hookType: hook,
            namespace: ns,
            appContextId: '1234567890999',
            ...(emco !== undefined ? { emcoUrl: emco.url } : {}),
          });
        }
        for (const [name, phase] of Object.entries(expectation.phases)) {
          const tai = await waitFor(
            async () => {
              const t = await read(name);
              return t.status?.lastRun?.phase === phase ? t : undefined;
            },
            { what: `${name} to be ${phase}`, timeoutMs: 60_000 },
          );
          const message = expectation.messages?.[name];
          if (message !== undefined) expect(tai.status?.lastRun?.failureMessage).to.contain(message);
        }
        if (emco !== undefined)
          expect(emco.deployed.get('http-server')).to.deep.equal([
            { clusterProvider: 'provider1', cluster: 'cluster2' },
          ]);
        await expectation.after?.({ namespace: ns, intents, read });
      } finally {
        await emco?.stop();
      }
    });
  }

  it('hello-world/emco: the EMCO REST bodies and calls of curl.sh work as written', async () => {
    const dig = uniqueName('dig');
    const { stdout } = await run('bash', [path.join(REPO_ROOT, 'examples/hello-world/emco/curl.sh')], {
      env: {
        ...process.env,
        OPERATOR: op.restUrl,
        DIG: dig,
        CLIENT_HOST: '127.0.0.1',
        CLIENT_PORT: String(stack.clientPort),
      },
    });
    expect(stdout).to.contain('"name":"hello-pre-install"');
    expect(stdout).to.contain('"state":"Succeeded"');
    expect(stdout).to.contain('Hello, EMCO!');
    const list = await fetch(
      `${op.restUrl}/v2/projects/proj1/composite-apps/hello/v1/deployment-intent-groups/${dig}/temporal-action-controller`,
    );
    expect(((await list.json()) as unknown[]).length).to.equal(2);
  });

  it('cancel-and-status: curl.sh shows the recorded run and cancels it on Temporal', async () => {
    const dig = uniqueName('prod');
    const intents = await load('cancel-and-status/intent.yaml', dig);
    const ns = 'default'; // the REST API's namespace
    await kubectlApply(ns, intents);
    try {
      await waitFor(() => op.operator.store.get(ns, 'traffic-watch'), { what: 'the cache' });
      const { stdout } = await run('bash', [path.join(REPO_ROOT, 'examples/cancel-and-status/curl.sh')], {
        env: { ...process.env, OPERATOR: op.restUrl, DIG: dig },
      });
      expect(stdout).to.contain('cancel: 204');
      expect(stdout).to.contain('"workflowQueryResult"');
      const tai = await waitFor(
        async () => {
          const t = (await objects().getNamespacedCustomObject({
            ...api,
            namespace: ns,
            name: 'traffic-watch',
          })) as TemporalActionIntent;
          return t.status?.lastRun?.phase === 'Cancelled' ? t : undefined;
        },
        { what: 'the run to be Cancelled' },
      );
      const client = new Client({ connection, namespace: testEnv().temporalNamespace });
      expect(
        (await client.workflow.getHandle(tai.status!.lastRun!.workflowId!).describe()).status.name,
      ).to.equal('CANCELLED');
    } finally {
      await objects().deleteNamespacedCustomObject({ ...api, namespace: ns, name: 'traffic-watch' });
    }
  });
});
