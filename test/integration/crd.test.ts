// The TemporalActionIntent CRD against the real API server: it installs and becomes Established,
// every example applies, invalid intents are rejected naming the field (and the operator's ajv
// copy of the schema agrees), EMCO bodies round-trip exactly, kubectl explain documents the fields.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ApiextensionsV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { decodeTacIntent } from '../../common/emco/decode.js';
import { encodeTacIntent } from '../../common/emco/encode.js';
import { resourceNameFor } from '../../common/emco/names.js';
import { CRD_NAME, GROUP, PLURAL, VERSION } from '../../common/model/constants.js';
import { resourceToTacIntent, tacIntentToResource } from '../../common/model/convert.js';
import { TaiValidationError, parseTemporalActionIntent } from '../../common/model/parse.js';
import { CRD_OPENAPI_SCHEMA, CRD_PATH } from '../../common/model/schema.js';
import { kubeConfig, testEnv, uniqueName, waitFor } from '../support/env.js';

const run = promisify(execFile);
const EXAMPLES_DIR = new URL('../../examples/', import.meta.url);

async function kubectl(...args: string[]): Promise<string> {
  const env = testEnv();
  const { stdout } = await run(env.kubectlPath, ['--kubeconfig', env.kubeconfigPath, ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

function yamlFiles(dir: URL): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(fileURLToPath(dir), entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(new URL(`${entry.name}/`, dir)));
    else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out;
}

interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  [key: string]: unknown;
}

function intentDocuments(path: string): KubeObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && o.kind === 'TemporalActionIntent');
}

/** A valid intent to start each invalid case from. */
function validIntent(name: string): Record<string, unknown> {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'TemporalActionIntent',
    metadata: { name },
    spec: {
      project: 'proj1',
      compositeApp: 'hello',
      compositeAppVersion: 'v1',
      deploymentIntentGroup: 'dig1',
      hookType: 'pre-install',
      hookBlocking: true,
      hookBlockingTimeout: '2m',
      workflowClient: { clientEndpointName: 'tac-workflow-client', clientEndpointPort: 9090 },
      temporal: {
        workflowClientName: 'default',
        workflowStartOptions: { taskQueue: 'helloWorld', workflowRunTimeout: 60_000_000_000 },
        workflowParams: {
          activityOptions: { greet: { startToCloseTimeout: '30s', retryPolicy: { maximumAttempts: 3 } } },
          activityParams: { greet: { name: 'EMCO' } },
        },
      },
    },
  };
}

/** Sets (or, with undefined, removes) the value at a dotted path. */
function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = obj;
  for (const p of parts.slice(0, -1)) node = node[p] as Record<string, unknown>;
  const last = parts[parts.length - 1] ?? '';
  if (value === undefined) delete node[last];
  else node[last] = value;
}

interface InvalidCase {
  what: string;
  field: string;
  value: unknown;
}

const INVALID: InvalidCase[] = [
  { what: 'an unknown hook type', field: 'spec.hookType', value: 'pre-deploy' },
  { what: 'EMCO spelling in the wrong case', field: 'spec.hookType', value: 'Pre-Install' },
  {
    what: 'a client name that is no route segment',
    field: 'spec.temporal.workflowClientName',
    value: 'hello world!',
  },
  {
    what: 'host:port as endpoint name',
    field: 'spec.workflowClient.clientEndpointName',
    value: 'tac-client:9090',
  },
  { what: 'port 70000', field: 'spec.workflowClient.clientEndpointPort', value: 70000 },
  { what: 'a negative port', field: 'spec.workflowClient.clientEndpointPort', value: -1 },
  { what: 'a string for a boolean', field: 'spec.hookBlocking', value: 'yes' },
  {
    what: 'an enum name for the reuse policy',
    field: 'spec.temporal.workflowStartOptions.workflowIdReusePolicy',
    value: 'RejectDuplicate',
  },
  {
    what: 'a non-string activity param',
    field: 'spec.temporal.workflowParams.activityParams.greet.name',
    value: 42,
  },
  {
    what: 'a string backoff coefficient',
    field: 'spec.temporal.workflowStartOptions.retryPolicy',
    value: { backoffCoefficient: '2' },
  },
  { what: 'a negative duration string', field: 'spec.hookBlockingTimeout', value: '-5s' },
  {
    what: 'a malformed duration string',
    field: 'spec.temporal.workflowStartOptions.workflowRunTimeout',
    value: '10 minutes',
  },
  {
    what: 'a duration without unit',
    field: 'spec.temporal.workflowStartOptions.workflowTaskTimeout',
    value: '15',
  },
  {
    what: 'a negative activity duration',
    field: 'spec.temporal.workflowParams.activityOptions.greet.startToCloseTimeout',
    value: '-1m',
  },
  {
    what: 'a negative integer duration',
    field: 'spec.temporal.workflowStartOptions.workflowExecutionTimeout',
    value: -1,
  },
  {
    what: 'an integer duration beyond 2^53',
    field: 'spec.temporal.workflowStartOptions.workflowRunTimeout',
    value: 2 ** 53,
  },
  { what: 'a fractional timeout', field: 'spec.hookBlockingTimeout', value: 1.5 },
  { what: 'a missing DIG', field: 'spec.deploymentIntentGroup', value: undefined },
  { what: 'an empty DIG', field: 'spec.deploymentIntentGroup', value: '' },
  { what: 'a missing hook type', field: 'spec.hookType', value: undefined },
  { what: 'a missing project', field: 'spec.project', value: undefined },
];

