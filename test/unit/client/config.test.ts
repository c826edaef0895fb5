import { expect } from 'chai';
import { clientConfigFromEnv } from '../../../client/config.js';
import { EnvValueError } from '../../../common/temporal/env-parsing.js';

const CERT = '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nLISTENERKEY\n-----END PRIVATE KEY-----\n';
const FILES: Record<string, string> = {
  '/tls.crt': CERT,
  '/tls.key': KEY,
  '/token': 'file-token\n',
  '/clients.yaml':
    'clients:\n  migrate_workflowclient:\n    workflowType: migrate\n    taskQueue: tac-worker\n',
  '/bad.yaml': 'clients:\n  x:\n    taskQueue: q\n    nope: 1\n',
};
const readFile = (path: string) => {
  const text = FILES[path];
  if (text === undefined) throw new Error(`ENOENT: ${path}`);
  return text;
};
const load = (env: NodeJS.ProcessEnv) => clientConfigFromEnv(env, { readFile });

describe('clientConfigFromEnv', () => {
  it('refuses to start without a token unless TAC_CLIENT_AUTH=none says so', () => {
    expect(() => load({})).to.throw(
      EnvValueError,
      /^TAC_CLIENT_TOKEN_FILE: a bearer token is required: set TAC_CLIENT_TOKEN_FILE \(or TAC_CLIENT_TOKEN\), or TAC_CLIENT_AUTH=none/,
    );
    expect(load({ TAC_CLIENT_AUTH: 'none' }).token).to.equal(null);
    expect(load({ TAC_CLIENT_AUTH: 'token', TAC_CLIENT_TOKEN: 't' }).token?.reveal()).to.equal('t');
    expect(() => load({ TAC_CLIENT_AUTH: 'none', TAC_CLIENT_TOKEN: 't' })).to.throw(
      /^TAC_CLIENT_AUTH: is none, but a token is set/,
    );
    expect(() => load({ TAC_CLIENT_AUTH: 'off' })).to.throw(/^TAC_CLIENT_AUTH: expected token or none/);
  });

  it('has defaults: 0.0.0.0:9090, 1 MiB bodies, 10 s starts, 64 calls in flight, no TLS, built-in client', () => {
    const config = load({ TAC_CLIENT_AUTH: 'none' });
    expect(config).to.deep.include({
      host: '0.0.0.0',
      port: 9090,
      logLevel: 'info',
      bodyLimitBytes: 1_048_576,
      startTimeoutMs: 10_000,
      readyTimeoutMs: 2_000,
      shutdownTimeoutMs: 10_000,
      maxConcurrentInvokes: 64,
      token: null,
      tls: null,
    });
    expect(config.clients.file).to.equal(undefined);
    expect(config.clients.resolve('default')).to.include({ workflowType: 'taskQueue' });
    expect(config.clients.resolve('anything')).to.equal(undefined);
    expect(config.temporal.address).to.equal('localhost:7233');
    expect(Object.isFrozen(config)).to.equal(true);
  });

  it('reads every variable', () => {
    const config = load({
      TAC_CLIENT_HOST: '127.0.0.1',
      TAC_CLIENT_PORT: '19090',
      LOG_LEVEL: 'warn',
      TEMPORAL_SERVER: 'temporal',
      TAC_CLIENT_CONFIG: '/clients.yaml',
      TAC_CLIENT_BODY_LIMIT: '2048',
      TAC_CLIENT_START_TIMEOUT: '3s',
      TAC_CLIENT_READY_TIMEOUT: '500ms',
      TAC_CLIENT_SHUTDOWN_TIMEOUT: '1m',
      TAC_CLIENT_MAX_CONCURRENT_INVOKES: '8',
      TAC_CLIENT_AUTH: 'token',
      TAC_CLIENT_TOKEN_FILE: '/token',
      TAC_CLIENT_TLS_CERT_FILE: '/tls.crt',
      TAC_CLIENT_TLS_KEY_FILE: '/tls.key',
    });
    expect(config).to.deep.include({
      host: '127.0.0.1',
      port: 19090,
      logLevel: 'warn',
      bodyLimitBytes: 2048,
      startTimeoutMs: 3_000,
      readyTimeoutMs: 500,
      shutdownTimeoutMs: 60_000,
      maxConcurrentInvokes: 8,
    });
    expect(config.temporal.address).to.equal('temporal:7233');
    expect(config.token?.reveal()).to.equal('file-token');
    expect(config.tls?.certPem).to.equal(CERT);
    expect(config.tls?.key.reveal()).to.equal(KEY);
    expect(config.clients.resolve('migrate_workflowclient')).to.include({ workflowType: 'migrate' });
    expect(config.clients.resolve('other')).to.equal(undefined);
    expect(JSON.stringify(config)).not.to.contain('LISTENERKEY');
    expect(JSON.stringify(config)).not.to.contain('file-token');
  });

  it('rejects bad values naming the variable', () => {
    const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
      [{ TAC_CLIENT_PORT: '99999' }, /^TAC_CLIENT_PORT: expected a port/],
      [{ TAC_CLIENT_BODY_LIMIT: '1MB' }, /^TAC_CLIENT_BODY_LIMIT: expected a positive integer/],
      [{ TAC_CLIENT_TOKEN: 'a', TAC_CLIENT_TOKEN_FILE: '/token' }, /not both/],
      [
        { TAC_CLIENT_MAX_CONCURRENT_INVOKES: '0' },
        /^TAC_CLIENT_MAX_CONCURRENT_INVOKES: expected a positive integer/,
      ],
      [{ TAC_CLIENT_TLS_CERT_FILE: '/tls.crt' }, /^TAC_CLIENT_TLS_KEY_FILE: listener TLS needs both/],
      [
        { TAC_CLIENT_TLS_CERT_FILE: '/tls.key', TAC_CLIENT_TLS_KEY_FILE: '/tls.crt' },
        /holds no PEM CERTIFICATE/,
      ],
      [{ TAC_CLIENT_CONFIG: '/missing.yaml' }, /^TAC_CLIENT_CONFIG: cannot read \/missing.yaml/],
      [
        { TAC_CLIENT_CONFIG: '/bad.yaml' },
        /^TAC_CLIENT_CONFIG: \/bad.yaml: invalid client configuration:\n {2}\/clients\/x: unknown field "nope"$/,
      ],
      [{ TEMPORAL_PORT: 'x', TEMPORAL_SERVER: 'h' }, /^TEMPORAL_PORT/],
    ];
    for (const [env, message] of cases) {
      expect(() => load({ TAC_CLIENT_TOKEN: 't', ...env }), JSON.stringify(env)).to.throw(
        EnvValueError,
        message,
      );
    }
  });
});
