// Acceptance tests of the EMCO-compatible REST API over HTTP, against the operator running on the
// real API server (and the real Temporal server for status/cancel): EMCO-TAC-REFERENCE §2–§8 as
// EMCO-COMPAT.md keeps them, REST ↔ kubectl visibility, concurrency and bad input.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import { kubeConfig, testEnv, uniqueName, waitFor } from '../../support/env.js';
import { startOperator, type StartedOperator } from '../../support/operator.js';
import {
  eventsPath,
  expectJson,
  expectText,
  restClient,
  tacBase,
  type Dig,
  type RestClient,
} from './http.js';

const run = promisify(execFile);

async function kubectl(args: string[], input?: string): Promise<string> {
  const env = testEnv();
  const child = run(env.kubectlPath, ['--kubeconfig', env.kubeconfigPath, '--context', 'admin', ...args]);
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  return (await child).stdout;
}

const EMCO_BODY = JSON.stringify({
  metadata: { name: 'testworkflowintent' },
  spec: {
    hookType: 'pre-install',
    workflowClient: { clientEndpointName: 'endpoint1', clientEndpointPort: 9091 },
    temporal: {
      workflowClientName: 'client1',
      workflowStartOptions: { id: 'xyz', taskQueue: 'my-task-queue' },
      workflowParams: { activityOptions: {}, activityParams: {} },
    },
  },
});
const EMCO_ECHO =
  '{"metadata":{"name":"testworkflowintent","description":"","userData1":"","userData2":""},"spec":{"hookType":"pre-install","workflowClient":{"clientEndpointName":"endpoint1","clientEndpointPort":9091},"temporal":{"workflowClientName":"client1","workflowStartOptions":{"ID":"xyz","TaskQueue":"my-task-queue","WorkflowExecutionTimeout":0,"WorkflowRunTimeout":0,"WorkflowTaskTimeout":0,"WorkflowIDReusePolicy":0,"WorkflowExecutionErrorWhenAlreadyStarted":false,"RetryPolicy":null,"CronSchedule":"","Memo":null,"SearchAttributes":null},"workflowParams":{}}}}\n';

function simple(name: string, hookType = 'pre-install'): string {
  return JSON.stringify({
    metadata: { name },
    spec: { hookType, temporal: { workflowStartOptions: { TaskQueue: 'q' } } },
  });
}

