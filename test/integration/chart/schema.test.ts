import { expect } from 'chai';
import { template } from './helm.js';

/** Values that break values.schema.json, with the path helm's message must name. */
const BAD_VALUES: { what: string; values: Record<string, unknown>; path: string; says: RegExp }[] = [
  {
    what: 'an unknown top-level key',
    values: { replicas: 2 },
    path: "at ''",
    says: /additional properties 'replicas' not allowed/,
  },
  {
    what: 'an unknown nested key (a typo)',
    values: { operator: { leaderElecton: { enabled: true } } },
    path: "at '/operator'",
    says: /additional properties 'leaderElecton' not allowed/,
  },
  {
    what: 'a log level outside the enum',
    values: { operator: { logLevel: 'trace' } },
    path: '/operator/logLevel',
    says: /value must be one of/,
  },
  {
    what: 'a string replica count',
    values: { operator: { replicaCount: 'two' } },
    path: '/operator/replicaCount',
    says: /got string, want integer/,
  },
  {
    what: 'a port out of range',
    values: { workflowClient: { port: 70000 } },
    path: '/workflowClient/port',
    says: /maximum/,
  },
  {
    what: 'a worker monitoring port of 0',
    values: { worker: { monitoring: { enabled: true, port: 0, host: '0.0.0.0' } } },
    path: '/worker/monitoring/port',
    says: /minimum/,
  },
  {
    what: 'a worker monitoring port given as a string',
    values: { worker: { monitoring: { enabled: true, port: '9091', host: '0.0.0.0' } } },
    path: '/worker/monitoring/port',
    says: /got string, want integer/,
  },
  {
    what: 'an unknown worker probe',
    values: { worker: { probes: { warmup: { periodSeconds: 1 } } } },
    path: "at '/worker/probes'",
    says: /additional properties 'warmup' not allowed/,
  },
  {
    what: 'a worker probe period of 0',
    values: { worker: { probes: { startup: { periodSeconds: 0 } } } },
    path: '/worker/probes/startup/periodSeconds',
    says: /minimum/,
  },
  {
    what: 'a duration without unit',
    values: { operator: { invoke: { timeout: 'ten' } } },
    path: '/operator/invoke/timeout',
    says: /does not match pattern/,
  },
  {
    what: 'an unknown timeout policy',
    values: { operator: { invoke: { timeoutPolicy: 'ignore' } } },
    path: '/operator/invoke/timeoutPolicy',
    says: /value must be one of 'cancel', 'terminate'/,
  },
  {
    what: 'a watched namespace that is not a DNS label',
    values: { operator: { watchNamespaces: ['Team_A'] } },
    path: '/operator/watchNamespaces/0',
    says: /does not match pattern/,
  },
  {
    what: 'a Temporal address without port',
    values: { temporal: { address: 'temporal.example' } },
    path: '/temporal/address',
    says: /does not match pattern/,
  },
  {
    what: 'a boolean given as string',
    values: { worker: { enabled: 'maybe' } },
    path: '/worker/enabled',
    says: /got string, want boolean/,
  },
  {
    what: 'an image digest that is not sha256',
    values: { operator: { image: { repository: 'x', tag: '', digest: 'latest', pullPolicy: 'Always' } } },
    path: '/operator/image/digest',
    says: /does not match pattern/,
  },
  {
    what: 'an extraEnv entry without name',
    values: { worker: { extraEnv: [{ value: 'x' }] } },
    path: '/worker/extraEnv/0',
    says: /missing property 'name'/,
  },
];

describe('chart: values.schema.json', () => {
  for (const { what, values, path, says } of BAD_VALUES) {
    it(`rejects ${what}, naming the value`, async () => {
      const result = await template(values);
      expect(result.code, result.stdout.slice(0, 200)).to.not.equal(0);
      expect(result.stderr).to.contain("values don't meet the specifications of the schema");
      expect(result.stderr).to.contain(path);
      expect(result.stderr).to.match(says);
    });
  }

  it('accepts values that only change documented settings', async () => {
    const result = await template({
      operator: {
        replicaCount: 3,
        logLevel: 'debug',
        invoke: { timeout: '1m30s', timeoutPolicy: 'terminate' },
      },
      workflowClient: { port: 8443, service: { type: 'NodePort', port: 8443, annotations: {} } },
      global: { imageRegistry: 'ignored-by-this-chart' },
    });
    expect(result.stderr).to.equal('');
    expect(result.code).to.equal(0);
  });
});
