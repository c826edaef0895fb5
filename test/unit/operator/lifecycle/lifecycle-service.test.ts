// Lifecycle events over the fake store, with a scripted stand-in for the controller: each run
// request annotation is answered with the run phase the test chose for that intent.
import { expect } from 'chai';
import { ANNOTATION_RUN_REQUEST, FINALIZER } from '../../../../common/domain/annotations.js';
import type { Run, TemporalActionIntent } from '../../../../common/model/types.js';
import { Lifecycle } from '../../../../operator/lifecycle/lifecycle-service.js';
import { intent, type IntentFixture } from '../../../support/builders.js';
import { recordingLogger } from '../fakes.js';
import { StoreError, type MetadataPatch } from '../../../../operator/ports.js';
import { FakeStore } from '../rest/fakes.js';

type Answer = Pick<Run, 'phase'> & Partial<Run>;

function setup(answers: Record<string, Answer | undefined>) {
  const store = new FakeStore();
  const requested: string[] = [];
  const patches: { name: string; patch: MetadataPatch; resourceVersion: string | undefined }[] = [];
  const patch = store.patchMetadata.bind(store);
  store.patchMetadata = async (ns, name, p, rv) => {
    patches.push({ name, patch: p, resourceVersion: rv });
    const patched = await patch(ns, name, p, rv);
    requested.push(name);
    const request = JSON.parse(p.annotations?.[ANNOTATION_RUN_REQUEST] ?? '{}') as { id: string };
    const answer = answers[name];
    if (answer !== undefined) {
      setImmediate(() => {
        const current = store.cached(ns, name)!;
        const run: Run = {
          id: request.id,
          trigger: { type: 'Lifecycle' },
          workflowId: `wf-${name}`,
          runId: 'r1',
          ...answer,
        };
        void store.replaceStatus({ ...current, status: { lastRun: run } });
      });
    }
    return patched;
  };
  const lifecycle = (startLookupMs = 0): Lifecycle =>
    new Lifecycle({
      store,
      logger: recordingLogger().logger,
      config: { defaultBlockingTimeoutMs: 200, startLookupMs, maxStartAttempts: 3 },
    });
  const add = async (
    name: string,
    seconds: number,
    f: IntentFixture = {},
    finalizers?: string[],
  ): Promise<TemporalActionIntent> => {
    const created = await store.create(intent({ name, ...f }));
    created.metadata.creationTimestamp = new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
    if (finalizers !== undefined) created.metadata.finalizers = finalizers;
    store.objects.set(`default/${name}`, created);
    return created;
  };
  return { store, lifecycle, requested, patches, add };
}

const event = { dig: intent().spec, hookType: 'pre-install' as const, eventId: 'ev1' };

