import type { State } from '@temporalio/worker';
import { expect } from 'chai';
import type { WorkerStates } from '../../../worker/health.js';
import { liveness, readiness } from '../../../worker/health.js';

const one = (state: State): WorkerStates => ({ q: state });

describe('worker health', () => {
  describe('readiness', () => {
    const cases: [string, WorkerStates, boolean, string][] = [
      ['while the worker is being built', undefined, false, 'starting: the worker is not built yet'],
      ['without task queues', {}, false, 'no task queue'],
      ['INITIALIZED', one('INITIALIZED'), false, 'not polling: q=INITIALIZED'],
      ['RUNNING', one('RUNNING'), true, 'polling'],
      ['STOPPING', one('STOPPING'), false, 'not polling: q=STOPPING'],
      ['DRAINING', one('DRAINING'), false, 'not polling: q=DRAINING'],
      ['DRAINED', one('DRAINED'), false, 'not polling: q=DRAINED'],
      ['STOPPED', one('STOPPED'), false, 'not polling: q=STOPPED'],
      ['FAILED', one('FAILED'), false, 'not polling: q=FAILED'],
      ['every queue RUNNING', { a: 'RUNNING', b: 'RUNNING' }, true, 'polling'],
      [
        'one queue of several not RUNNING',
        { a: 'RUNNING', b: 'INITIALIZED', c: 'FAILED' },
        false,
        'not polling: b=INITIALIZED, c=FAILED',
      ],
    ];
    for (const [what, states, ok, reason] of cases) {
      it(`is ${ok ? 'ready' : 'not ready'} ${what.startsWith('while') || what.startsWith('with') ? what : `when ${what}`}`, () => {
        expect(readiness(states)).to.deep.equal({ ok, reason });
      });
    }
  });

  describe('liveness', () => {
    it('is alive while starting, running, draining and stopped', () => {
      expect(liveness(undefined)).to.deep.equal({ ok: true, reason: 'starting' });
      for (const state of ['INITIALIZED', 'RUNNING', 'STOPPING', 'DRAINING', 'DRAINED', 'STOPPED'] as const) {
        expect(liveness(one(state)), state).to.deep.equal({ ok: true, reason: 'alive' });
      }
    });

    it('is not alive when a Worker failed, naming its queue', () => {
      expect(liveness({ a: 'RUNNING', b: 'FAILED' })).to.deep.equal({
        ok: false,
        reason: 'failed: b=FAILED',
      });
    });
  });
});
