// The chaos report: a row passes only with nothing lost, duplicated, wrong or unanswered; the
// console and Markdown tables carry every column; the command line names known faults only.
import { expect } from 'chai';
import { FAULTS } from '../../../chaos/faults.js';
import {
  markdownReport,
  markdownTable,
  passed,
  rowPassed,
  textTable,
  type ChaosResult,
  type FaultRow,
} from '../../../chaos/report.js';
import { QUICK_SIZES, parseArgs, rowOf, selectFaults } from '../../../chaos/run.js';
import { tally } from '../../../chaos/verdict.js';

function row(overrides: Partial<FaultRow> = {}): FaultRow {
  return {
    id: 'leader-kill',
    family: 2,
    title: 'Leader SIGKILL | mid-event',
    events: 20,
    failedEvents: 1,
    lost: 0,
    duplicated: 0,
    wrong: 0,
    unanswered: 0,
    injections: 3,
    triggered: 3,
    recoveryMaxMs: 4200,
    recoveryMs: [1000, 4200, 2000],
    durationMs: 60_000,
    findings: [],
    ...overrides,
  };
}

describe('chaos report', () => {
  it('passes a clean row and fails any loss, duplicate, wrong outcome, unanswered event or error', () => {
    expect(rowPassed(row())).to.equal(true);
    for (const bad of [
      { lost: 1 },
      { duplicated: 1 },
      { wrong: 2 },
      { unanswered: 1 },
      { error: 'boom' },
      { events: 0 },
    ]) {
      expect(rowPassed(row(bad)), JSON.stringify(bad)).to.equal(false);
    }
    expect(passed([row(), row({ wrong: 1 })])).to.equal(false);
    expect(passed([])).to.equal(false);
  });

  it('prints an aligned table with the recovery in seconds and the verdict', () => {
    const text = textTable([row(), row({ id: 'client-hang', wrong: 2, recoveryMaxMs: null })]);
    const lines = text.split('\n');
    expect(lines[0]).to.match(/^fault\s+events\s+lost\s+duplicated\s+wrong\s+unanswered/);
    expect(lines[2]).to.match(/^leader-kill\s+20\s+0\s+0\s+0\s+0\s+1\s+4\.2 s\s+pass/);
    expect(lines[3]).to.match(/^client-hang .* none\s+FAIL\s*$/);
  });

  it('escapes pipes in Markdown cells and lists the findings', () => {
    expect(markdownTable([row()])).to.include('Leader SIGKILL \\| mid-event');
    const result: ChaosResult = {
      schemaVersion: 1,
      mode: 'quick',
      startedAt: '2026-11-28T08:00:00.000Z',
      finishedAt: '2026-11-28T08:10:00.000Z',
      commit: 'abc1234',
      machine: '2 cores',
      sizes: QUICK_SIZES,
      rows: [
        row({
          wrong: 1,
          findings: [{ eventId: 'e1', intent: 'i1', what: 'wrong', detail: 'answer says Failed' }],
        }),
      ],
      passed: false,
    };
    const md = markdownReport(result);
    expect(md).to.include('FAILED');
    expect(md).to.include('- leader-kill: wrong — event e1, intent i1: answer says Failed');
  });

  it('turns a fault run into a row; a missing recovery makes the maximum unknown', () => {
    const fault = FAULTS[0];
    if (fault === undefined) throw new Error('no faults');
    const r = rowOf({
      fault,
      tally: tally([]),
      injections: [
        { at: 1, triggered: true, healedAt: 2, recoveryMs: 300 },
        { at: 3, triggered: false, healedAt: 4 },
      ],
      durationMs: 5,
    });
    expect(r).to.deep.include({ id: fault.id, injections: 2, triggered: 1, recoveryMaxMs: null });
    expect(r.recoveryMs).to.deep.equal([300, null]);
  });

  it('reads --quick and --only, and refuses unknown faults and options', () => {
    expect(parseArgs(['--quick', '--only=leader-kill,etcd-restart'])).to.deep.equal({
      quick: true,
      only: ['leader-kill', 'etcd-restart'],
    });
    expect(selectFaults(FAULTS, ['etcd-restart']).map((f) => f.id)).to.deep.equal(['etcd-restart']);
    expect(() => selectFaults(FAULTS, ['nope'])).to.throw(/unknown fault\(s\) nope \(known: kill-requested/);
    expect(() => parseArgs(['--fast'])).to.throw(/unknown option --fast/);
  });

  it('covers every fault family of the suite, each fault once', () => {
    expect(new Set(FAULTS.map((f) => f.family))).to.deep.equal(new Set([1, 2, 3, 4, 5, 6, 7]));
    expect(new Set(FAULTS.map((f) => f.id)).size).to.equal(FAULTS.length);
  });
});
