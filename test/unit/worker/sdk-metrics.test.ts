import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import {
  freeLoopbackPort,
  SdkMetricsError,
  sdkMetricsExporter,
  sdkMetricsReader,
} from '../../../worker/sdk-metrics.js';

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('Temporal SDK metrics exporter', () => {
  it('binds the core exporter to loopback only', () => {
    expect(sdkMetricsExporter(40123)).to.deep.equal({ prometheus: { bindAddress: '127.0.0.1:40123' } });
  });

  it('finds a loopback port that can be bound', async () => {
    const port = await freeLoopbackPort();
    expect(port).to.be.within(1, 65535);
    const server = createServer();
    expect(await listen(server, port)).to.equal(port);
    await close(server);
  });

  it('reads the exporter text from /metrics', async () => {
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.end('temporal_worker_start 1\n');
    });
    const port = await listen(server);
    try {
      expect(await sdkMetricsReader(port).read()).to.equal('temporal_worker_start 1\n');
      expect(paths).to.deep.equal(['/metrics']);
    } finally {
      await close(server);
    }
  });

  it('fails with the URL and the status when the exporter answers an error', async () => {
    const server = createServer((_req, res) => {
      res.statusCode = 500;
      res.end('boom');
    });
    const port = await listen(server);
    try {
      const err = await failure(sdkMetricsReader(port).read());
      expect(err).to.be.instanceOf(SdkMetricsError);
      expect(err.message).to.equal(
        `the Temporal SDK metrics at http://127.0.0.1:${port}/metrics answered 500`,
      );
    } finally {
      await close(server);
    }
  });

  it('fails with the URL and the cause when nothing listens', async () => {
    const port = await freeLoopbackPort();
    const err = await failure(sdkMetricsReader(port, 1_000).read());
    expect(err).to.be.instanceOf(SdkMetricsError);
    expect(err.message).to.match(
      new RegExp(`^cannot read the Temporal SDK metrics at http://127\\.0\\.0\\.1:${port}/metrics: `),
    );
    expect(err.cause).to.be.instanceOf(Error);
  });
});
