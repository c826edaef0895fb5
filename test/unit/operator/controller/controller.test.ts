// The controller's event filter: an update that changed only what the reconciler writes (status, its
// own finalizer) queues nothing; every change of what a reconcile reads queues the intent.
import { expect } from 'chai';
import { ANNOTATION_RUN_REQUEST, FINALIZER } from '../../../../common/domain/annotations.js';
import type { TemporalActionIntent } from '../../../../common/model/types.js';
import { Controller, inputChanged } from '../../../../operator/controller/controller.js';
import type { Reconciler } from '../../../../operator/controller/reconciler.js';
import { RunWatcher } from '../../../../operator/controller/run-watcher.js';
import { intent } from '../../../support/builders.js';
import { recordingLogger, settle } from '../fakes.js';

function next(obj: TemporalActionIntent, change: (o: TemporalActionIntent) => void): TemporalActionIntent {
  const copy = structuredClone(obj);
  copy.metadata.resourceVersion = String(Number(copy.metadata.resourceVersion ?? '0') + 1);
  change(copy);
  return copy;
}

describe('Controller', () => {
  const base = intent({ annotations: { a: '1' } });

  it("ignores updates of the status and of the operator's finalizer alone", () => {
    expect(
      inputChanged(
        base,
        next(base, () => undefined),
      ),
    ).to.equal(false);
    const written = next(base, (o) => {
      o.status = { lastRun: { id: 'ev1', trigger: { type: 'Lifecycle' }, phase: 'Running' } };
    });
    expect(inputChanged(base, written)).to.equal(false);
    expect(
      inputChanged(
        base,
        next(base, (o) => (o.metadata.finalizers = [])),
      ),
    ).to.equal(false);
    const without = next(base, (o) => (o.metadata.finalizers = []));
    expect(
      inputChanged(
        without,
        next(without, (o) => (o.metadata.finalizers = [FINALIZER])),
      ),
    ).to.equal(false);
  });

  it('sees a new spec, a run request, any annotation, deletion, a new object and foreign finalizers', () => {
    const changes: Array<[string, (o: TemporalActionIntent) => void]> = [
      ['generation', (o) => (o.metadata.generation = 2)],
      ['run request', (o) => (o.metadata.annotations = { a: '1', [ANNOTATION_RUN_REQUEST]: '{}' })],
      ['annotation value', (o) => (o.metadata.annotations = { a: '2' })],
      ['annotation removed', (o) => (o.metadata.annotations = {})],
      ['deletion', (o) => (o.metadata.deletionTimestamp = new Date('2026-11-28T00:00:00Z'))],
      ['recreated', (o) => (o.metadata.uid = 'uid-2')],
      ['foreign finalizer', (o) => (o.metadata.finalizers = [FINALIZER, 'example.com/other'])],
    ];
    for (const [what, change] of changes) expect(inputChanged(base, next(base, change)), what).to.equal(true);
  });

  it('queues adds and input changes while leading, not status-only updates', async () => {
    const reconciled: string[] = [];
    const reconciler = {
      reconcile: (key: string) => {
        reconciled.push(key);
        return Promise.resolve(undefined);
      },
    } as unknown as Reconciler;
    const watcher = new RunWatcher(
      { waitForResult: () => new Promise(() => undefined), describe: () => Promise.resolve(undefined) },
      () => undefined,
      recordingLogger().logger,
    );
    const ctl = new Controller({
      list: () => [],
      reconciler,
      watcher,
      logger: recordingLogger().logger,
      workers: 1,
      resyncMs: 3_600_000,
    });
    ctl.onChange(base);
    expect(reconciled).to.deep.equal([]); // not leading
    ctl.startLeading();
    const status = next(base, (o) => (o.status = { observedGeneration: 1 }));
    ctl.onChange(status, base);
    await settle();
    expect(reconciled).to.deep.equal([]);
    ctl.onChange(
      next(status, (o) => (o.metadata.annotations = { b: '1' })),
      status,
    );
    ctl.onChange(intent({ name: 'intent2' }));
    await settle();
    expect(reconciled).to.deep.equal(['default/intent1', 'default/intent2']);
    await ctl.stopLeading();
  });
});
