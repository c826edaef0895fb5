import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { workflowsPath } from '../../../worker/create-worker.js';

describe('workflowsPath', () => {
  it('points at the workflows entry point beside the module, with the running extension', () => {
    const path = workflowsPath();
    // under tsx the module is create-worker.ts, so the entry point is index.ts
    expect(path).to.match(/\/worker\/workflows\/index\.ts$/);
    expect(existsSync(path)).to.equal(true);
  });
});
