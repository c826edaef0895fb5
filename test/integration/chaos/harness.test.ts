// The chaos suite's own machinery against real servers: its etcd, kube-apiserver and Temporal
// survive a SIGKILL and restart with their data (a ConfigMap, a running workflow), and the fault
// proxy's link faults do what they say (a cut resets, a black hole never answers, heal restores).
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import { adminKubeConfig } from '../../../bench/kube.js';
import { startFaultProxy, type FaultProxy } from '../../../chaos/fault-proxy.js';
import { startChaosServers, type ChaosServers } from '../../../chaos/servers.js';
import { waitFor } from '../../support/env.js';

const log = (): void => {};

/** One round trip through `port`: resolves with what came back, rejects on a reset or after `ms`. */
function echoOnce(port: number, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
    socket.on('connect', () => socket.write('ping'));
    socket.on('data', (b: Buffer) => {
      clearTimeout(timer);
      socket.end();
      resolve(b.toString());
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      reject(new Error('closed without an answer'));
    });
  });
}

describe('chaos harness', function () {
  this.timeout(240_000);

  describe('restartable servers', () => {
    let servers: ChaosServers | undefined;
    before(async () => {
      servers = await startChaosServers(log);
    });
    after(async () => {
      await servers?.stop();
    });

    it('keeps a ConfigMap across SIGKILL and restart of etcd and of the API server', async () => {
      const s = servers;
      if (s === undefined) throw new Error('servers did not start');
      const info = {
        kubeconfigPath: s.kubeconfigPath,
        kubeApiUrl: s.kubeApiUrl,
        caPath: s.caPath,
        identities: s.identities,
        temporalAddress: s.temporalAddress,
        temporalNamespace: s.temporalNamespace,
        temporalUiUrl: '',
        kubectlPath: s.kubectlPath,
        helmPath: '',
        binDir: s.binDir,
        workDir: s.workDir,
        pids: { etcd: 0, kubeApiserver: 0, temporal: 0 },
      };
      const core = adminKubeConfig(info).makeApiClient(CoreV1Api);
      await core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'survivor' }, data: { kept: 'yes' } },
      });
      const oldEtcd = s.etcd.pid();
      await s.etcd.kill();
      await s.etcd.start();
      expect(s.etcd.pid()).to.not.equal(oldEtcd);
      await s.apiserver.kill();
      await s.apiserver.start();
      const cm = await waitFor(
        () => core.readNamespacedConfigMap({ name: 'survivor', namespace: 'default' }),
        { what: 'the ConfigMap after the restarts', timeoutMs: 60_000 },
      );
      expect(cm.data).to.deep.equal({ kept: 'yes' });
    });

    it('keeps a running workflow across SIGKILL and restart of Temporal (database file)', async () => {
      const s = servers;
      if (s === undefined) throw new Error('servers did not start');
      const connect = async (): Promise<{ client: Client; close(): Promise<void> }> => {
        const connection = await Connection.connect({ address: s.temporalAddress });
        return {
          client: new Client({ connection, namespace: s.temporalNamespace }),
          close: () => connection.close(),
        };
      };
      const first = await connect();
      // No worker polls this queue: the workflow stays RUNNING.
      const handle = await first.client.workflow.start('noop', {
        taskQueue: 'chaos-harness-nobody',
        workflowId: 'chaos-harness-survivor',
        args: [{}],
      });
      await first.close();
      await s.temporal.kill();
      await s.temporal.start();
      const second = await connect();
      try {
        const description = await second.client.workflow.getHandle(handle.workflowId).describe();
        expect(description.runId).to.equal(handle.firstExecutionRunId);
        expect(description.status.name).to.equal('RUNNING');
      } finally {
        await second.close();
      }
    });
  });

  describe('fault proxy', () => {
    let proxy: FaultProxy | undefined;
    let echo: net.Server | undefined;
    let dir = '';
    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'tac-testenv-chaos-proxy-'));
      echo = net.createServer((socket) => {
        socket.on('data', (b: Buffer) => socket.write(`echo:${b.toString()}`));
        // The proxy resets connections on purpose; the echo side just lets them go.
        socket.on('error', () => socket.destroy());
      });
      await new Promise<void>((resolve) => echo?.listen(0, '127.0.0.1', resolve));
      proxy = await startFaultProxy(dir, log);
    });
    after(async () => {
      await proxy?.stop();
      await new Promise((resolve) => echo?.close(resolve));
      await rm(dir, { recursive: true, force: true });
    });

    it('passes traffic, resets on a cut, swallows it in a black hole, and heals', async () => {
      const address = echo?.address();
      if (proxy === undefined || address === null || typeof address !== 'object') throw new Error('no setup');
      const link = await proxy.link('harness-echo', `127.0.0.1:${address.port}`);
      expect(await echoOnce(link.port, 5000)).to.equal('echo:ping');

      await link.apply({ kind: 'cut' });
      const cut = await echoOnce(link.port, 5000).then(
        (v) => `answered ${v}`,
        (err: Error) => err.message,
      );
      expect(cut).to.match(/ECONNRESET|closed without an answer/);

      await link.heal();
      expect(await echoOnce(link.port, 5000)).to.equal('echo:ping');

      await link.apply({ kind: 'blackhole' });
      const hole = await echoOnce(link.port, 1500).then(
        (v) => `answered ${v}`,
        (err: Error) => err.message,
      );
      expect(hole).to.equal('no answer within 1500 ms');

      await link.heal();
      expect(await echoOnce(link.port, 5000)).to.equal('echo:ping');
    });
  });
});
