import { expect } from 'chai';
import { temporalConnectionConfigFromEnv } from '../../../../common/temporal/connection-config.js';
import {
  connectionOptions,
  MAX_RECONNECT_BACKOFF_MS,
  nativeConnectionOptions,
} from '../../../../common/temporal/connection-options.js';

const CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN EC PRIVATE KEY-----\nKEY\n-----END EC PRIVATE KEY-----\n';
const FILES: Record<string, string> = { '/ca.pem': CA, '/cert.pem': CERT, '/key.pem': KEY };

function config(env: NodeJS.ProcessEnv) {
  return temporalConnectionConfigFromEnv(env, {
    readFile: (path) => {
      const text = FILES[path];
      if (text === undefined) throw new Error(`ENOENT ${path}`);
      return text;
    },
  });
}

describe('connectionOptions / nativeConnectionOptions', () => {
  it('plaintext: tls false, no API key, bounded reconnect backoff for the client', () => {
    const c = config({ TEMPORAL_ADDRESS: '127.0.0.1:7233' });
    expect(connectionOptions(c)).to.deep.equal({
      address: '127.0.0.1:7233',
      tls: false,
      channelArgs: { 'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS },
    });
    expect(nativeConnectionOptions(c)).to.deep.equal({ address: '127.0.0.1:7233', tls: false });
  });

  it('TLS with system roots: tls true', () => {
    const c = config({ TEMPORAL_TLS: 'yes' });
    expect(connectionOptions(c).tls).to.equal(true);
    expect(nativeConnectionOptions(c).tls).to.equal(true);
  });

  it('TLS with a custom CA and server name', () => {
    const c = config({ TEMPORAL_TLS_CA_FILE: '/ca.pem', TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal' });
    const expected = { serverNameOverride: 'frontend.temporal', serverRootCACertificate: Buffer.from(CA) };
    expect(connectionOptions(c).tls).to.deep.equal(expected);
    expect(nativeConnectionOptions(c).tls).to.deep.equal(expected);
  });

  it('mTLS: client certificate pair', () => {
    const c = config({
      TEMPORAL_TLS_CA_FILE: '/ca.pem',
      TEMPORAL_TLS_CERT_FILE: '/cert.pem',
      TEMPORAL_TLS_KEY_FILE: '/key.pem',
    });
    const expected = {
      serverRootCACertificate: Buffer.from(CA),
      clientCertPair: { crt: Buffer.from(CERT), key: Buffer.from(KEY) },
    };
    expect(connectionOptions(c).tls).to.deep.equal(expected);
    expect(nativeConnectionOptions(c).tls).to.deep.equal(expected);
  });

  it('API key: passed as apiKey with TLS on', () => {
    const c = config({ TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233', TEMPORAL_API_KEY: 'key-123' });
    expect(connectionOptions(c)).to.include({ address: 'ns.tmprl.cloud:7233', tls: true, apiKey: 'key-123' });
    expect(nativeConnectionOptions(c)).to.deep.equal({
      address: 'ns.tmprl.cloud:7233',
      tls: true,
      apiKey: 'key-123',
    });
  });

  it('API key with TEMPORAL_TLS=false: plaintext with the key', () => {
    const c = config({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' });
    expect(nativeConnectionOptions(c)).to.deep.equal({ address: 'localhost:7233', tls: false, apiKey: 'k' });
  });
});
