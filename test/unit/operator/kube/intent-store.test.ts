// The intent repository over a fake cache and API client: read-your-writes for every write, the DIG
// index in run order, tombstones of deleted intents, the one retry loop and waits on the cache.
import { expect } from 'chai';
import type { TemporalActionIntent } from '../../../../common/model/types.js';
import { CacheWaiter } from '../../../../operator/kube/cache-waiter.js';
import { KubeIntentStore, type IntentCache } from '../../../../operator/kube/intent-store.js';
import { StoreError, type MetadataPatch } from '../../../../operator/ports.js';
import { intent } from '../../../support/builders.js';

/** The informer cache: keeps the newest object per key, as the real one does. */
class FakeCache implements IntentCache {
  readonly objects = new Map<string, TemporalActionIntent>();
  onChange: (obj: TemporalActionIntent) => void = () => undefined;
  list(): TemporalActionIntent[] {
    return [...this.objects.values()];
  }
  get(namespace: string, name: string): TemporalActionIntent | undefined {
    return this.objects.get(`${namespace}/${name}`);
  }
  upsertLocal(obj: TemporalActionIntent): void {
    this.objects.set(`${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`, obj);
  }
  /** A watch event arriving from the API server. */
  watched(obj: TemporalActionIntent): void {
    this.upsertLocal(obj);
    this.onChange(obj);
  }
  synced(): boolean {
    return true;
  }
}

/** The API server: answers writes with a new resourceVersion, or fails as told. */
class FakeClient {
  version = 10;
  fail: StoreError[] = [];
  readonly calls: string[] = [];
  private answer(obj: TemporalActionIntent, call: string): Promise<TemporalActionIntent> {
    this.calls.push(call);
    const err = this.fail.shift();
    if (err !== undefined) return Promise.reject(err);
    const copy = structuredClone(obj);
    copy.metadata.resourceVersion = String(++this.version);
    return Promise.resolve(copy);
  }
  create(obj: TemporalActionIntent): Promise<TemporalActionIntent> {
    return this.answer(obj, 'create');
  }
  replace(obj: TemporalActionIntent): Promise<TemporalActionIntent> {
    return this.answer(obj, 'replace');
  }
  replaceStatus(obj: TemporalActionIntent): Promise<TemporalActionIntent> {
    return this.answer(obj, 'replaceStatus');
  }
  patchMetadata(namespace: string, name: string, patch: MetadataPatch): Promise<TemporalActionIntent> {
    const obj = intent({ namespace, name });
    obj.metadata.finalizers = patch.finalizers ?? [];
    return this.answer(obj, 'patchMetadata');
  }
  delete(): Promise<void> {
    this.calls.push('delete');
    return Promise.resolve();
  }
}

function setup() {
  const cache = new FakeCache();
  const client = new FakeClient();
  const store = new KubeIntentStore(cache, client, new CacheWaiter());
  cache.onChange = (obj) => store.onUpsert(obj);
  return { cache, client, store };
}

const at = (name: string, seconds: number): TemporalActionIntent => {
  const obj = intent({ name });
  obj.metadata.creationTimestamp = new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
  return obj;
};

