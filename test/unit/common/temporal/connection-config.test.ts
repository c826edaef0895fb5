import { expect } from 'chai';
import { inspect } from 'node:util';
import {
  describeTemporalConnection,
  temporalConnectionConfigFromEnv,
} from '../../../../common/temporal/connection-config.js';
import { EnvValueError } from '../../../../common/temporal/env-parsing.js';

const CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n';

function files(map: Record<string, string>): (path: string) => string {
  return (path) => {
    const text = map[path];
    if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    return text;
  };
}
const readFile = files({
  '/ca.pem': CA,
  '/cert.pem': CERT,
  '/key.pem': KEY,
  '/api-key': 'file-key\n',
  '/empty': '\n',
});

function load(env: NodeJS.ProcessEnv) {
  return temporalConnectionConfigFromEnv(env, { readFile });
}

function loadError(env: NodeJS.ProcessEnv): EnvValueError {
  try {
    load(env);
  } catch (err) {
    expect(err).to.be.instanceOf(EnvValueError);
    return err as EnvValueError;
  }
  expect.fail('expected an EnvValueError');
}

describe('temporalConnectionConfigFromEnv', () => {
  it('defaults to localhost:7233, namespace default, plaintext, no API key', () => {
    const config = load({});
    expect(config).to.deep.equal({
      address: 'localhost:7233',
      namespace: 'default',
      tls: null,
      apiKey: null,
    });
    expect(Object.isFrozen(config)).to.equal(true);
  });

  it('takes EMCO TEMPORAL_SERVER with TEMPORAL_PORT defaulting to 7233', () => {
    expect(load({ TEMPORAL_SERVER: 'temporal.svc' }).address).to.equal('temporal.svc:7233');
    expect(load({ TEMPORAL_SERVER: 'temporal.svc', TEMPORAL_PORT: '7300' }).address).to.equal(
      'temporal.svc:7300',
    );
    expect(load({ TEMPORAL_SERVER: '::1', TEMPORAL_PORT: '7300' }).address).to.equal('[::1]:7300');
  });

  it('prefers TEMPORAL_ADDRESS over TEMPORAL_SERVER/TEMPORAL_PORT', () => {
    const config = load({
      TEMPORAL_ADDRESS: '127.0.0.1:17233',
      TEMPORAL_SERVER: 'other',
      TEMPORAL_PORT: '1',
    });
    expect(config.address).to.equal('127.0.0.1:17233');
    expect(load({ TEMPORAL_ADDRESS: '[::1]:7233' }).address).to.equal('[::1]:7233');
  });

  it('reads the namespace', () => {
    expect(load({ TEMPORAL_NAMESPACE: 'tac' }).namespace).to.equal('tac');
  });

  it('rejects malformed addresses and ports with the variable name', () => {
    expect(loadError({ TEMPORAL_ADDRESS: 'no-port' }).message).to.match(
      /^TEMPORAL_ADDRESS: expected host:port/,
    );
    expect(loadError({ TEMPORAL_ADDRESS: 'host:99999' }).message).to.match(
      /^TEMPORAL_ADDRESS: expected a port/,
    );
    expect(loadError({ TEMPORAL_SERVER: 'h', TEMPORAL_PORT: 'x' }).message).to.match(
      /^TEMPORAL_PORT: expected a port/,
    );
    expect(loadError({ TEMPORAL_SERVER: 'host:7233' }).message).to.match(
      /^TEMPORAL_SERVER: expected a host name/,
    );
  });

  it('enables TLS with system roots when TEMPORAL_TLS=true', () => {
    expect(load({ TEMPORAL_TLS: 'true' }).tls).to.deep.equal({});
  });

  it('enables TLS when a CA file or server name is given, and reads the CA', () => {
    const config = load({ TEMPORAL_TLS_CA_FILE: '/ca.pem', TEMPORAL_TLS_SERVER_NAME: 'temporal.example' });
    expect(config.tls).to.deep.equal({ serverRootCaPem: CA, serverName: 'temporal.example' });
  });

  it('loads an mTLS certificate and key', () => {
    const config = load({ TEMPORAL_TLS_CERT_FILE: '/cert.pem', TEMPORAL_TLS_KEY_FILE: '/key.pem' });
    expect(config.tls?.clientCertPem).to.equal(CERT);
    expect(config.tls?.clientKey?.reveal()).to.equal(KEY);
  });

  it('rejects a certificate without its key and a key without its certificate', () => {
    expect(loadError({ TEMPORAL_TLS_CERT_FILE: '/cert.pem' }).message).to.equal(
      'TEMPORAL_TLS_CERT_FILE: a client certificate needs its key: set TEMPORAL_TLS_KEY_FILE too',
    );
    expect(loadError({ TEMPORAL_TLS_KEY_FILE: '/key.pem' }).variable).to.equal('TEMPORAL_TLS_KEY_FILE');
  });

  it('rejects TLS files together with TEMPORAL_TLS=false', () => {
    expect(loadError({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA_FILE: '/ca.pem' }).message).to.equal(
      'TEMPORAL_TLS: is false but TEMPORAL_TLS_CA_FILE is set',
    );
  });

  it('rejects a bad boolean, unreadable files and swapped PEM files', () => {
    expect(loadError({ TEMPORAL_TLS: 'maybe' }).message).to.match(/^TEMPORAL_TLS: expected a boolean/);
    expect(loadError({ TEMPORAL_TLS_CA_FILE: '/missing.pem' }).message).to.match(
      /^TEMPORAL_TLS_CA_FILE: cannot read \/missing.pem: ENOENT/,
    );
    expect(
      loadError({ TEMPORAL_TLS_CERT_FILE: '/key.pem', TEMPORAL_TLS_KEY_FILE: '/cert.pem' }).message,
    ).to.equal('TEMPORAL_TLS_CERT_FILE: /key.pem holds no PEM CERTIFICATE block');
  });

  it('reads the API key inline or from a file, and an API key implies TLS', () => {
    const inline = load({ TEMPORAL_API_KEY: 'inline-key' });
    expect(inline.apiKey?.reveal()).to.equal('inline-key');
    expect(inline.tls).to.deep.equal({});
    const fromFile = load({ TEMPORAL_API_KEY_FILE: '/api-key' });
    expect(fromFile.apiKey?.reveal()).to.equal('file-key');
  });

  it('lets TEMPORAL_TLS=false turn TLS off for an API key', () => {
    const config = load({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' });
    expect(config.tls).to.equal(null);
    expect(config.apiKey?.reveal()).to.equal('k');
  });

  it('rejects both API key variables and an empty key file', () => {
    expect(loadError({ TEMPORAL_API_KEY: 'a', TEMPORAL_API_KEY_FILE: '/api-key' }).message).to.match(
      /not both/,
    );
    expect(loadError({ TEMPORAL_API_KEY_FILE: '/empty' }).message).to.equal(
      'TEMPORAL_API_KEY_FILE: file /empty is empty',
    );
  });

  it('never shows the API key or private key when logged, printed or serialised', () => {
    const config = load({
      TEMPORAL_API_KEY: 'super-secret-api-key',
      TEMPORAL_TLS_CERT_FILE: '/cert.pem',
      TEMPORAL_TLS_KEY_FILE: '/key.pem',
    });
    for (const text of [JSON.stringify(config), inspect(config, { depth: 10 }), String(config.apiKey)]) {
      expect(text).not.to.contain('super-secret-api-key');
      expect(text).not.to.contain('SECRETKEYMATERIAL');
    }
    expect(describeTemporalConnection(config)).to.deep.equal({
      address: 'localhost:7233',
      namespace: 'default',
      tls: 'mtls',
      apiKey: true,
    });
  });
});
