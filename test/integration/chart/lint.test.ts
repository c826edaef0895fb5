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

  it('prints NOTES that say how to reach the REST API, apply an intent and fire a hook', async () => {
    const { stdout } = await helmOk([
      'install',
      'tac-operator',
      CHART_DIR,
      '--dry-run=client',
      '--namespace',
      'tac-system',
    ]);
    const notes = stdout.slice(stdout.indexOf('NOTES:'));
    expect(notes).to.contain('kubectl -n tac-system port-forward svc/tac-operator 9064:9064');
    expect(notes).to.contain('kind: TemporalActionIntent');
    expect(notes).to.contain('clientEndpointName: tac-operator-workflow-client.tac-system');
    // Authentication and TLS are on by default.
    expect(notes).to.contain(
      'curl -sk -H "Authorization: Bearer $TOKEN" https://127.0.0.1:9064/v2/projects/demo/composite-apps/hello/v1/deployment-intent-groups/dig1/temporal-action-controller',
    );
    expect(notes).to.contain('create token <serviceaccount-with-access> --audience tac-operator');
    expect(notes).to.contain('/lifecycle-events');
    const secured = await withValuesFile(
      { operator: { rest: { auth: { enabled: true }, tls: { enabled: true, secretName: 'rest-tls' } } } },
      (valuesArgs) =>
        helmOk([
          'install',
          'tac-operator',
          CHART_DIR,
          '--dry-run=client',
          '--namespace',
          'tac-system',
          ...valuesArgs,
        ]),
    );
    expect(secured.stdout).to.contain(
      'curl -sk -H "Authorization: Bearer $TOKEN" https://127.0.0.1:9064/v2/',
    );
    const opened = await withValuesFile({ operator: { rest: { auth: { enabled: false } } } }, (valuesArgs) =>
      helmOk([
        'install',
        'tac-operator',
        CHART_DIR,
        '--dry-run=client',
        '--namespace',
        'tac-system',
        ...valuesArgs,
      ]),
    );
    expect(opened.stdout).to.contain('WARNING: REST authentication is off');
  });
});