describe('REST API (EMCO TAC compatibility) on the real API server', function () {
  this.timeout(120_000);
  let op: StartedOperator;
  let api: RestClient;
  let ns: string;
  let dig: Dig;
  let base: string;

  before(async () => {
    ns = uniqueName('rest');
    await kubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: ns } } });
    op = await startOperator({ env: { TAC_DEFAULT_NAMESPACE: ns } });
    api = restClient(op.restUrl);
  });

  after(async () => {
    await op?.stop();
  });

  beforeEach(() => {
    dig = {
      project: 'proj1',
      compositeApp: 'capp',
      compositeAppVersion: 'v1',
      deploymentIntentGroup: uniqueName('dig'),
    };
    base = tacBase(dig);
  });

  describe('§2/§5 TAC intent routes', () => {
    it('POST 201 with the canonical echo; GET 200 and list return the same document', async () => {
      const created = await api.call('POST', base, { body: EMCO_BODY });
      expect(created.status).to.equal(201);
      expect(created.headers['content-type']).to.equal('application/json');
      expect(created.text).to.equal(EMCO_ECHO);
      const got = await api.call('GET', `${base}/testworkflowintent`);
      expect(got.status).to.equal(200);
      expect(got.headers['content-type']).to.equal('application/json');
      expect(got.text).to.equal(EMCO_ECHO);
      const list = await api.call('GET', base);
      expect(list.status).to.equal(200);
      expect(list.text).to.equal(`[${EMCO_ECHO.trimEnd()}]\n`);
    });

    it('lists an empty (or unknown) DIG as null', async () => {
      const a = await api.call('GET', base);
      expect({ status: a.status, type: a.headers['content-type'], text: a.text }).to.deep.equal({
        status: 200,
        type: 'application/json',
        text: 'null\n',
      });
    });

    it('lists in creation order', async () => {
      // Reverse alphabetical, so only the creation order can explain the answer.
      for (const n of ['zulu', 'mike', 'alpha']) {
        expect((await api.call('POST', base, { body: simple(n) })).status).to.equal(201);
        const created = op.operator.store
          .listByDig(dig, ns)
          .find((o) => o.metadata.annotations?.['tac.emco.io/name'] === n);
        const stamp = new Date(created?.metadata.creationTimestamp ?? 0).getTime();
        // creationTimestamp has second resolution: the next create must land in a later second.
        await waitFor(() => Date.now() >= stamp + 1000, {
          what: 'the next second of the API server clock',
          intervalMs: 50,
        });
      }
      const list = expectJson(await api.call('GET', base), 200) as Array<{ metadata: { name: string } }>;
      expect(list.map((i) => i.metadata.name)).to.deep.equal(['zulu', 'mike', 'alpha']);
    });

    it('POST of an existing name is 409 workflow hook intent already exists', async () => {
      await api.call('POST', base, { body: simple('dup') });
      expectText(
        await api.call('POST', base, { body: simple('dup') }),
        409,
        'workflow hook intent already exists',
      );
    });

    it('the same name in two DIGs gives two resources', async () => {
      const other = tacBase({ ...dig, deploymentIntentGroup: `${dig.deploymentIntentGroup}-b` });
      expect((await api.call('POST', base, { body: simple('same') })).status).to.equal(201);
      expect((await api.call('POST', other, { body: simple('same', 'post-install') })).status).to.equal(201);
      const a = expectJson(await api.call('GET', `${base}/same`), 200) as { spec: { hookType: string } };
      const b = expectJson(await api.call('GET', `${other}/same`), 200) as { spec: { hookType: string } };
      expect([a.spec.hookType, b.spec.hookType]).to.deep.equal(['pre-install', 'post-install']);
    });

    it('GET of a missing intent is 404 Workflow Hook not found', async () => {
      expectText(await api.call('GET', `${base}/missing`), 404, 'Workflow Hook not found');
    });

    it('PUT upserts by the body name, ignores the URL name, answers 201, replaces the whole document', async () => {
      const put = await api.call('PUT', `${base}/foo`, {
        body: JSON.stringify({
          metadata: { name: 'bar', description: 'd1' },
          spec: { hookType: 'pre-install' },
        }),
      });
      expect(put.status).to.equal(201);
      expectText(await api.call('GET', `${base}/foo`), 404, 'Workflow Hook not found');
      const again = await api.call('PUT', `${base}/anything`, { body: simple('bar', 'post-update') });
      expect(again.status).to.equal(201);
      const got = expectJson(await api.call('GET', `${base}/bar`), 200) as {
        metadata: { description: string };
        spec: { hookType: string };
      };
      expect(got.metadata.description).to.equal('');
      expect(got.spec.hookType).to.equal('post-update');
    });

    it('DELETE is 204 with Content-Type application/json; a missing one is 404 The requested resource not found', async () => {
      await api.call('POST', base, { body: simple('gone') });
      const del = await api.call('DELETE', `${base}/gone`);
      expect({ status: del.status, type: del.headers['content-type'], text: del.text }).to.deep.equal({
        status: 204,
        type: 'application/json',
        text: '',
      });
      expectText(await api.call('GET', `${base}/gone`), 404, 'Workflow Hook not found');
      expectText(await api.call('DELETE', `${base}/gone`), 404, 'The requested resource not found');
    });

    it('keeps EMCO names with capitals, underscores and 128 characters exactly', async () => {
      const name = `A_b.C-${'x'.repeat(122)}`;
      expect(name).to.have.length(128);
      const created = await api.call('POST', base, { body: simple(name) });
      expect(created.status).to.equal(201);
      const got = expectJson(await api.call('GET', `${base}/${name}`), 200) as { metadata: { name: string } };
      expect(got.metadata.name).to.equal(name);
    });
  });

  describe('§3 body decoding as Go does', () => {
    it('matches keys case-insensitively, last duplicate wins, drops unknown keys, reads only the first value', async () => {
      const body =
        '{"METADATA":{"Name":"ci"},"spec":{"hookType":"pre-install","HOOKTYPE":"post-install","temporal":{"workflowstartoptions":{"taskqueue":"a","TaskQueue":"b"}},"bogus":1}} trailing garbage';
      const created = expectJson(await api.call('POST', base, { body }), 201) as {
        spec: { hookType: string; temporal: { workflowStartOptions: { TaskQueue: string } } };
      };
      expect(created.spec.hookType).to.equal('post-install');
      expect(created.spec.temporal.workflowStartOptions.TaskQueue).to.equal('b');
      expect(JSON.stringify(created)).not.to.include('bogus');
    });

    it('keeps int64 durations exact beyond 2^53 through the resource', async () => {
      const body =
        '{"metadata":{"name":"big"},"spec":{"hookType":"pre-install","temporal":{"workflowStartOptions":{"WorkflowExecutionTimeout":9007199254740993}}}}';
      const created = await api.call('POST', base, { body });
      expect(created.text).to.include('"WorkflowExecutionTimeout":9007199254740993,');
      const got = await api.call('GET', `${base}/big`);
      expect(got.text).to.include('"WorkflowExecutionTimeout":9007199254740993,');
    });

    it('no body 400 empty post body; truncated 422; wrong type 422; non-integer int 422', async () => {
      expectText(await api.call('POST', base), 400, 'empty post body');
      expectText(await api.call('PUT', `${base}/x`, { body: '  \n' }), 400, 'empty post body');
      expectText(
        await api.call('POST', base, { body: '{"metadata":{"name":"x"' }),
        422,
        'error decoding json body',
      );
      expectText(await api.call('POST', base, { body: '"a string"' }), 422, 'error decoding json body');
      expectText(
        await api.call('POST', base, {
          body: '{"metadata":{"name":"x"},"spec":{"hookType":"pre-install","workflowClient":{"clientEndpointPort":9091.0}}}',
        }),
        422,
        'error decoding json body',
      );
      expectText(
        await api.call('POST', base, {
          body: '{"metadata":{"name":"x"},"spec":{"hookType":"pre-install","temporal":{"workflowParams":{"activityParams":{"a":{"k":1}}}}}}',
        }),
        422,
        'error decoding json body',
      );
    });
  });

  describe('§5.2 validation texts', () => {
    it('hookType missing: enum and pattern lines', async () => {
      expectText(
        await api.call('POST', base, { body: '{"metadata":{"name":"x"}}' }),
        400,
        'Invalid Input:\nspec.hookType must be one of the following: "pre-install", "post-install", "pre-update", "post-update", "pre-termination", "post-termination", "pre-terminate", "post-terminate"\nDoes not match pattern \'[a-zA-Z]+-[a-zA-Z]+\'',
      );
    });

    it('name empty, too long; activityOptions without RetryPolicy', async () => {
      expectText(
        await api.call('POST', base, { body: simple('') }),
        400,
        "Invalid Input:\nDoes not match pattern '^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$'",
      );
      expectText(
        await api.call('POST', base, { body: simple('a'.repeat(129)) }),
        400,
        'Invalid Input:\nString length must be less than or equal to 128',
      );
      expectText(
        await api.call('POST', base, {
          body: '{"metadata":{"name":"x"},"spec":{"hookType":"pre-install","temporal":{"workflowParams":{"activityOptions":{"a":{"StartToCloseTimeout":1}}}}}}',
        }),
        400,
        'Invalid Input:\nInvalid type. Expected: object, given: null',
      );
    });

    it('the seed spellings pre-terminate/post-terminate are accepted and echoed as given', async () => {
      const a = expectJson(await api.call('POST', base, { body: simple('t1', 'pre-terminate') }), 201) as {
        spec: { hookType: string };
      };
      expect(a.spec.hookType).to.equal('pre-terminate');
    });

    it('validation comes before any lookup: an invalid body for an existing name is 400, not 409', async () => {
      await api.call('POST', base, { body: simple('v') });
      expect((await api.call('POST', base, { body: '{"metadata":{"name":"v"}}' })).status).to.equal(400);
    });
  });

  describe('§1.1 router behaviour', () => {
    it('unknown path 404 page not found; trailing slash 404', async () => {
      expectText(await api.call('GET', '/v2/projects'), 404, '404 page not found');
      expectText(await api.call('GET', `${base}/`), 404, '404 page not found');
    });

    it('known path, other method: 405, empty body, no Content-Type; HEAD included', async () => {
      for (const [method, path] of [
        ['DELETE', base],
        ['PATCH', `${base}/x`],
        ['HEAD', `${base}/x`],
        ['POST', `${base}/x/status`],
        ['GET', `${base}/x/cancel`],
      ] as const) {
        const a = await api.call(method, path);
        expect({ method, status: a.status, text: a.text, type: a.headers['content-type'] }).to.deep.equal({
          method,
          status: 405,
          text: '',
          type: undefined,
        });
      }
    });

    it('//, /./ and /../ redirect with 301 to the cleaned path', async () => {
      const a = await api.raw('GET', `${base}//x`);
      expect([a.status, a.headers.location]).to.deep.equal([301, `${base}/x`]);
      const b = await api.raw('GET', `${base}/./x/../y?z=1`);
      expect([b.status, b.headers.location]).to.deep.equal([301, `${base}/y?z=1`]);
    });

    it('an encoded slash separates segments (EMCO routes the decoded path)', async () => {
      expectText(await api.call('GET', `${base}/a%2Fb`), 404, '404 page not found');
      expectText(await api.call('DELETE', `${base}/a%2Fb`), 404, '404 page not found');
      await api.call('POST', base, { body: simple('a') });
      const status = await api.call('GET', `${base}/a%2Fstatus`, { body: '{}' });
      expect(status.status).to.equal(200);
    });
  });

  describe('§8 workers sub-API', () => {
    const worker = (name: string, app = 'wapp'): string =>
      JSON.stringify({
        metadata: { name },
        spec: {
          startToCloseTimeout: 60000,
          deploymentIntentGroup: 'wdig',
          compositeApp: app,
          compositeAppVersion: 'v1',
        },
      });
    const echo = (name: string, app = 'wapp'): string =>
      `{"metadata":{"name":"${name}","description":"","userData1":"","userData2":""},"spec":{"startToCloseTimeout":60000,"deploymentIntentGroup":"wdig","compositeApp":"${app}","compositeAppVersion":"v1"}}\n`;

    it('behaves as EMCO: parent needed, 201 echo, 409 duplicate, list order, 404 texts, child blocks parent delete', async () => {
      const w = `${base}/owner/workers`;
      expectText(
        await api.call('POST', w, { body: worker('w1') }),
        409,
        'Cannot perform requested operation. Parent resource not found',
      );
      expect((await api.call('GET', w)).text).to.equal('null\n');
      await api.call('POST', base, { body: simple('owner') });
      const created = await api.call('POST', w, { body: worker('w1') });
      expect([created.status, created.headers['content-type'], created.text]).to.deep.equal([
        201,
        'application/json',
        echo('w1'),
      ]);
      expectText(
        await api.call('POST', w, { body: worker('w1') }),
        409,
        'A worker with this name already exists.',
      );
      expect((await api.call('PUT', `${w}/ignored`, { body: worker('w2') })).status).to.equal(201);
      expect((await api.call('PUT', `${w}/w1`, { body: worker('w1', 'changed') })).status).to.equal(201);
      expect((await api.call('GET', w)).text).to.equal(
        `[${echo('w1', 'changed').trimEnd()},${echo('w2').trimEnd()}]\n`,
      );
      expect((await api.call('GET', `${w}/w2`)).text).to.equal(echo('w2'));
      expectText(await api.call('GET', `${w}/nope`), 404, 'The worker you are looking for was not found.');
      expectText(
        await api.call('DELETE', `${base}/owner`),
        409,
        'Cannot delete parent without deleting child references first',
      );
      expectText(await api.call('POST', w), 400, 'empty post body');
      expectText(
        await api.call('POST', w, { body: '{"spec":{"startToCloseTimeout":"1"}}' }),
        422,
        'error decoding json body',
      );
      const del = await api.call('DELETE', `${w}/w1`);
      expect([del.status, del.headers['content-type']]).to.deep.equal([204, 'application/json']);
      expectText(await api.call('DELETE', `${w}/w1`), 404, 'The requested resource not found');
      await api.call('DELETE', `${w}/w2`);
      expect((await api.call('DELETE', `${base}/owner`)).status).to.equal(204);
    });
  });

  describe('§6/§7 status and cancel', () => {
    let connection: Connection;
    let temporal: Client;
    /** EMCO's behaviour (any workflow id) needs the explicit option and an authorized caller. */
    let emcoLike: StartedOperator;
    let arbitrary: RestClient;
    const admin = (): string => testEnv().identities.admin?.token ?? '';

    before(async () => {
      connection = await Connection.connect({ address: testEnv().temporalAddress });
      temporal = new Client({ connection, namespace: testEnv().temporalNamespace });
      emcoLike = await startOperator({
        env: {
          TAC_DEFAULT_NAMESPACE: ns,
          TAC_REST_AUTH: 'kubernetes',
          // the static admin token of the test environment is valid for the API server's audiences
          TAC_REST_AUTH_AUDIENCES: '',
          TAC_REST_ARBITRARY_WORKFLOW_IDS: 'true',
        },
        waitForLeadership: false,
      });
      const client = restClient(emcoLike.restUrl);
      arbitrary = {
        ...client,
        call: (method, path, options = {}) => client.call(method, path, { token: admin(), ...options }),
      };
    });
    after(async () => {
      await emcoLike?.stop();
      await connection?.close();
    });

    it('status: no body 400 EOF; undecodable 422 with the decoder text; unknown query parameter 400', async () => {
      await api.call('POST', base, { body: simple('s') });
      expectText(await api.call('GET', `${base}/s/status`), 400, 'EOF');
      expectText(
        await api.call('GET', `${base}/s/status`, { body: '{"waitForResult":' }),
        422,
        'unexpected EOF',
      );
      expectText(
        await api.call('GET', `${base}/s/status`, { body: 'not json' }),
        422,
        "invalid character 'o' in literal null (expecting 'u')",
      );
      expectText(await api.call('GET', `${base}/s/status?bogus=1`), 400, 'Unknown query parameter: bogus');
    });

    it('status without a run answers from the recorded status; an unknown intent is 404', async () => {
      await api.call('POST', base, { body: simple('s') });
      const out = expectJson(await api.call('GET', `${base}/s/status`, { body: '{}' }), 200) as Record<
        string,
        unknown
      >;
      expect(out.workflowID).to.equal('');
      expect(out.workflowExecutionDescription).to.deep.equal({});
      expect(out).to.have.property('tacStatus');
      expectText(
        await api.call('GET', `${base}/nope/status`, { body: '{}' }),
        404,
        'Workflow Hook not found',
      );
    });

    it('with arbitrary workflow ids allowed: status describes and lists the history of a workflow named by id (body or query string); cancel terminates it', async () => {
      await arbitrary.call('POST', base, { body: simple('s') });
      const workflowId = uniqueName('rest-wf');
      const handle = await temporal.workflow.start('nobodyRunsThis', {
        taskQueue: uniqueName('no-worker'),
        workflowId,
      });
      const out = expectJson(
        await arbitrary.call('GET', `${base}/s/status`, {
          body: JSON.stringify({ workflowID: workflowId, runDescribeWfExec: true, getWfHistory: true }),
        }),
        200,
      ) as {
        workflowID: string;
        workflowExecutionDescription: {
          workflow_execution_info: { execution: { workflow_id: string }; status: number };
        };
        workflowHistory: Array<{ event_id: number; event_type: number }>;
      };
      expect(out.workflowID).to.equal(workflowId);
      expect(out.workflowExecutionDescription.workflow_execution_info.execution.workflow_id).to.equal(
        workflowId,
      );
      expect(out.workflowExecutionDescription.workflow_execution_info.status).to.equal(1);
      expect(out.workflowHistory[0]).to.include({ event_id: 1, event_type: 1 });
      const viaQuery = expectJson(
        await arbitrary.call('GET', `${base}/s/status?workflowID=${workflowId}&runDescribeWfExec=true`),
        200,
      ) as { workflowID: string };
      expect(viaQuery.workflowID).to.equal(workflowId);
      const bounded = expectJson(
        await arbitrary.call('GET', `${base}/s/status`, {
          body: JSON.stringify({ workflowID: workflowId, waitForResult: true, waitForResultTimeout: 1 }),
        }),
        200,
      ) as { waitTimedOut?: boolean };
      expect(bounded.waitTimedOut).to.equal(true);

      expectText(await arbitrary.call('POST', `${base}/s/cancel`), 400, 'EOF');
      expectText(
        await arbitrary.call('POST', `${base}/s/cancel`, { body: '{"spec":{"terminate":"yes"}}' }),
        422,
        'json: cannot unmarshal string into Go struct field WfhTemporalCancelRequestSpec.spec.terminate of type bool',
      );
      expectText(
        await arbitrary.call('POST', `${base}/nope/cancel`, { body: '{}' }),
        404,
        'Workflow Intent Hook not found',
      );
      const other = await arbitrary.call('POST', `${base}/s/cancel`, {
        body: '{"spec":{"temporalServer":"elsewhere:7233"}}',
      });
      expect(other.status).to.equal(500);
      expect(other.text).to.match(
        /^CancelWorkflowIntent: Failed to connect to Temporal server \(elsewhere:7233\)/,
      );
      // Without the option the same call is refused: the workflow is not a run of intent s.
      const refused = await api.call('POST', `${base}/s/cancel`, {
        body: JSON.stringify({ spec: { workflowID: workflowId, terminate: true } }),
      });
      expect(refused.status).to.equal(404);
      expect(refused.text).to.match(/^workflow ".*" is not a run recorded for intent /);
      const cancel = await arbitrary.call('POST', `${base}/s/cancel`, {
        body: JSON.stringify({
          spec: {
            temporalServer: testEnv().temporalAddress,
            workflowID: workflowId,
            terminate: true,
            reason: 'test',
          },
        }),
      });
      expect({
        status: cancel.status,
        text: cancel.text,
        type: cancel.headers['content-type'],
      }).to.deep.equal({
        status: 204,
        text: '',
        type: undefined,
      });
      const desc = await handle.describe();
      expect(desc.status.name).to.equal('TERMINATED');
    });
  });

  describe('REST ↔ kubectl visibility', () => {
    it('an intent applied with kubectl is listed and served by REST', async () => {
      const manifest = {
        apiVersion: 'tac.emco.io/v1alpha1',
        kind: 'TemporalActionIntent',
        metadata: { name: 'from-kubectl', namespace: ns },
        spec: {
          ...dig,
          hookType: 'post-install',
          workflowClient: { clientEndpointName: 'client.example', clientEndpointPort: 9090 },
          temporal: { workflowClientName: 'default', workflowStartOptions: { taskQueue: 'helloWorld' } },
        },
      };
      await kubectl(['apply', '-f', '-'], JSON.stringify(manifest));
      const listed = await waitFor(
        async () => {
          const l = expectJson(await api.call('GET', base), 200) as Array<{
            metadata: { name: string };
          }> | null;
          return l?.find((i) => i.metadata.name === 'from-kubectl');
        },
        { what: 'the kubectl intent in the REST list' },
      );
      expect(listed).to.not.equal(undefined);
      const got = expectJson(await api.call('GET', `${base}/from-kubectl`), 200) as {
        spec: { hookType: string; workflowClient: { clientEndpointPort: number } };
      };
      expect(got.spec.hookType).to.equal('post-install');
      expect(got.spec.workflowClient.clientEndpointPort).to.equal(9090);
      expect((await api.call('DELETE', `${base}/from-kubectl`)).status).to.equal(204);
      await waitFor(
        async () => !(await kubectl(['get', 'tai', '-n', ns, '-o', 'name'])).includes('from-kubectl'),
        {
          what: 'the kubectl intent deleted through REST',
        },
      );
    });

    it('an intent created through REST is visible to kubectl, with its EMCO name and DIG', async () => {
      await api.call('POST', base, { body: simple('Via_REST') });
      const out = JSON.parse(await kubectl(['get', 'tai', '-n', ns, '-o', 'json'])) as {
        items: Array<{
          metadata: { name: string; annotations?: Record<string, string> };
          spec: Dig & { hookType: string };
        }>;
      };
      const found = out.items.find((i) => i.metadata.annotations?.['tac.emco.io/name'] === 'Via_REST');
      expect(found?.spec).to.include({ ...dig, hookType: 'pre-install' });
      expect(found?.metadata.name).to.match(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    });
  });

  describe('consistency under concurrency', () => {
    it('50 concurrent creates: every create answers 201 and an immediate GET sees it; the list has all 50', async () => {
      const names = Array.from({ length: 50 }, (_, i) => `c${i}`);
      const results = await Promise.all(
        names.map(async (n) => {
          const created = await api.call('POST', base, { body: simple(n) });
          const got = await api.call('GET', `${base}/${n}`);
          return { n, created: created.status, got: got.status };
        }),
      );
      expect(results.filter((r) => r.created !== 201 || r.got !== 200)).to.deep.equal([]);
      const list = expectJson(await api.call('GET', base), 200) as Array<{ metadata: { name: string } }>;
      expect(list.map((i) => i.metadata.name).sort()).to.deep.equal([...names].sort());
    });

    it('concurrent creates of one name: exactly one 201, the rest 409', async () => {
      const codes = await Promise.all(
        Array.from({ length: 10 }, () => api.call('POST', base, { body: simple('race') })),
      );
      expect(codes.map((c) => c.status).sort()).to.deep.equal([201, ...Array<number>(9).fill(409)]);
    });
  });

  describe('bad input: documented 4xx, and the server keeps serving', () => {
    const probe = async (): Promise<void> => {
      expect((await api.call('GET', '/healthz')).status).to.equal(200);
    };

    it('no body, truncated JSON, wrong JSON type, a 10 MB body, encoded slashes, bad escapes', async () => {
      expectText(await api.call('POST', base), 400, 'empty post body');
      await probe();
      expectText(await api.call('POST', base, { body: '{"metadata":{"na' }), 422, 'error decoding json body');
      await probe();
      expectText(
        await api.call('POST', base, { body: '[{"metadata":{"name":"x"}}]' }),
        422,
        'error decoding json body',
      );
      await probe();
      const big = await api.call('POST', base, { body: Buffer.alloc(10 * 1024 * 1024, 0x20) });
      expectText(big, 413, 'request body too large: the limit is 1048576 bytes');
      await probe();
      expectText(await api.call('GET', `${base}/x%2Fy`), 404, '404 page not found');
      await probe();
      expectText(await api.call('GET', `${base}/x%zzy`), 400, '400 Bad Request: invalid URL escape "%zz"');
      await probe();
      expectText(
        await api.call('POST', eventsPath(dig), { body: '{"hookType":"at-noon"}' }),
        400,
        'Invalid lifecycle event:\nhookType must be one of: pre-install, post-install, pre-update, post-update, pre-termination, post-termination, pre-terminate, post-terminate',
      );
      expect((await api.call('POST', base, { body: simple('still-serving') })).status).to.equal(201);
    });
  });

  describe('operational routes', () => {
    it('serves /metrics with the REST latency, /healthz, /readyz and /openapi.yaml', async () => {
      await api.call('GET', base);
      const metrics = await api.call('GET', '/metrics');
      expect(metrics.status).to.equal(200);
      expect(metrics.text).to.include('tac_rest_request_duration_seconds_bucket{');
      expect(metrics.text).to.include(
        'route="/v2/projects/{project}/composite-apps/{compositeApp}/{compositeAppVersion}/deployment-intent-groups/{deploymentIntentGroup}/temporal-action-controller"',
      );
      expect((await api.call('GET', '/healthz')).text).to.equal('ok\n');
      expect((await api.call('GET', '/readyz')).text).to.equal('ok\n');
      const doc = await api.call('GET', '/openapi.yaml');
      expect(doc.status).to.equal(200);
      expect(doc.text).to.include('/tac/v1/lifecycle-events/{pollId}:');
    });
  });
});
