import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { operatorConfigFromEnv } from '../../../operator/config.js';

describe('operator/config: gRPC action controller', () => {
  it('is off by default, on port 9065 when enabled, and needs EMCO etcd endpoints', () => {
    expect(operatorConfigFromEnv({}).grpc).to.deep.equal({ enabled: false, host: '0.0.0.0', port: 9065 });
    expect(() => operatorConfigFromEnv({ TAC_GRPC_ENABLED: 'true' })).to.throw(/TAC_EMCO_ETCD_ENDPOINTS/);
    const on = operatorConfigFromEnv({
      TAC_GRPC_ENABLED: 'true',
      TAC_GRPC_PORT: '19065',
      TAC_EMCO_ETCD_ENDPOINTS: 'http://etcd.emco:2379, https://etcd2.emco:2379',
    }).grpc;
    expect(on).to.deep.equal({
      enabled: true,
      host: '0.0.0.0',
      port: 19065,
      etcd: { endpoints: ['http://etcd.emco:2379', 'https://etcd2.emco:2379'], timeoutMs: 5000 },
    });
  });

  it('refuses unusable etcd settings, naming the variable', () => {
    expect(() => operatorConfigFromEnv({ TAC_EMCO_ETCD_ENDPOINTS: 'etcd:2379' })).to.throw(
      /TAC_EMCO_ETCD_ENDPOINTS/,
    );
    expect(() =>
      operatorConfigFromEnv({ TAC_EMCO_ETCD_ENDPOINTS: 'http://e:2379', TAC_EMCO_ETCD_USERNAME: 'u' }),
    ).to.throw(/TAC_EMCO_ETCD_PASSWORD_FILE/);
    expect(() => operatorConfigFromEnv({ TAC_EMCO_ETCD_CA_FILE: '/nonexistent/ca.pem' })).to.throw(
      /TAC_EMCO_ETCD_CA_FILE/,
    );
    expect(() => operatorConfigFromEnv({ TAC_GRPC_PORT: '70000' })).to.throw(/TAC_GRPC_PORT/);
  });

  it('takes TLS files and a username with a password file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tac-grpc-config-'));
    const file = (name: string): string => {
      const p = path.join(dir, name);
      writeFileSync(p, 'x');
      return p;
    };
    const etcd = operatorConfigFromEnv({
      TAC_EMCO_ETCD_ENDPOINTS: 'https://e:2379',
      TAC_EMCO_ETCD_CA_FILE: file('ca'),
      TAC_EMCO_ETCD_CERT_FILE: file('cert'),
      TAC_EMCO_ETCD_KEY_FILE: file('key'),
      TAC_EMCO_ETCD_USERNAME: 'tac',
      TAC_EMCO_ETCD_PASSWORD_FILE: file('password'),
      TAC_EMCO_ETCD_TIMEOUT: '2s',
    }).grpc.etcd;
    expect(etcd).to.include({ username: 'tac', timeoutMs: 2000 });
    expect(etcd?.certFile).to.match(/cert$/);
    expect(etcd?.passwordFile).to.match(/password$/);
  });
});
