import { X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import {
  container,
  envOf,
  find,
  names,
  ofKind,
  podAnnotations,
  podSpec,
  render,
  template,
  type K8sObject,
} from './helm.js';
import { everythingOn, PROGRAM_ENV } from './values-fixtures.js';

const OPERATOR = 'tac-operator';
const CLIENT = 'tac-operator-workflow-client';
const WORKER = 'tac-operator-worker';

function volumeNames(deployment: K8sObject): string[] {
  return (podSpec(deployment).volumes ?? []).map((v) => v.name);
}

function mountPaths(deployment: K8sObject): string[] {
  return (container(deployment).volumeMounts ?? []).map((m) => m.mountPath);
}

describe('chart: helm template', () => {
  describe('defaults', () => {
    let objects: K8sObject[];
    before(async () => {
      objects = await render();
    });

    it('renders the operator, the workflow client, the worker and their RBAC, nothing optional', () => {
      expect(names(objects)).to.deep.equal(
        [
          `ClusterRole/${OPERATOR}`,
          `ClusterRole/${OPERATOR}-rest-auth`,
          `ClusterRoleBinding/${OPERATOR}`,
          `ClusterRoleBinding/${OPERATOR}-rest-auth`,
          `Deployment/${OPERATOR}`,
          `Deployment/${CLIENT}`,
          `Deployment/${WORKER}`,
          `Role/${OPERATOR}-leader-election`,
          `RoleBinding/${OPERATOR}-leader-election`,
          `Secret/${OPERATOR}-rest-tls`,
          `Secret/${CLIENT}-token`,
          `Service/${OPERATOR}`,
          `Service/${CLIENT}`,
          `Service/${WORKER}`,
          `ServiceAccount/${OPERATOR}`,
          `ServiceAccount/${CLIENT}`,
          `ServiceAccount/${WORKER}`,
        ].sort(),
      );
    });

    it('configures the operator for leader election, all namespaces and its own workflow client', () => {
      const env = envOf(find(objects, 'Deployment', OPERATOR));
      expect(env.get('TAC_LEADER_ELECT')).to.equal('true');
      expect(env.get('TAC_LEASE_NAME')).to.equal(OPERATOR);
      expect(env.get('TAC_LEASE_NAMESPACE')).to.equal('tac-system');
      expect(env.get('TAC_WATCH_NAMESPACES')).to.equal('');
      expect(env.get('TAC_DEFAULT_NAMESPACE')).to.equal('tac-system');
      expect(env.get('TAC_REST_PORT')).to.equal('9064');
      expect(env.get('TAC_REST_AUTH')).to.equal('kubernetes');
      expect(env.get('TAC_TIMEOUT_POLICY')).to.equal('cancel');
      expect(env.get('TAC_ALLOWED_CLIENT_ENDPOINTS')?.split(',')).to.deep.equal([
        `${CLIENT}:9090`,
        `${CLIENT}.tac-system:9090`,
        `${CLIENT}.tac-system.svc:9090`,
        `${CLIENT}.tac-system.svc.cluster.local:9090`,
      ]);
      expect(env.get('TAC_LEASE_DURATION')).to.equal('15s');
      expect(env.get('TAC_REST_REQUEST_TIMEOUT')).to.equal('15m');
      expect(env.has('TEMPORAL_TLS')).to.equal(false);
      expect(env.has('POD_NAME')).to.equal(true);
    });

    it('leaves the worker on its default task queues', () => {
      const env = envOf(find(objects, 'Deployment', WORKER));
      expect(env.has('TAC_WORKER_TASK_QUEUES')).to.equal(false);
      expect(env.get('TAC_WORKER_SHUTDOWN_GRACE')).to.equal('10s');
    });

    it('probes the operator, the workflow client and the worker on /healthz and /readyz', () => {
      for (const name of [OPERATOR, CLIENT, WORKER]) {
        const c = container(find(objects, 'Deployment', name));
        // The operator serves TLS by default.
        const scheme = name === OPERATOR ? 'HTTPS' : 'HTTP';
        expect(c.livenessProbe, name).to.deep.include({
          httpGet: { path: '/healthz', port: 'http', scheme },
        });
        expect(c.readinessProbe, name).to.deep.include({
          httpGet: { path: '/readyz', port: 'http', scheme },
        });
      }
    });

    it('gives the worker its monitoring port 9091 and a startup probe that waits for polling', () => {
      const worker = find(objects, 'Deployment', WORKER);
      const c = container(worker);
      expect(c.ports).to.deep.equal([{ name: 'http', containerPort: 9091, protocol: 'TCP' }]);
      const env = envOf(worker);
      expect(env.get('TAC_WORKER_MONITOR')).to.equal('true');
      expect(env.get('TAC_WORKER_MONITOR_PORT')).to.equal('9091');
      expect(env.get('TAC_WORKER_MONITOR_HOST')).to.equal('0.0.0.0');
      expect(c.startupProbe).to.deep.equal({
        httpGet: { path: '/readyz', port: 'http', scheme: 'HTTP' },
        initialDelaySeconds: 2,
        periodSeconds: 2,
        timeoutSeconds: 3,
        failureThreshold: 90,
      });
      expect(c.livenessProbe).to.deep.include({ periodSeconds: 10, failureThreshold: 6 });
      expect(c.readinessProbe).to.deep.include({ periodSeconds: 5, failureThreshold: 3 });
      const service = find(objects, 'Service', WORKER).spec as { ports: unknown[]; selector: object };
      expect(service.ports).to.deep.equal([
        { name: 'http', port: 9091, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
      ]);
      expect(service.selector).to.include({ 'app.kubernetes.io/component': 'worker' });
    });

    it('exposes the REST API on 9064 and the workflow client on 9090', () => {
      const op = find(objects, 'Service', OPERATOR).spec as { ports: { port: number; targetPort: string }[] };
      expect(op.ports).to.deep.equal([
        { name: 'http', port: 9064, targetPort: 'http', protocol: 'TCP', appProtocol: 'https' },
      ]);
      const client = find(objects, 'Service', CLIENT).spec as { ports: { port: number }[] };
      expect(client.ports[0]?.port).to.equal(9090);
    });

    it('tags images with the chart appVersion and sets resources on every container', () => {
      for (const [name, repo] of [
        [OPERATOR, 'tac-operator/operator'],
        [CLIENT, 'tac-operator/workflow-client'],
        [WORKER, 'tac-operator/worker'],
      ] as const) {
        const c = container(find(objects, 'Deployment', name));
        expect(c.image).to.equal(`${repo}:0.1.0`);
        expect(c.resources).to.have.nested.property('requests.memory');
        expect(c.resources).to.have.nested.property('limits.memory');
      }
    });
  });

  it('sets only environment variables the programs read, with every feature on', async () => {
    const objects = await render(everythingOn());
    for (const [name, program] of [
      [OPERATOR, 'operator'],
      [CLIENT, 'workflow-client'],
      [WORKER, 'worker'],
    ] as const) {
      const unknown = [...envOf(find(objects, 'Deployment', name)).keys()].filter(
        (v) => !PROGRAM_ENV[program].has(v),
      );
      expect(unknown, `${program} env`).to.deep.equal([]);
    }
  });

  describe('workflow-client token', () => {
    it('generates a token Secret by default and gives it to the client (required) and the operator (sent to its own client)', async () => {
      const objects = await render();
      const secret = find(objects, 'Secret', `${CLIENT}-token`) as K8sObject & {
        data?: Record<string, string>;
      };
      const token = Buffer.from(secret.data?.['token'] ?? '', 'base64').toString('utf8');
      expect(token).to.match(/^[A-Za-z0-9]{48}$/);
      const client = find(objects, 'Deployment', CLIENT);
      expect(envOf(client).get('TAC_CLIENT_TOKEN_FILE')).to.equal('/etc/tac/client-auth/token');
      expect(envOf(client).has('TAC_CLIENT_AUTH')).to.equal(false);
      expect(envOf(client).get('TAC_CLIENT_MAX_CONCURRENT_INVOKES')).to.equal('64');
      const operator = find(objects, 'Deployment', OPERATOR);
      const env = envOf(operator);
      expect(env.get('TAC_INVOKE_TOKEN_FILE')).to.equal('/etc/tac/invoke/token/token');
      expect(env.get('TAC_OWN_CLIENT_ENDPOINTS')?.split(',')).to.deep.equal([
        `${CLIENT}:9090`,
        `${CLIENT}.tac-system:9090`,
        `${CLIENT}.tac-system.svc:9090`,
        `${CLIENT}.tac-system.svc.cluster.local:9090`,
      ]);
      expect(env.has('TAC_INVOKE_TOKEN_ENDPOINTS')).to.equal(false);
      expect(env.get('TAC_INVOKE_MAX_REPLY_BYTES')).to.equal('65536');
      for (const d of [client, operator]) {
        const volume = (podSpec(d).volumes ?? []).find((v) => v.secret?.secretName === `${CLIENT}-token`);
        expect(volume?.secret?.items, d.metadata.name).to.deep.equal([{ key: 'token', path: 'token' }]);
      }
    });

    it('uses a named Secret instead of generating one', async () => {
      const objects = await render({ workflowClient: { auth: { tokenSecret: { name: 'mine', key: 'k' } } } });
      expect(ofKind(objects, 'Secret').filter((o) => o.metadata.name.endsWith('-token'))).to.deep.equal([]);
      const operator = find(objects, 'Deployment', OPERATOR);
      const volume = (podSpec(operator).volumes ?? []).find((v) => v.name === 'invoke-token');
      expect(volume?.secret).to.deep.include({ secretName: 'mine', items: [{ key: 'k', path: 'token' }] });
    });

    it('turns the token off only when asked: the client then says so (TAC_CLIENT_AUTH=none)', async () => {
      const objects = await render({ workflowClient: { auth: { enabled: false } } });
      expect(ofKind(objects, 'Secret').filter((o) => o.metadata.name.endsWith('-token'))).to.deep.equal([]);
      expect(envOf(find(objects, 'Deployment', CLIENT)).get('TAC_CLIENT_AUTH')).to.equal('none');
      expect(envOf(find(objects, 'Deployment', CLIENT)).has('TAC_CLIENT_TOKEN_FILE')).to.equal(false);
      expect(envOf(find(objects, 'Deployment', OPERATOR)).has('TAC_INVOKE_TOKEN_FILE')).to.equal(false);
    });

    it('needs the endpoints that receive a named token when the chart runs no workflow client', async () => {
      const values = {
        workflowClient: { enabled: false, auth: { tokenSecret: { name: 'external-token' } } },
        operator: { invoke: { allowedClientEndpoints: ['wfc.emco:9090'] } },
      };
      const refused = await template(values);
      expect(refused.code).to.not.equal(0);
      expect(refused.stderr).to.contain(
        'operator.invoke.tokenEndpoints must list the workflow clients that receive the token',
      );
      const objects = await render({
        ...values,
        operator: {
          invoke: { allowedClientEndpoints: ['wfc.emco:9090'], tokenEndpoints: ['wfc.emco:9090'] },
        },
      });
      const env = envOf(find(objects, 'Deployment', OPERATOR));
      expect(env.get('TAC_INVOKE_TOKEN_ENDPOINTS')).to.equal('wfc.emco:9090');
      expect(env.has('TAC_OWN_CLIENT_ENDPOINTS')).to.equal(false);
    });
  });

  it("gives the worker the EMCO URL allow-list of values, and leaves it to the program's default otherwise", async () => {
    expect(envOf(find(await render(), 'Deployment', WORKER)).has('TAC_WORKER_EMCO_ALLOWED_URLS')).to.equal(
      false,
    );
    const objects = await render({
      worker: { emcoAllowedUrls: ['http://orchestrator.emco:9015', 'https://e.example/api'] },
    });
    expect(envOf(find(objects, 'Deployment', WORKER)).get('TAC_WORKER_EMCO_ALLOWED_URLS')).to.equal(
      'http://orchestrator.emco:9015,https://e.example/api',
    );
  });

  it('drops the workflow client when disabled, and then requires an explicit endpoint allow-list', async () => {
    const refused = await template({ workflowClient: { enabled: false } });
    expect(refused.code).to.not.equal(0);
    expect(refused.stderr).to.contain(
      'operator.invoke.allowedClientEndpoints must list the workflow clients intents may call when workflowClient.enabled is false',
    );
    const objects = await render({
      workflowClient: { enabled: false },
      operator: { invoke: { allowedClientEndpoints: ['wfc.emco:9090'] } },
    });
    expect(names(objects).filter((n) => n.includes('workflow-client'))).to.deep.equal([]);
    expect(envOf(find(objects, 'Deployment', OPERATOR)).get('TAC_ALLOWED_CLIENT_ENDPOINTS')).to.equal(
      'wfc.emco:9090',
    );
  });

  it('names the workflow-client Service as asked, and allows exactly that name', async () => {
    const objects = await render({
      workflowClient: { service: { name: 'tac-workflow-client', port: 9090 } },
    });
    expect(find(objects, 'Service', 'tac-workflow-client').metadata.namespace).to.equal('tac-system');
    expect(names(objects)).to.not.include(`Service/${CLIENT}`);
    expect(names(objects)).to.include(`Deployment/${CLIENT}`);
    const allowed = envOf(find(objects, 'Deployment', OPERATOR))
      .get('TAC_ALLOWED_CLIENT_ENDPOINTS')
      ?.split(',');
    expect(allowed).to.include.members([
      'tac-workflow-client:9090',
      'tac-workflow-client.tac-system.svc:9090',
    ]);
    expect(allowed?.some((a) => a.startsWith(CLIENT))).to.equal(false);
  });

  it('takes the worker monitoring port and probe timing from values', async () => {
    const objects = await render(everythingOn());
    const worker = find(objects, 'Deployment', WORKER);
    const c = container(worker);
    expect(c.ports).to.deep.equal([{ name: 'http', containerPort: 9191, protocol: 'TCP' }]);
    expect(envOf(worker).get('TAC_WORKER_MONITOR_PORT')).to.equal('9191');
    expect(envOf(worker).get('TAC_WORKER_MONITOR_HOST')).to.equal('::');
    expect(c.startupProbe).to.deep.include({ periodSeconds: 5, failureThreshold: 60 });
    expect(c.livenessProbe).to.deep.include({ periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 });
    expect(c.readinessProbe).to.deep.include({ periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 2 });
  });

  it('drops the worker port, probes, Service, ServiceMonitor and policy rule with monitoring off', async () => {
    const objects = await render({
      worker: { monitoring: { enabled: false } },
      metrics: { serviceMonitor: { enabled: true } },
      networkPolicy: { enabled: true, worker: { from: [{ podSelector: {} }] } },
    });
    const worker = find(objects, 'Deployment', WORKER);
    const c = container(worker);
    expect(c.ports).to.equal(undefined);
    expect(c.startupProbe).to.equal(undefined);
    expect(c.livenessProbe).to.equal(undefined);
    expect(c.readinessProbe).to.equal(undefined);
    const env = envOf(worker);
    expect(env.get('TAC_WORKER_MONITOR')).to.equal('false');
    expect(env.has('TAC_WORKER_MONITOR_PORT')).to.equal(false);
    expect(names(objects)).to.not.include(`Service/${WORKER}`);
    expect(ofKind(objects, 'ServiceMonitor').map((m) => m.metadata.name)).to.not.include(WORKER);
    expect(find(objects, 'NetworkPolicy', WORKER).spec).to.deep.include({ ingress: [] });
  });

  it('drops the worker when disabled', async () => {
    const objects = await render({ worker: { enabled: false } });
    expect(names(objects).filter((n) => n.includes('worker'))).to.deep.equal([]);
    expect(names(objects)).to.include(`Deployment/${CLIENT}`);
  });

  it('renders ServiceMonitors for the operator, the client and the worker only when enabled', async () => {
    expect(ofKind(await render(), 'ServiceMonitor')).to.have.length(0);
    const on = await render({ metrics: { serviceMonitor: { enabled: true, labels: { release: 'prom' } } } });
    const monitors = ofKind(on, 'ServiceMonitor');
    expect(monitors.map((m) => m.metadata.name).sort()).to.deep.equal([OPERATOR, CLIENT, WORKER].sort());
    for (const m of monitors) {
      expect(m.metadata.labels?.release).to.equal('prom');
      expect(m.spec).to.have.nested.property('endpoints[0].path', '/metrics');
      expect(m.spec).to.have.nested.property('endpoints[0].port', 'http');
    }
    const worker = find(on, 'ServiceMonitor', WORKER).spec as {
      selector: { matchLabels: Record<string, string> };
      endpoints: { scheme: string }[];
    };
    expect(worker.selector.matchLabels).to.include({ 'app.kubernetes.io/component': 'worker' });
    expect(worker.endpoints[0]?.scheme).to.equal('http');
    expect(find(on, 'Service', WORKER).metadata.labels).to.include(worker.selector.matchLabels);
    const withoutClient = await render({
      metrics: { serviceMonitor: { enabled: true } },
      workflowClient: { enabled: false },
      operator: { invoke: { allowedClientEndpoints: ['wfc.emco:9090'] } },
    });
    expect(
      ofKind(withoutClient, 'ServiceMonitor')
        .map((m) => m.metadata.name)
        .sort(),
    ).to.deep.equal([OPERATOR, WORKER].sort());
    const withoutWorker = await render({
      metrics: { serviceMonitor: { enabled: true } },
      worker: { enabled: false },
    });
    expect(ofKind(withoutWorker, 'ServiceMonitor').map((m) => m.metadata.name)).to.not.include(WORKER);
  });

  it('renders NetworkPolicies only when enabled: the client admits the operator pods, the worker nothing by default', async () => {
    expect(ofKind(await render(), 'NetworkPolicy')).to.have.length(0);
    const objects = await render({ networkPolicy: { enabled: true } });
    expect(
      ofKind(objects, 'NetworkPolicy')
        .map((p) => p.metadata.name)
        .sort(),
    ).to.deep.equal([OPERATOR, CLIENT, WORKER].sort());
    const client = find(objects, 'NetworkPolicy', CLIENT).spec as {
      ingress: { from: { podSelector: { matchLabels: Record<string, string> } }[] }[];
    };
    expect(client.ingress[0]?.from[0]?.podSelector.matchLabels).to.include({
      'app.kubernetes.io/component': 'operator',
    });
    expect(find(objects, 'NetworkPolicy', WORKER).spec).to.deep.include({ ingress: [] });
  });

  it("lets the configured peers reach the worker's monitoring port through its NetworkPolicy", async () => {
    const objects = await render(everythingOn());
    expect(find(objects, 'NetworkPolicy', WORKER).spec).to.deep.include({
      ingress: [
        {
          ports: [{ port: 'http', protocol: 'TCP' }],
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        },
      ],
    });
  });

  it("serves EMCO's gRPC action controller only when enabled: port, Service, NetworkPolicy and etcd settings", async () => {
    const off = await render();
    expect(container(find(off, 'Deployment', OPERATOR)).ports?.map((p) => p.name)).to.deep.equal(['http']);
    expect(
      [...envOf(find(off, 'Deployment', OPERATOR)).keys()].filter((k) => /GRPC|ETCD/.test(k)),
    ).to.deep.equal([]);
    const refused = await template({ operator: { grpc: { enabled: true } } });
    expect(refused.stderr).to.match(/operator\.grpc\.emcoEtcd\.endpoints is required/);

    const objects = await render(everythingOn());
    const deployment = find(objects, 'Deployment', OPERATOR);
    expect(container(deployment).ports).to.deep.include({
      name: 'grpc',
      containerPort: 9065,
      protocol: 'TCP',
    });
    const env = envOf(deployment);
    expect(Object.fromEntries([...env.entries()].filter(([k]) => /GRPC|ETCD/.test(k)))).to.deep.equal({
      TAC_GRPC_ENABLED: 'true',
      TAC_GRPC_PORT: '9065',
      TAC_EMCO_ETCD_ENDPOINTS: 'https://etcd.emco:2379',
      TAC_EMCO_ETCD_TIMEOUT: '5s',
      TAC_EMCO_ETCD_CA_FILE: '/etc/tac/emco-etcd/tls/ca.crt',
      TAC_EMCO_ETCD_CERT_FILE: '/etc/tac/emco-etcd/tls/tls.crt',
      TAC_EMCO_ETCD_KEY_FILE: '/etc/tac/emco-etcd/tls/tls.key',
      TAC_EMCO_ETCD_USERNAME: 'tac',
      TAC_EMCO_ETCD_PASSWORD_FILE: '/etc/tac/emco-etcd/password/password',
    });
    expect(mountPaths(deployment)).to.include.members([
      '/etc/tac/emco-etcd/tls',
      '/etc/tac/emco-etcd/password',
    ]);
    expect(volumeNames(deployment)).to.include.members(['emco-etcd-tls', 'emco-etcd-password']);
    const service = find(objects, 'Service', OPERATOR).spec as { ports: Record<string, unknown>[] };
    expect(service.ports).to.deep.include({
      name: 'grpc',
      port: 9065,
      targetPort: 'grpc',
      protocol: 'TCP',
      appProtocol: 'kubernetes.io/h2c',
    });
    const policy = find(objects, 'NetworkPolicy', OPERATOR).spec as {
      ingress: { ports: { port: string }[]; from?: unknown[] }[];
    };
    expect(policy.ingress.map((r) => r.ports[0]?.port)).to.deep.equal(['http', 'grpc']);
    expect(policy.ingress[1]?.from).to.deep.equal([
      { podSelector: { matchLabels: { app: 'orchestrator' } } },
    ]);
  });

  it('renders a PodDisruptionBudget only when enabled', async () => {
    expect(ofKind(await render(), 'PodDisruptionBudget')).to.have.length(0);
    const objects = await render({
      operator: { replicaCount: 3, podDisruptionBudget: { enabled: true, minAvailable: 2 } },
    });
    expect(find(objects, 'PodDisruptionBudget', OPERATOR).spec).to.deep.include({ minAvailable: 2 });
    expect(find(objects, 'Deployment', OPERATOR).spec).to.deep.include({ replicas: 3 });
  });

  it('turns REST authentication on by default (TokenReview, SubjectAccessReview), off only when asked', async () => {
    const objects = await render();
    expect(names(objects).filter((n) => n.includes('rest-auth'))).to.deep.equal([
      `ClusterRole/${OPERATOR}-rest-auth`,
      `ClusterRoleBinding/${OPERATOR}-rest-auth`,
    ]);
    const env = envOf(find(objects, 'Deployment', OPERATOR));
    expect(env.get('TAC_REST_AUTH')).to.equal('kubernetes');
    expect(env.get('TAC_REST_AUTH_AUDIENCES')).to.equal('tac-operator');
    expect(env.get('TAC_REST_ARBITRARY_WORKFLOW_IDS')).to.equal('false');
    expect(env.get('TAC_METRICS_INTENT_GAUGE')).to.equal('false');
    const off = await render({ operator: { rest: { auth: { enabled: false } } } });
    expect(names(off).filter((n) => n.includes('rest-auth'))).to.deep.equal([]);
    expect(envOf(find(off, 'Deployment', OPERATOR)).get('TAC_REST_AUTH')).to.equal('none');
    const open = await template({
      operator: { rest: { auth: { enabled: false }, arbitraryWorkflowIds: true } },
    });
    expect(open.stderr).to.contain('operator.rest.arbitraryWorkflowIds needs operator.rest.auth.enabled');
  });

  it('serves TLS by default with a generated certificate for the Service names, or a cert-manager Certificate', async () => {
    const objects = await render();
    const secret = find(objects, 'Secret', `${OPERATOR}-rest-tls`) as unknown as {
      type: string;
      data: Record<string, string>;
    };
    expect(secret.type).to.equal('kubernetes.io/tls');
    expect(Object.keys(secret.data).sort()).to.deep.equal(['ca.crt', 'tls.crt', 'tls.key']);
    const cert = new X509Certificate(Buffer.from(secret.data['tls.crt'] ?? '', 'base64'));
    expect(cert.subjectAltName).to.contain(`DNS:${OPERATOR}.tac-system.svc`);
    expect(
      cert.verify(new X509Certificate(Buffer.from(secret.data['ca.crt'] ?? '', 'base64')).publicKey),
    ).to.equal(true);
    const env = envOf(find(objects, 'Deployment', OPERATOR));
    expect(env.get('TAC_REST_TLS_CERT_FILE')).to.equal('/etc/tac/rest-tls/tls.crt');
    const managed = await render({
      operator: { rest: { tls: { certManager: { enabled: true, issuerRef: { name: 'ca-issuer' } } } } },
    });
    expect(
      ofKind(managed, 'Secret').filter((o) => o.metadata.name === `${OPERATOR}-rest-tls`),
    ).to.have.length(0);
    const certificate = find(managed, 'Certificate', `${OPERATOR}-rest-tls`) as unknown as {
      spec: { secretName: string; dnsNames: string[]; issuerRef: { name: string } };
    };
    expect(certificate.spec.secretName).to.equal(`${OPERATOR}-rest-tls`);
    expect(certificate.spec.issuerRef.name).to.equal('ca-issuer');
    expect(certificate.spec.dnsNames).to.include(`${OPERATOR}.tac-system.svc`);
    const given = await render({ operator: { rest: { tls: { secretName: 'mine' } } } });
    expect(ofKind(given, 'Secret').filter((o) => o.metadata.name === `${OPERATOR}-rest-tls`)).to.have.length(
      0,
    );
  });

  it('mounts the client CA of client certificates, which need TLS and authentication', async () => {
    const objects = await render({
      operator: { rest: { clientCertificates: { caSecret: 'emco-clients' } } },
    });
    const deployment = find(objects, 'Deployment', OPERATOR);
    expect(envOf(deployment).get('TAC_REST_CLIENT_CA_FILE')).to.equal('/etc/tac/rest-client-ca/ca.crt');
    expect(mountPaths(deployment)).to.include('/etc/tac/rest-client-ca');
    const noTls = await template({
      operator: { rest: { tls: { enabled: false }, clientCertificates: { caSecret: 'emco-clients' } } },
    });
    expect(noTls.stderr).to.contain(
      'operator.rest.clientCertificates.caSecret needs operator.rest.tls.enabled',
    );
  });

  it('renders no RBAC with rbac.create=false', async () => {
    const objects = await render({
      rbac: { create: false },
      operator: { rest: { auth: { enabled: true } } },
    });
    expect(names(objects).filter((n) => /^(Cluster)?Role(Binding)?\//.test(n))).to.deep.equal([]);
  });

  it('uses a Role per watched namespace instead of the ClusterRole', async () => {
    const objects = await render({ operator: { watchNamespaces: ['team-a', 'team-b'] } });
    // Only the cluster-scoped TokenReview/SubjectAccessReview grant of REST authentication remains.
    expect(ofKind(objects, 'ClusterRole').map((r) => r.metadata.name)).to.deep.equal([
      `${OPERATOR}-rest-auth`,
    ]);
    const roles = ofKind(objects, 'Role').filter((r) => r.metadata.name === OPERATOR);
    expect(roles.map((r) => r.metadata.namespace).sort()).to.deep.equal(['team-a', 'team-b']);
    const bindings = ofKind(objects, 'RoleBinding').filter((r) => r.metadata.name === OPERATOR);
    expect(bindings.map((r) => r.metadata.namespace).sort()).to.deep.equal(['team-a', 'team-b']);
    const env = envOf(find(objects, 'Deployment', OPERATOR));
    expect(env.get('TAC_WATCH_NAMESPACES')).to.equal('team-a,team-b');
    expect(env.get('TAC_DEFAULT_NAMESPACE')).to.equal('team-a');
    expect(find(objects, 'Role', `${OPERATOR}-leader-election`).metadata.namespace).to.equal('tac-system');
  });

  it('rejects a defaultNamespace the operator does not watch, naming both values', async () => {
    const result = await template({ operator: { watchNamespaces: ['team-a'], defaultNamespace: 'team-z' } });
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.contain(
      'operator.defaultNamespace "team-z" must be one of operator.watchNamespaces',
    );
  });

  it('drops the Lease Role without leader election, and refuses several replicas without it', async () => {
    const objects = await render({ operator: { leaderElection: { enabled: false } } });
    expect(names(objects).filter((n) => n.includes('leader-election'))).to.deep.equal([]);
    expect(envOf(find(objects, 'Deployment', OPERATOR)).get('TAC_LEADER_ELECT')).to.equal('false');
    const result = await template({ operator: { replicaCount: 2, leaderElection: { enabled: false } } });
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.contain(
      'operator.leaderElection.enabled must be true when operator.replicaCount is greater than 1',
    );
  });

  it('requires the Secret names of the TLS settings it is asked to use', async () => {
    const rest = await template({ operator: { rest: { tls: { certManager: { enabled: true } } } } });
    expect(rest.stderr).to.contain('operator.rest.tls.certManager.issuerRef.name is required');
    const client = await template({ workflowClient: { tls: { enabled: true } } });
    expect(client.stderr).to.contain('workflowClient.tls.secretName is required');
  });

  it('mounts the Temporal credentials into all three programs', async () => {
    const objects = await render(everythingOn());
    for (const name of [OPERATOR, CLIENT, WORKER]) {
      const deployment = find(objects, 'Deployment', name);
      const env = envOf(deployment);
      expect(env.get('TEMPORAL_ADDRESS'), name).to.equal('temporal.example.internal:7233');
      expect(env.get('TEMPORAL_NAMESPACE'), name).to.equal('tac');
      expect(env.get('TEMPORAL_TLS'), name).to.equal('true');
      expect(env.get('TEMPORAL_TLS_SERVER_NAME'), name).to.equal('temporal.example.internal');
      expect(env.get('TEMPORAL_TLS_CA_FILE'), name).to.equal('/etc/tac/temporal/ca/ca.crt');
      expect(env.get('TEMPORAL_TLS_CERT_FILE'), name).to.equal('/etc/tac/temporal/client/tls.crt');
      expect(env.get('TEMPORAL_API_KEY_FILE'), name).to.equal('/etc/tac/temporal/api-key/api-key');
      expect(mountPaths(deployment), name).to.include.members([
        '/etc/tac/temporal/ca',
        '/etc/tac/temporal/client',
        '/etc/tac/temporal/api-key',
      ]);
      const volumes = podSpec(deployment).volumes ?? [];
      expect(volumes.find((v) => v.name === 'temporal-ca')?.secret?.secretName, name).to.equal('temporal-ca');
    }
  });

  it('serves HTTPS with TLS on: probes, Service appProtocol, ServiceMonitor scheme and the operator trusts the client CA', async () => {
    const objects = await render(everythingOn());
    const operator = find(objects, 'Deployment', OPERATOR);
    expect(container(operator).livenessProbe).to.have.nested.property('httpGet.scheme', 'HTTPS');
    expect(container(find(objects, 'Deployment', CLIENT)).readinessProbe).to.have.nested.property(
      'httpGet.scheme',
      'HTTPS',
    );
    expect(find(objects, 'Service', OPERATOR).spec).to.have.nested.property('ports[0].appProtocol', 'https');
    expect(find(objects, 'ServiceMonitor', OPERATOR).spec).to.have.nested.property(
      'endpoints[0].scheme',
      'https',
    );
    const env = envOf(operator);
    expect(env.get('TAC_REST_TLS_CERT_FILE')).to.equal('/etc/tac/rest-tls/tls.crt');
    expect(env.get('TAC_INVOKE_TLS_CA_FILE')).to.equal('/etc/tac/invoke/ca/ca.crt');
    expect(env.get('TAC_INVOKE_TOKEN_FILE')).to.equal('/etc/tac/invoke/token/token');
    expect(env.get('TAC_EMCO_ORCHESTRATOR_URL')).to.equal('http://orchestrator.emco:9015');
    expect(env.get('TEMPORAL_UI_URL')).to.equal('https://temporal-ui.example.internal');
    expect(env.get('TAC_ALLOWED_CLIENT_ENDPOINTS')?.split(',')).to.include.members([
      '*.workflow-clients.svc.cluster.local',
      'legacy-client:9090',
      `${CLIENT}:9090`,
    ]);
    const clientEnv = envOf(find(objects, 'Deployment', CLIENT));
    expect(clientEnv.get('TAC_CLIENT_TLS_CERT_FILE')).to.equal('/etc/tac/client-tls/tls.crt');
    expect(clientEnv.get('TAC_CLIENT_TOKEN_FILE')).to.equal('/etc/tac/client-auth/token');
  });

  it('renders the named clients into a ConfigMap the client mounts, and rolls pods when it changes', async () => {
    const a = await render({ workflowClient: { config: { clients: { a: { taskQueue: 'A' } } } } });
    const cm = find(a, 'ConfigMap', CLIENT) as K8sObject & { data: Record<string, string> };
    expect(cm.data['config.yaml']).to.contain('taskQueue: A');
    const deployment = find(a, 'Deployment', CLIENT);
    expect(envOf(deployment).get('TAC_CLIENT_CONFIG')).to.equal('/etc/tac/client/config.yaml');
    expect(volumeNames(deployment)).to.include('config');
    const b = await render({ workflowClient: { config: { clients: { a: { taskQueue: 'B' } } } } });
    expect(podAnnotations(find(b, 'Deployment', CLIENT))['checksum/config'])
      .to.be.a('string')
      .and.not.equal(podAnnotations(deployment)['checksum/config']);
    expect(envOf(find(await render(), 'Deployment', CLIENT)).has('TAC_CLIENT_CONFIG')).to.equal(false);
  });

  it('mounts an existing ConfigMap instead of rendering one', async () => {
    const objects = await render({
      workflowClient: { existingConfigMap: 'my-clients', config: { ignored: true } },
    });
    expect(ofKind(objects, 'ConfigMap')).to.have.length(0);
    const volumes = podSpec(find(objects, 'Deployment', CLIENT)).volumes ?? [];
    expect(volumes.find((v) => v.name === 'config')?.configMap?.name).to.equal('my-clients');
  });

  it('passes task queues to the worker and pins images by digest when given', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const objects = await render({
      worker: {
        taskQueues: ['HELLO', 'MIGRATION'],
        image: { repository: 'r/worker', tag: '', digest, pullPolicy: 'Always' },
      },
    });
    const worker = find(objects, 'Deployment', WORKER);
    expect(envOf(worker).get('TAC_WORKER_TASK_QUEUES')).to.equal('HELLO,MIGRATION');
    expect(container(worker).image).to.equal(`r/worker@${digest}`);
  });

  it('names objects after fullnameOverride and keeps names within 63 characters', async () => {
    const objects = await render({ fullnameOverride: 'tac' });
    expect(names(objects)).to.include.members([
      'Deployment/tac',
      'Deployment/tac-workflow-client',
      'Deployment/tac-worker',
    ]);
    const long = await render({}, { release: 'a-long-release-name-that-goes-on-for-quite-a-while-53' });
    for (const o of long) expect(o.metadata.name.length, o.metadata.name).to.be.at.most(63);
  });
});