describe('Lifecycle', () => {
  it("runs the hook's intents oldest first and succeeds when every blocking run succeeded", async () => {
    const s = setup({ a: { phase: 'Succeeded' }, b: { phase: 'Running' } });
    await s.add('b', 2, { blocking: false });
    await s.add('a', 1);
    await s.add('other', 0, { hookType: 'post-install' });
    const lifecycle = s.lifecycle();
    const outcome = await lifecycle.fire(event);
    expect(s.requested).to.deep.equal(['a', 'b']);
    expect(outcome.succeeded).to.equal(true);
    expect(outcome.intents.map((i) => [i.resourceName, i.phase])).to.deep.equal([
      ['a', 'Succeeded'],
      ['b', 'Succeeded'],
    ]);
    expect(outcome.intents[1]?.message).to.equal('workflow started (non-blocking)');
    expect(lifecycle.poll(lifecycle.pollId({ ...event, eventId: 'ev1' }))?.outcome?.endTime).to.be.a(
      'string',
    );
  });

  it('stops at the first failed blocking intent; later ones are Skipped', async () => {
    const s = setup({ a: { phase: 'Failed', failureMessage: 'boom' }, b: { phase: 'Succeeded' } });
    await s.add('a', 1);
    await s.add('b', 2);
    const outcome = await s.lifecycle().fire(event);
    expect(outcome.succeeded).to.equal(false);
    expect(outcome.failedIntent).to.equal('a');
    expect(outcome.intents.map((i) => [i.resourceName, i.phase, i.message])).to.deep.equal([
      ['a', 'Failed', 'boom'],
      ['b', 'Skipped', 'not started: a failed'],
    ]);
    expect(s.requested).to.deep.equal(['a']);
  });

  it('keeps waiting on an unconfirmed start and answers what the run became', async () => {
    const s = setup({
      a: { phase: 'Pending', runId: undefined, failureMessage: 'start not confirmed (no answer)' },
    });
    await s.add('a', 1);
    const firing = s.lifecycle(1000).fire(event);
    const early = await Promise.race([firing, new Promise((r) => setTimeout(() => r('waiting'), 50))]);
    expect(early).to.equal('waiting');
    // The operator finds the workflow by its id: the run is Succeeded, and so is the event.
    const a = s.store.objects.get('default/a')!;
    const lastRun = { ...a.status!.lastRun!, phase: 'Succeeded' as const, runId: 'r1' };
    delete lastRun.failureMessage;
    await s.store.replaceStatus({ ...a, status: { ...a.status, lastRun } });
    const outcome = await firing;
    expect(outcome.intents[0]).to.deep.include({ phase: 'Succeeded' });
    expect(outcome.succeeded).to.equal(true);
  });

  it('a blocking run still running when the wait budget ends fails the event', async () => {
    const s = setup({ a: { phase: 'Running' } });
    await s.add('a', 1, { timeout: 0 });
    // A budget of about 50 ms: three start allowances are set to cancel the fixed 30 s margin.
    const outcome = await s.lifecycle(-9_983).fire(event);
    expect(outcome.intents[0]).to.deep.include({ phase: 'Failed', message: 'the run was still running' });
  });

  it('runs an event id once: a second fire returns the same outcome', async () => {
    const s = setup({ a: { phase: 'Succeeded' } });
    await s.add('a', 1);
    const lifecycle = s.lifecycle();
    const [first, second] = await Promise.all([lifecycle.fire(event), lifecycle.fire(event)]);
    expect(second).to.equal(first);
    expect(await lifecycle.fire(event)).to.equal(first);
    expect(s.requested).to.deep.equal(['a']);
  });

  it('scopes an event id by namespace, DIG and hook: a fire elsewhere does not pre-answer it', async () => {
    const s = setup({ a: { phase: 'Succeeded' } });
    await s.add('a', 1);
    const lifecycle = s.lifecycle();
    const elsewhere = [
      { ...event, namespace: 'other' },
      { ...event, dig: { ...event.dig, deploymentIntentGroup: 'another-dig' } },
      { ...event, hookType: 'post-install' as const },
    ];
    for (const e of elsewhere) expect((await lifecycle.fire(e)).intents).to.deep.equal([]);
    expect(s.requested).to.deep.equal([]);
    const real = await lifecycle.fire(event);
    expect(real.intents.map((i) => [i.resourceName, i.phase])).to.deep.equal([['a', 'Succeeded']]);
    expect(s.requested).to.deep.equal(['a']);
  });

  it('gives each scoped event its own random poll id, showing its namespace', async () => {
    const s = setup({});
    const lifecycle = s.lifecycle();
    const here = { ...event, namespace: 'default' };
    const there = { ...event, namespace: 'other' };
    await lifecycle.fire(here);
    await lifecycle.fire(there);
    const [a, b] = [lifecycle.pollId(here), lifecycle.pollId(there)];
    expect(a).to.not.equal(b);
    expect(a).to.not.include('ev1');
    expect(lifecycle.pollId(here)).to.equal(a);
    expect(lifecycle.poll(a)).to.deep.include({ eventId: 'ev1', namespace: 'default' });
    expect(lifecycle.poll(b)).to.deep.include({ eventId: 'ev1', namespace: 'other' });
    expect(lifecycle.poll('ev1')).to.equal(undefined);
  });

  it('keeps why an event could not run, until it is fired again', async () => {
    const s = setup({ a: { phase: 'Succeeded' } });
    await s.add('a', 1);
    const lifecycle = s.lifecycle();
    const list = s.store.listByDig.bind(s.store);
    s.store.listByDig = () => {
      throw new Error('cache not ready');
    };
    const err = await lifecycle.fire(event).catch((e: unknown) => e);
    expect((err as Error).message).to.equal('cache not ready');
    expect(lifecycle.poll(lifecycle.pollId({ ...event, eventId: 'ev1' }))?.failure).to.equal(
      'cache not ready',
    );
    s.store.listByDig = list;
    const outcome = await lifecycle.fire(event);
    expect(outcome.succeeded).to.equal(true);
    expect(lifecycle.poll(lifecycle.pollId({ ...event, eventId: 'ev1' }))?.failure).to.equal(undefined);
  });

  it('reports an intent deleted during the event', async () => {
    const s = setup({});
    await s.add('a', 1);
    const firing = s.lifecycle().fire(event);
    setImmediate(() => void s.store.delete('default', 'a'));
    const outcome = await firing;
    expect(outcome.intents[0]).to.deep.include({
      phase: 'Failed',
      message: 'the intent was deleted during the event',
    });
  });

  it("adds the finalizer in the run request's own patch, on the version it read", async () => {
    const s = setup({ a: { phase: 'Succeeded' } });
    const created = await s.add('a', 1, {}, []);
    await s.lifecycle().fire(event);
    expect(s.patches).to.have.length(1);
    expect(s.patches[0]?.patch.finalizers).to.deep.equal([FINALIZER]);
    expect(s.patches[0]?.resourceVersion).to.equal(created.metadata.resourceVersion);
    expect(s.store.cached('default', 'a')?.metadata.finalizers).to.deep.equal([FINALIZER]);
  });

  it('keeps the finalizers another controller added, and writes only the request when the finalizer is on', async () => {
    const s = setup({ a: { phase: 'Succeeded' }, b: { phase: 'Succeeded' } });
    await s.add('a', 1, {}, ['other.example.com/keep']);
    await s.add('b', 2, {}, [FINALIZER]);
    await s.lifecycle().fire(event);
    expect(s.patches.map((p) => [p.name, p.patch.finalizers])).to.deep.equal([
      ['a', ['other.example.com/keep', FINALIZER]],
      ['b', undefined],
    ]);
  });

  it('on a conflict writes the request alone and leaves the finalizer to the controller', async () => {
    const s = setup({ a: { phase: 'Succeeded' } });
    await s.add('a', 1, {}, []);
    s.store.failNext = new StoreError('Conflict', 'the object has been modified');
    const outcome = await s.lifecycle().fire(event);
    expect(outcome.intents[0]?.phase).to.equal('Succeeded');
    expect(s.patches.map((p) => p.patch.finalizers)).to.deep.equal([[FINALIZER], undefined]);
    expect(s.patches[1]?.resourceVersion).to.equal(undefined);
    expect(s.store.cached('default', 'a')?.metadata.finalizers ?? []).to.deep.equal([]);
  });

  it('fails the intent with the cause when the request cannot be written', async () => {
    const s = setup({ a: { phase: 'Succeeded' } });
    await s.add('a', 1, {}, []);
    s.store.failNext = new StoreError('Forbidden', 'patch is forbidden');
    const outcome = await s.lifecycle().fire(event);
    expect(s.patches).to.have.length(1);
    expect(outcome.intents[0]).to.deep.include({ phase: 'Failed' });
    expect(outcome.intents[0]?.message).to.contain('patch is forbidden');
  });
});
