// Every environment variable a program reads must be documented in that program's configuration
// table: the variables are taken from the config loaders' source, so a new setting cannot be
// added without its docs.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { TEMPORAL_ENV_VARS } from '../../../common/temporal/connection-config.js';
import { OPERATOR_ENV_VARS } from '../../../operator/config.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const VAR = /['"]((?:TAC|TEMPORAL)_[A-Z0-9_]+|LOG_LEVEL|KUBECONFIG|POD_NAME|POD_NAMESPACE)['"]/g;

async function varsIn(files: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const f of files)
    for (const m of (await readFile(path.join(root, f), 'utf8')).matchAll(VAR)) found.add(m[1]!);
  return [...found].sort();
}

/** Variable names written in backquotes in the first cell of a table row. */
async function documented(doc: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (const line of (await readFile(path.join(root, 'docs', doc), 'utf8')).split('\n')) {
    if (!line.startsWith('|')) continue;
    const first = line.split('|')[1] ?? '';
    for (const m of first.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) out.add(m[1]!);
  }
  return out;
}

const temporalSources = ['common/temporal/connection-config.ts'];

const programs: [string, string[], string][] = [
  ['operator', ['operator/config.ts', ...temporalSources], 'operator.md'],
  ['workflow client', ['client/config.ts', ...temporalSources], 'client.md'],
  ['worker', ['worker/config.ts', ...temporalSources], 'worker.md'],
];

describe('configuration docs', () => {
  for (const [program, sources, doc] of programs) {
    it(`documents every setting of the ${program} in docs/${doc}`, async () => {
      const vars = await varsIn(sources);
      expect(vars.length).to.be.greaterThan(5);
      const docs = await documented(doc);
      expect(
        vars.filter((v) => !docs.has(v)),
        `undocumented in docs/${doc}`,
      ).to.deep.equal([]);
    });
  }

  it('OPERATOR_ENV_VARS lists exactly what the operator reads', async () => {
    const read = await varsIn(['operator/config.ts', ...temporalSources]);
    expect([...OPERATOR_ENV_VARS, ...TEMPORAL_ENV_VARS]).to.include.members(read);
  });
});
