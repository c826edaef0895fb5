// The build's command runner: output captured, failures carry the command and its last lines.
import { expect } from 'chai';
import { CommandError, lastLines, run } from '../../../scripts/images/run.js';

describe('scripts/images/run', () => {
  it('resolves with stdout and stderr of a command that succeeds', async () => {
    const { stdout, stderr } = await run('sh', ['-c', 'echo out; echo err >&2']);
    expect(stdout).to.equal('out\n');
    expect(stderr).to.equal('err\n');
  });

  it('rejects with the command, the exit code and the last lines of its output', async () => {
    const script = 'for i in $(seq 1 50); do echo line$i; done; echo boom >&2; exit 3';
    const err = await run('sh', ['-c', script]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(CommandError);
    const failure = err as CommandError;
    expect(failure.exitCode).to.equal(3);
    expect(failure.message).to.match(/^sh -c .* failed \(exit 3\):/);
    expect(failure.tail).to.include('line50').and.include('boom');
    expect(failure.tail).not.to.include('line10\n');
  });

  it('rejects when the program does not exist', async () => {
    const err = await run('tac-no-such-program', []).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(CommandError);
    expect((err as CommandError).message).to.include('ENOENT');
  });

  it('keeps the last non-empty lines', () => {
    expect(lastLines('a\n\nb\nc\n\n', 2)).to.equal('b\nc');
  });
});
