// How the benchmark learns to start the programs as the images do: the CMD of each Dockerfile stage.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { imageCommands } from '../../../bench/build.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('benchmark launcher', () => {
  it('reads each stage’s node command and NODE_ENV', () => {
    const { commands, nodeEnv } = imageCommands(
      [
        'FROM node:20 AS build',
        'RUN npm ci',
        'FROM node:20-slim AS runtime',
        'ENV NODE_ENV=production',
        'FROM runtime AS operator',
        'CMD ["node", "--max-semi-space-size=1", "dist/bundle/operator.mjs"]',
        'FROM runtime AS tool',
        'CMD ["sh", "-c", "true"]',
      ].join('\n'),
    );
    expect(commands.get('operator')).to.deep.equal(['--max-semi-space-size=1', 'dist/bundle/operator.mjs']);
    expect(commands.has('tool')).to.equal(false);
    expect(nodeEnv).to.equal('production');
  });

  it('reads the command as node arguments under a node entrypoint', () => {
    const { commands } = imageCommands(
      [
        'FROM base AS runtime',
        'ENTRYPOINT ["/usr/local/bin/node"]',
        'FROM runtime AS worker',
        'CMD ["dist/worker/main.js"]',
        'FROM base AS tool',
        'ENTRYPOINT ["/bin/sh"]',
        'CMD ["-c", "true"]',
      ].join('\n'),
    );
    expect(commands.get('worker')).to.deep.equal(['dist/worker/main.js']);
    expect(commands.has('tool')).to.equal(false);
  });

  it('finds a node command for the operator, the workflow client and the worker in build/Dockerfile', () => {
    const { commands } = imageCommands(readFileSync(path.join(ROOT, 'build', 'Dockerfile'), 'utf8'));
    for (const stage of ['operator', 'workflow-client', 'worker']) {
      expect(commands.get(stage)?.length ?? 0, stage).to.be.greaterThan(0);
    }
  });
});
