// docs/reliability.md describes every fault the chaos suite injects, in its faults table, and the
// docs index links the page.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { FAULTS } from '../../../chaos/faults.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('docs/reliability.md', () => {
  it('has a row for every fault of the chaos catalogue, and none for a fault that does not exist', async () => {
    const text = await readFile(path.join(root, 'docs/reliability.md'), 'utf8');
    const section = text.slice(text.indexOf('## The faults'), text.indexOf('## Latest full run'));
    const rows = [...section.matchAll(/^\|\s*`([a-z-]+)`\s*\|/gm)].map((m) => m[1]);
    expect(rows).to.deep.equal(FAULTS.map((f) => f.id));
  });

  it('is linked from the docs index', async () => {
    expect(await readFile(path.join(root, 'docs/README.md'), 'utf8')).to.include('(reliability.md)');
  });
});