/** The field path the message names for a case (a nested value is reported at its leaf). */
function reportedField(c: InvalidCase): string {
  return c.field === 'spec.temporal.workflowStartOptions.retryPolicy'
    ? `${c.field}.backoffCoefficient`
    : c.field;
}

describe('TemporalActionIntent CRD on a real API server', function () {
  this.timeout(120_000);
  let custom: CustomObjectsApi;
  let namespace: string;

  before(async () => {
    const kc = kubeConfig('admin');
    custom = kc.makeApiClient(CustomObjectsApi);
    await kubectl(
      'apply',
      '--server-side',
      '--force-conflicts',
      '--field-manager=tac-crd-test',
      '-f',
      CRD_PATH,
    );
    const ext = kc.makeApiClient(ApiextensionsV1Api);
    await waitFor(
      async () => {
        const crd = await ext.readCustomResourceDefinition({ name: CRD_NAME });
        return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      },
      { timeoutMs: 60_000, what: `${CRD_NAME} to be Established` },
    );
    namespace = uniqueName('tai-crd');
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
    // Discovery (kubectl) and the new REST endpoint both need a moment after Established.
    await waitFor(
      async () => {
        await custom.listNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace,
          plural: PLURAL,
        });
        return (await kubectl('api-resources', '--api-group', GROUP, '-o', 'name')).includes(PLURAL);
      },
      { timeoutMs: 60_000, what: 'the TemporalActionIntent API to be served' },
    );
  });

  it('serves the resource with short name tai, category tac and the status subresource', async () => {
    const out = await kubectl('api-resources', '--api-group', GROUP, '-o', 'wide');
    expect(out).to.match(
      /temporalactionintents\s+tai\s+tac\.emco\.io\/v1alpha1\s+true\s+TemporalActionIntent/,
    );
    expect(out).to.include('tac');
    const paths = await kubectl('get', '--raw', `/apis/${GROUP}/${VERSION}`);
    expect(paths).to.include(`"name":"${PLURAL}/status"`);
  });

  it('applies every intent under examples/', async () => {
    const files = yamlFiles(EXAMPLES_DIR).filter((f) => intentDocuments(f).length > 0);
    expect(files.length).to.be.greaterThan(0);
    for (const file of files) {
      await kubectl('apply', '-n', namespace, '-f', file);
      for (const doc of intentDocuments(file)) {
        const name = doc.metadata?.name ?? '';
        const stored: unknown = await custom.getNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace,
          plural: PLURAL,
          name,
        });
        const tai = parseTemporalActionIntent(stored);
        expect(tai.metadata.name, file).to.equal(name);
        expect(() => resourceToTacIntent(tai), file).not.to.throw();
      }
    }
    const hello = intentDocuments(new URL('hello-world/intents.yaml', EXAMPLES_DIR).pathname);
    expect(hello.map((d) => d.metadata?.name)).to.deep.equal(['hello-pre-install', 'hello-post-install']);
  });

  it('shows hook, blocking, DIG, phase, workflow and age columns', async () => {
    await kubectl('apply', '-n', namespace, '-f', new URL('hello-world/intents.yaml', EXAMPLES_DIR).pathname);
    const out = await kubectl('get', 'tai', '-n', namespace);
    const [header, ...rows] = out.trim().split('\n');
    expect(header?.split(/\s+/)).to.deep.equal([
      'NAME',
      'HOOK',
      'BLOCKING',
      'DIG',
      'PHASE',
      'WORKFLOW',
      'AGE',
    ]);
    const pre = rows.find((r) => r.startsWith('hello-pre-install'));
    const post = rows.find((r) => r.startsWith('hello-post-install'));
    expect(pre).to.match(/^hello-pre-install\s+pre-install\s+true\s+dig1\s/);
    expect(post).to.match(/^hello-post-install\s+post-install\s+false\s+dig1\s/);
    const wide = await kubectl('get', 'tac', '-n', namespace, '-o', 'wide');
    expect(wide.split('\n')[0]).to.include('TASK QUEUE');
  });

  it('selects intents by DIG and hook with field selectors', async () => {
    await kubectl('apply', '-n', namespace, '-f', new URL('hello-world/intents.yaml', EXAMPLES_DIR).pathname);
    const list = (await custom.listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      fieldSelector: 'spec.deploymentIntentGroup=dig1,spec.hookType=post-install',
    })) as { items: KubeObject[] };
    expect(list.items.map((i) => i.metadata?.name)).to.deep.equal(['hello-post-install']);
  });

  describe('rejects invalid intents, naming the field', () => {
    for (const c of INVALID) {
      it(`${c.what} (${c.field})`, async () => {
        const body = validIntent(uniqueName('bad'));
        setPath(body, c.field, c.value);
        let message = '';
        try {
          await custom.createNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            namespace,
            plural: PLURAL,
            body,
          });
        } catch (err) {
          const b = (err as { body?: unknown }).body;
          message = typeof b === 'string' ? b : JSON.stringify(b ?? String(err));
        }
        expect(message, 'the API server must reject it').to.include('is invalid');
        expect(message).to.include(reportedField(c));
        // The operator's ajv copy of the schema rejects it too, at the same field.
        let parseError: unknown;
        try {
          parseTemporalActionIntent(JSON.parse(JSON.stringify(body)));
        } catch (err) {
          parseError = err;
        }
        expect(parseError).to.be.instanceOf(TaiValidationError);
        expect((parseError as TaiValidationError).field).to.equal(reportedField(c));
      });
    }
  });

  it('stores EMCO bodies so that they read back byte for byte (durations beyond 2^53 too)', async () => {
    const dig = {
      project: 'proj1',
      compositeApp: 'hello',
      compositeAppVersion: 'v1',
      deploymentIntentGroup: 'dig1',
    };
    const bodies = [
      // the seed's example, nested under spec, lowercase keys
      '{"metadata":{"name":"ABCD"},"spec":{"hookType":"pre-install","hookBlocking":true,"workflowClient":{"clientEndpointName":"ABCDEFGHIJKLMNOPQRSTU","clientEndpointPort":121},"temporal":{"workflowClientName":"ABCD","workflowStartOptions":{"id":"ABCDEFGHIJK","taskqueue":"ABCDEFGHIJKLMNOPQRSTUVW","workflowexecutiontimeout":327,"workflowruntimeout":983,"workflowtasktimeout":213,"workflowidreusepolicy":916,"workflowexecutionerrorwhenalreadystarted":true,"retrypolicy":{"initialinterval":679,"backoffcoefficient":358.25,"maximuminterval":658,"maximumattempts":127,"nonretryableerrortypes":[]}},"workflowParams":{"activityOptions":{},"activityParams":{}}}}}',
      '{"metadata":{"name":"Big_Durations.1","description":"<b>&\u2028","userData1":"u1"},"spec":{"hookType":"post-termination","hookBlockingTimeout":"90s","temporal":{"workflowStartOptions":{"WorkflowRunTimeout":9223372036854775807,"WorkflowTaskTimeout":9007199254740993,"Memo":{},"SearchAttributes":{"k":[1,"x",null,{"y":true}]},"RetryPolicy":{}},"workflowParams":{"activityOptions":{"a.b":{"StartToCloseTimeout":60000000000,"RetryPolicy":{"MaximumAttempts":3,"NonRetryableErrorTypes":["E"]}}},"activityParams":{"greet":{"name":"EMCO"},"empty":{}}}}}}',
    ];
    for (const body of bodies) {
      const intent = decodeTacIntent(body);
      const resource = tacIntentToResource(dig, intent, namespace);
      expect(resource.metadata.name).to.equal(resourceNameFor({ ...dig, name: intent.metadata.name }));
      await custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURAL,
        body: resource,
      });
      const stored: unknown = await custom.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURAL,
        name: resource.metadata.name ?? '',
      });
      const back = resourceToTacIntent(parseTemporalActionIntent(stored));
      expect(back.dig).to.deep.equal(dig);
      expect(encodeTacIntent(back.intent)).to.equal(encodeTacIntent(intent));
    }
  });

  it('documents the fields in kubectl explain', async () => {
    const out = (await kubectl('explain', 'tai.spec.temporal.workflowStartOptions')).replace(/\s+/g, ' ');
    const spec = CRD_OPENAPI_SCHEMA['properties'] as Record<string, { properties: Record<string, unknown> }>;
    const start = ((spec['spec']?.properties['temporal'] as { properties: Record<string, unknown> })
      .properties['workflowStartOptions'] ?? {}) as {
      description: string;
      properties: Record<string, { description: string }>;
    };
    expect(out).to.include(start.description.replace(/\s+/g, ' '));
    for (const [field, schema] of Object.entries(start.properties)) {
      expect(out, field).to.include(field);
      expect(out, field).to.include(schema.description.replace(/\s+/g, ' '));
    }
    const top = (await kubectl('explain', 'tai.spec.hookBlockingTimeout')).replace(/\s+/g, ' ');
    expect(top).to.include('a whole number of seconds');
  });
});
