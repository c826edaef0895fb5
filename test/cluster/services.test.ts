// Pods on the cluster tier: a Pod from a locally imported image runs and answers through its
// ClusterIP Service (kube-proxy) from the host; CoreDNS answers the host for cluster names; a Pod
// reaches Temporal on the host address and the API server through the `kubernetes` Service with
// its projected token, verified against kube-root-ca.crt.
import { Resolver } from 'node:dns/promises';
import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import { kubectl } from '../../testenv/env.js';
import { importImages } from '../../testenv/cluster/images.js';
import { CLUSTER_PLAN } from '../../testenv/cluster/plan.js';
import {
  apply,
  freshName,
  getJson,
  log,
  logPodStartTimes,
  sharedCluster,
  waitDeploymentAvailable,
  waitServiceAnswers,
} from './support/cluster.js';

function probeManifests(ns: string, image: string): Record<string, unknown>[] {
  const labels = { app: 'probe' };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'probe', namespace: ns },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'probe',
                image,
                imagePullPolicy: 'IfNotPresent',
                ports: [{ containerPort: 8080 }],
                readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'probe', namespace: ns },
      spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
    },
  ];
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  return { status: res.status, body: await res.text() };
}

describe('cluster tier: Pods and Services', function () {
  this.timeout(300_000);
  const ns = freshName('tac-svc');
  let serviceIp = '';

  before(async () => {
    const info = sharedCluster();
    const [imported] = await importImages(info, [info.cluster.images.probe.tar]);
    log(`[cluster-tests] imported the probe image in ${imported?.ms ?? -1} ms`);
    await apply(info, probeManifests(ns, info.cluster.images.probe.ref));
    const waited = await waitDeploymentAvailable(info, ns, 'probe');
    log(`[cluster-tests] probe deployment available ${waited} ms after apply`);
    await logPodStartTimes(info, ns, 'app=probe');
    serviceIp = (await getJson<{ spec: { clusterIP: string } }>(info, ['service', 'probe', '-n', ns])).spec
      .clusterIP;
    await waitServiceAnswers(`http://${serviceIp}/`);
  });

  after(async () => {
    await kubectl(sharedCluster(), ['delete', 'namespace', ns, '--wait=false']);
  });

  it('serves a Pod from an imported image through its ClusterIP Service from the host', async () => {
    expect(serviceIp.startsWith('198.19.0.')).to.equal(
      true,
      `ClusterIP ${serviceIp} outside ${CLUSTER_PLAN.serviceCidr}`,
    );
    const res = await get(`http://${serviceIp}/`);
    expect(res.status).to.equal(200);
    expect(res.body).to.match(/^probe probe-[a-z0-9]+-[a-z0-9]+\n$/);
  });

  it('resolves kubernetes.default.svc.cluster.local and the probe Service through CoreDNS', async () => {
    const info = sharedCluster();
    const resolver = new Resolver({ timeout: 3000, tries: 2 });
    resolver.setServers([info.cluster.dnsIp]);
    expect(await resolver.resolve4('kubernetes.default.svc.cluster.local')).to.deep.equal([
      CLUSTER_PLAN.kubernetesServiceIp,
    ]);
    expect(await resolver.resolve4(`probe.${ns}.svc.cluster.local`)).to.deep.equal([serviceIp]);
  });

  it('lets a Pod reach Temporal at the host address: health SERVING, and a workflow described', async () => {
    const info = sharedCluster();
    const addr = info.cluster.temporalAddressForPods;
    const health = await get(`http://${serviceIp}/grpc-health?addr=${addr}`);
    expect(health.body.trim()).to.equal('1', health.body);
    expect(health.status).to.equal(200);
    // Describing a workflow goes past the frontend to the history service: a workflow started from
    // the host is found from the Pod, an unknown one is NOT_FOUND (5), never UNAVAILABLE (14).
    const connection = await Connection.connect({ address: info.temporalAddress });
    const client = new Client({ connection, namespace: info.temporalNamespace });
    const workflowId = freshName('cluster-probe');
    const handle = await client.workflow.start('noWorkerPollsThis', {
      taskQueue: 'cluster-probe',
      workflowId,
    });
    try {
      const describe = (id: string): Promise<{ status: number; body: string }> =>
        get(
          `http://${serviceIp}/temporal-describe?addr=${addr}&namespace=${info.temporalNamespace}&workflowId=${id}`,
        );
      expect((await describe(workflowId)).body).to.match(/^grpc-status 0: /);
      expect((await describe(freshName('no-such-workflow'))).body).to.match(/^grpc-status 5: /);
    } finally {
      await handle.terminate('test done');
      await connection.close();
    }
  });

  it('serves kubectl logs and exec through the kubelet (API server client certificate)', async () => {
    const info = sharedCluster();
    const logs = await kubectl(info, ['logs', '-n', ns, 'deployment/probe']);
    expect(logs).to.include('probe listening on :8080');
    const pods = await getJson<{ items: { metadata: { name: string } }[] }>(info, [
      'pods',
      '-n',
      ns,
      '-l',
      'app=probe',
    ]);
    const pod = pods.items[0]?.metadata.name ?? '';
    const out = await kubectl(info, ['exec', '-n', ns, pod, '--', '/probe', 'not-an-address']).catch(
      (err: unknown) => String(err),
    );
    // The probe cannot listen on a bad address: the error text proves the exec reached the container.
    expect(out).to.match(/not-an-address/);
  });

  it('lets a Pod reach the API server through the kubernetes Service with its projected token', async () => {
    for (const host of ['', 'kubernetes.default.svc']) {
      const res = await get(`http://${serviceIp}/whoami${host === '' ? '' : `?host=${host}`}`);
      expect(res.status).to.equal(201, res.body);
      const review = JSON.parse(res.body) as { status: { userInfo: { username: string; groups: string[] } } };
      expect(review.status.userInfo.username).to.equal(`system:serviceaccount:${ns}:default`);
      expect(review.status.userInfo.groups).to.include('system:serviceaccounts');
    }
  });
});
