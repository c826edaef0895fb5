import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { CHART_DIR, helm, helmOk, parseObjects, REPO_ROOT, withValuesFile } from './helm.js';
import { everythingOn } from './values-fixtures.js';

describe('chart: helm lint and packaging', () => {
  it('lints clean with the default values (--strict: no warnings)', async () => {
    const result = await helm(['lint', '--strict', CHART_DIR]);
    expect(result.stdout + result.stderr).to.not.match(/\[(WARNING|ERROR)\]/);
    expect(result.code).to.equal(0);
  });

  it('lints clean with every optional feature on', async () => {
    const result = await withValuesFile(everythingOn(), (valuesArgs) =>
      helm(['lint', '--strict', CHART_DIR, ...valuesArgs]),
    );
    expect(result.stdout + result.stderr).to.not.match(/\[(WARNING|ERROR)\]/);
    expect(result.code).to.equal(0);
  });

  it('packages the chart with the CRDs of crds/ inside', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'tac-chart-package-'));
    try {
      await helmOk(['package', CHART_DIR, '--destination', out]);
      const archives = (await readdir(out)).filter((f) => f.endsWith('.tgz'));
      expect(archives).to.deep.equal(['tac-operator-0.1.0.tgz']);
      const shown = await helmOk(['show', 'crds', path.join(out, archives[0] ?? '')]);
      const packaged = parseObjects(shown.stdout).map((o) => o.metadata.name);
      const sourceDir = path.join(REPO_ROOT, 'crds');
      const sources: string[] = [];
      for (const f of (await readdir(sourceDir)).filter((n) => n.endsWith('.yaml'))) {
        sources.push(
          ...parseObjects(await readFile(path.join(sourceDir, f), 'utf8')).map((o) => o.metadata.name),
        );
      }
      expect(sources).to.include('temporalactionintents.tac.emco.io');
      expect(packaged.sort()).to.deep.equal(sources.sort());
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
