import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SOURCE_DIR = path.join(ROOT, 'crds');
const CHART_CRD_DIR = path.join(ROOT, 'charts', 'tac-operator', 'crds');

function yamlFiles(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
    : [];
}

/** What scripts/sync-chart-crd.sh writes for a source CRD file. */
function expectedCopy(name: string): string {
  const source = readFileSync(path.join(SOURCE_DIR, name), 'utf8');
  return `# Copied from crds/${name} by scripts/sync-chart-crd.sh: edit the source, then run the script.\n${source}`;
}

describe('chart CRDs', () => {
  it('has the TemporalActionIntent CRD in crds/', () => {
    expect(yamlFiles(SOURCE_DIR)).to.include('tac.emco.io_temporalactionintents.yaml');
  });

  it('ships exactly the CRDs of crds/ (run scripts/sync-chart-crd.sh when this fails)', () => {
    expect(yamlFiles(CHART_CRD_DIR)).to.deep.equal(yamlFiles(SOURCE_DIR));
  });

  for (const name of yamlFiles(SOURCE_DIR)) {
    it(`keeps charts/tac-operator/crds/${name} identical to crds/${name}`, () => {
      const copy = path.join(CHART_CRD_DIR, name);
      expect(existsSync(copy), `${copy} missing: run scripts/sync-chart-crd.sh`).to.equal(true);
      expect(readFileSync(copy, 'utf8').trimEnd(), 'stale copy: run scripts/sync-chart-crd.sh').to.equal(
        expectedCopy(name).trimEnd(),
      );
    });
  }
});
