import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { testEnv } from '../../support/env.js';

const run = promisify(execFile);

describe('test environment: provisioned tools', () => {
  it('kubectl version talks to the API server and reports a stamped server version', async () => {
    const env = testEnv();
    const { stdout } = await run(env.kubectlPath, [
      '--kubeconfig',
      env.kubeconfigPath,
      'version',
      '-o',
      'json',
    ]);
    const version = JSON.parse(stdout) as {
      clientVersion: { gitVersion: string };
      serverVersion: { gitVersion: string };
    };
    expect(version.clientVersion.gitVersion).to.match(/^v1\.\d+\.\d+$/);
    expect(version.serverVersion.gitVersion).to.match(/^v1\.\d+\.\d+$/);
  });

  it('helm version runs, and helm reaches the API server', async () => {
    const env = testEnv();
    const { stdout } = await run(env.helmPath, ['version', '--short']);
    expect(stdout).to.match(/^v\d+\.\d+\.\d+/);
    const list = await run(
      env.helmPath,
      ['list', '--all-namespaces', '-o', 'json', '--kubeconfig', env.kubeconfigPath],
      {
        env: {
          ...process.env,
          HELM_CACHE_HOME: `${env.workDir}/helm-cache`,
          HELM_CONFIG_HOME: `${env.workDir}/helm-config`,
          HELM_DATA_HOME: `${env.workDir}/helm-data`,
        },
      },
    );
    expect(JSON.parse(list.stdout)).to.be.an('array');
  });
});