describe('KubeIntentStore', () => {
  it('shows every write in the cache before the promise resolves (read-your-writes)', async () => {
    const { store } = setup();
    const created = await store.create(intent());
    expect(store.get('default', 'intent1')?.metadata.resourceVersion).to.equal(
      created.metadata.resourceVersion,
    );
    const patched = await store.patchMetadata('default', 'intent1', { finalizers: ['f'] });
    expect(store.get('default', 'intent1')?.metadata.resourceVersion).to.equal(
      patched.metadata.resourceVersion,
    );
    const written = await store.replaceStatus({ ...patched, status: { observedGeneration: 1 } });
    expect(store.cached('default', 'intent1')?.status).to.deep.equal({ observedGeneration: 1 });
    expect(written.metadata.resourceVersion).to.equal('13');
  });

  it('lists a DIG in run order: oldest first, then by name', async () => {
    const { store } = setup();
    for (const obj of [at('c', 2), at('b', 1), at('a', 2)]) await store.create(obj);
    const dig = intent().spec;
    expect(store.listByDig(dig).map((o) => o.metadata.name)).to.deep.equal(['b', 'a', 'c']);
    expect(store.listByDig(dig, 'elsewhere')).to.deep.equal([]);
  });

  it('hides a deleted intent until the cache shows another object of that name', async () => {
    const { store, cache } = setup();
    await store.create(intent());
    await store.delete('default', 'intent1');
    expect(store.get('default', 'intent1')).to.equal(undefined);
    expect(store.listByDig(intent().spec)).to.deep.equal([]);
    const again = intent();
    again.metadata.uid = 'uid-2';
    cache.watched(again);
    expect(store.get('default', 'intent1')?.metadata.uid).to.equal('uid-2');
  });

  describe('listVersion (what a cached list body is kept by)', () => {
    const other = (): TemporalActionIntent => {
      const obj = intent({ name: 'elsewhere' });
      obj.spec = { ...obj.spec, deploymentIntentGroup: 'other-dig' };
      return obj;
    };

    it('changes when a member is added, changed or deleted, and only then', async () => {
      const { store, cache } = setup();
      const dig = intent().spec;
      const v0 = store.listVersion(dig);
      const created = await store.create(intent());
      const v1 = store.listVersion(dig);
      expect(v1).to.not.equal(v0);
      expect(store.listVersion(dig), 'reading changes nothing').to.equal(v1);

      const changed = structuredClone(created);
      changed.metadata.resourceVersion = '99';
      changed.metadata.annotations = { note: 'changed' };
      cache.watched(changed);
      const v2 = store.listVersion(dig);
      expect(v2, 'a member changed').to.not.equal(v1);

      store.onDelete(changed);
      const v3 = store.listVersion(dig);
      expect(v3, 'a member deleted').to.not.equal(v2);
      expect(store.listByDig(dig)).to.deep.equal([]);
    });

    it('changes when a delete through the store hides a member before the watch reports it', async () => {
      const { store } = setup();
      const dig = intent().spec;
      await store.create(intent());
      const before = store.listVersion(dig);
      await store.delete('default', 'intent1');
      expect(store.listVersion(dig)).to.not.equal(before);
    });

    it('changes for both DIGs when a member moves, and not for an unrelated DIG', async () => {
      const { store, cache } = setup();
      const dig = intent().spec;
      await store.create(intent());
      const elsewhere = other();
      const otherBefore = store.listVersion(elsewhere.spec);
      const before = store.listVersion(dig);
      await store.create(intent({ name: 'intent2' }));
      expect(store.listVersion(elsewhere.spec), 'another DIG gained a member').to.equal(otherBefore);
      const moved = structuredClone(store.get('default', 'intent2') as TemporalActionIntent);
      moved.metadata.resourceVersion = '99';
      moved.spec = { ...moved.spec, deploymentIntentGroup: 'other-dig' };
      const afterAdd = store.listVersion(dig);
      expect(afterAdd).to.not.equal(before);
      cache.watched(moved);
      expect(store.listVersion(dig), 'the DIG it left').to.not.equal(afterAdd);
      expect(store.listVersion(elsewhere.spec), 'the DIG it joined').to.not.equal(otherBefore);
    });
  });

  it('hides an intent being deleted from readers but not from the controller', () => {
    const { store, cache } = setup();
    const obj = intent();
    obj.metadata.deletionTimestamp = new Date();
    cache.watched(obj);
    expect(store.get('default', 'intent1')).to.equal(undefined);
    expect(store.cached('default', 'intent1')).to.not.equal(undefined);
  });

  it('retries a conflicting write once the cache has moved on, at most five times', async () => {
    const { store, cache } = setup();
    await store.create(intent());
    let attempts = 0;
    const result = await store.update(
      'default',
      'intent1',
      () => {
        attempts++;
        if (attempts === 1) {
          // Someone else wrote: the watch brings the newer object while we wait.
          setImmediate(() =>
            cache.watched({ ...intent(), metadata: { ...intent().metadata, resourceVersion: '99' } }),
          );
          return Promise.reject(new StoreError('Conflict', 'stale'));
        }
        return Promise.resolve('done');
      },
      (err) => err.kind === 'Conflict',
    );
    expect(result).to.equal('done');
    expect(attempts).to.equal(2);
    let tries = 0;
    const always = store.update(
      'default',
      'intent1',
      () => {
        tries++;
        const newer = intent();
        newer.metadata.resourceVersion = String(100 + tries);
        setImmediate(() => cache.watched(newer));
        return Promise.reject(new StoreError('Conflict', `stale ${tries}`));
      },
      () => true,
    );
    await always.then(
      () => expect.fail('should throw'),
      (err: unknown) => expect((err as Error).message).to.equal('stale 5'),
    );
  });

  it('does not retry what the caller does not call retryable', async () => {
    const { store } = setup();
    let tries = 0;
    const err = await store
      .update(
        'default',
        'intent1',
        () => {
          tries++;
          return Promise.reject(new StoreError('Invalid', 'bad'));
        },
        (e) => e.kind === 'Conflict',
      )
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(StoreError);
    expect(tries).to.equal(1);
  });

  it('waits on the cache: resolves on the change that satisfies the check, false at the deadline', async () => {
    const { store, cache } = setup();
    await store.create(intent());
    const seen = store.waitFor('default', 'intent1', (o) => o?.status?.observedGeneration === 2, 5000);
    cache.watched({ ...intent(), status: { observedGeneration: 1 } });
    cache.watched({ ...intent(), status: { observedGeneration: 2 } });
    expect(await seen).to.equal(true);
    expect(await store.waitFor('default', 'intent1', () => false, 10)).to.equal(false);
  });
});
