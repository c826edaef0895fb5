// The CI-sized fuzz run: a few thousand generated requests against the running operator (auth off,
// and a replica with Kubernetes auth on) and workflow client. The full run (100,000 requests) is
// `npm run fuzz`; its figures are in docs/security.md.
import { expect } from 'chai';
import { testEnv } from '../../support/env.js';
import { startFuzzPrograms, type FuzzPrograms } from '../../fuzz/programs.js';
import { reportProblems, runFuzz } from '../../fuzz/runner.js';

const COUNT = Number(process.env.TAC_FUZZ_COUNT ?? 3000);
const SEED = Number(process.env.TAC_FUZZ_SEED ?? 20261128);

describe('fuzz: generated requests against the running operator and workflow client', function () {
  this.timeout(20 * 60_000);
  let programs: FuzzPrograms | undefined;

  before(async () => {
    programs = await startFuzzPrograms(testEnv());
  });

  after(async () => {
    await programs?.stop();
  });

  it(`answers ${COUNT} requests (seed ${SEED}): no crash, no 5xx for client errors, each within its deadline, memory back to its baseline, every route reached`, async () => {
    if (programs === undefined) throw new Error('the fuzzed programs did not start');
    const report = await runFuzz(programs, {
      seed: SEED,
      count: COUNT,
      warmup: 500,
      concurrency: 8,
      stallEvery: 300,
    });
    expect(
      reportProblems(report),
      `seed ${SEED}; replay with npm run fuzz -- --seed ${SEED} --count ${COUNT}`,
    ).to.deep.equal([]);
    expect(report.requests).to.equal(COUNT);
    expect(report.stalled.count).to.be.greaterThan(0);
    expect(Object.keys(report.statuses)).to.have.members(['operator', 'operator-auth', 'client']);
  });
});
