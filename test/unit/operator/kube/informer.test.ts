import { expect } from 'chai';
import { KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import {
  InformerStoppedError,
  ResourceInformer,
  compareResourceVersions,
  type ListWatchLike,
  type ResourceInformerOptions,
} from '../../../../operator/kube/informer.js';
import { FakeClock, recordingLogger, settle } from '../fakes.js';

interface Widget extends KubernetesObject {
  spec?: { size?: number };
}

type Verb = 'add' | 'update' | 'delete' | 'error' | 'connect';

/** Behaves like client-node's ListWatch as far as the informer can tell: list, then events. */
class FakeListWatch implements ListWatchLike {
  private readonly callbacks = new Map<Verb, ((arg: never) => void)[]>();
  stopped = false;

  constructor(
    readonly path: string,
    readonly list: () => Promise<KubernetesListObject<KubernetesObject>>,
  ) {}

  on(verb: 'add' | 'update' | 'delete', cb: (obj: KubernetesObject) => void): void;
  on(verb: 'error' | 'connect', cb: (err?: unknown) => void): void;
  on(verb: Verb, cb: ((obj: KubernetesObject) => void) | ((err?: unknown) => void)): void {
    const list = this.callbacks.get(verb) ?? [];
    list.push(cb);
    this.callbacks.set(verb, list);
  }

  async start(): Promise<void> {
    this.fire('connect', undefined);
    let listed: KubernetesListObject<KubernetesObject>;
    try {
      listed = await this.list();
    } catch (err) {
      this.fire('error', err);
      return;
    }
    for (const item of listed.items) this.fire('add', item);
  }

  stop(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }

  fire(verb: Verb, arg: unknown): void {
    for (const cb of this.callbacks.get(verb) ?? []) (cb as (a: unknown) => void)(arg);
  }
}

/** The API server's state per namespace, with failures to inject into the next lists. */
class FakeServer {
  readonly objects = new Map<string, Widget>();
  revision = 100;
  readonly failures: Error[] = [];
  lists = 0;
  /** When set, the list hands its items to `prepare` in pages of this size before it resolves. */
  pageSize: number | undefined;
  /** Sizes of the pages handed to `prepare`. */
  readonly pagesHanded: number[] = [];

  put(namespace: string, name: string, size = 1): Widget {
    const obj: Widget = {
      apiVersion: 'infotest.tac.emco.io/v1',
      kind: 'Widget',
      metadata: { namespace, name, resourceVersion: String(++this.revision) },
      spec: { size },
    };
    this.objects.set(`${namespace}/${name}`, obj);
    return obj;
  }

  drop(namespace: string, name: string): Widget {
    const obj = this.objects.get(`${namespace}/${name}`);
    if (obj === undefined) throw new Error('no such object');
    this.objects.delete(`${namespace}/${name}`);
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.revision) } };
  }

  list = (namespace: string | undefined, prepare?: (items: readonly unknown[]) => void): Promise<unknown> => {
    this.lists++;
    const failure = this.failures.shift();
    if (failure !== undefined) return Promise.reject(failure);
    const items = structuredClone(
      [...this.objects.values()].filter(
        (o) => namespace === undefined || o.metadata?.namespace === namespace,
      ),
    );
    const size = this.pageSize;
    if (size !== undefined && prepare !== undefined) {
      for (let i = 0; i < items.length; i += size) {
        const page = items.slice(i, i + size);
        this.pagesHanded.push(page.length);
        prepare(page);
      }
    }
    return Promise.resolve({
      apiVersion: 'infotest.tac.emco.io/v1',
      kind: 'WidgetList',
      metadata: { resourceVersion: String(this.revision) },
      items,
    });
  };
}

function widget(namespace: string, name: string, resourceVersion: string, size = 1): Widget {
  return { metadata: { namespace, name, resourceVersion }, spec: { size } };
}

function setup(options: Partial<ResourceInformerOptions<Widget>> = {}) {
  const clock = new FakeClock();
  const server = new FakeServer();
  const watches: FakeListWatch[] = [];
  const { logger, entries } = recordingLogger();
  const events: string[] = [];
  const informer = new ResourceInformer<Widget>(
    new KubeConfig(),
    { group: 'infotest.tac.emco.io', version: 'v1', plural: 'widgets', ...options },
    {
      clock,
      logger,
      lister: server.list,
      listWatchFactory: (path, list) => {
        const lw = new FakeListWatch(path, list);
        watches.push(lw);
        return lw;
      },
    },
  );
  informer.on('add', (o) =>
    events.push(`add ${o.metadata?.namespace}/${o.metadata?.name}@${o.metadata?.resourceVersion}`),
  );
  informer.on('update', (o, old) =>
    events.push(
      `update ${o.metadata?.namespace}/${o.metadata?.name}@${old.metadata?.resourceVersion}->${o.metadata?.resourceVersion}`,
    ),
  );
  informer.on('delete', (o) => events.push(`delete ${o.metadata?.namespace}/${o.metadata?.name}`));
  const current = (i = watches.length - 1): FakeListWatch => {
    const lw = watches[i];
    if (lw === undefined) throw new Error(`no ListWatch #${i}`);
    return lw;
  };
  return { clock, server, watches, informer, events, entries, current };
}

describe('operator/kube/informer', () => {
  describe('compareResourceVersions', () => {
    it('orders decimal versions as integers, not as text', () => {
      expect(compareResourceVersions('10', '9')).to.equal(1);
      expect(compareResourceVersions('9', '10')).to.equal(-1);
      expect(compareResourceVersions('42', '42')).to.equal(0);
      expect(compareResourceVersions('18446744073709551616', '18446744073709551615')).to.equal(1);
    });

    it('refuses to order opaque or missing versions', () => {
      expect(compareResourceVersions('abc', '10')).to.equal(undefined);
      expect(compareResourceVersions(undefined, '10')).to.equal(undefined);
      expect(compareResourceVersions('abc', 'abc')).to.equal(0);
    });
  });

  it('resolves start() after the first list, with the cache filled and add events fired', async () => {
    const { server, informer, events, watches } = setup();
    server.put('a', 'one');
    server.put('b', 'two');
    expect(informer.synced()).to.equal(false);
    await informer.start();
    expect(informer.synced()).to.equal(true);
    expect(watches.map((w) => w.path)).to.deep.equal(['/apis/infotest.tac.emco.io/v1/widgets']);
    expect(informer.get('a', 'one')?.spec?.size).to.equal(1);
    expect(
      informer
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
    ).to.deep.equal(['one', 'two']);
    expect(events.sort()).to.deep.equal(['add a/one@101', 'add b/two@102']);
    expect(informer.get('a', 'missing')).to.equal(undefined);
  });

  it('merges one ListWatch per namespace and syncs only when all have listed', async () => {
    const { server, informer, watches } = setup({ namespaces: ['a', 'b', 'a'] });
    server.put('a', 'one');
    server.put('b', 'two');
    server.put('c', 'three');
    await informer.start();
    expect(watches.map((w) => w.path)).to.deep.equal([
      '/apis/infotest.tac.emco.io/v1/namespaces/a/widgets',
      '/apis/infotest.tac.emco.io/v1/namespaces/b/widgets',
    ]);
    expect(
      informer
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
    ).to.deep.equal(['one', 'two']);
  });

  it('applies watch events and never moves an object back to an older resourceVersion', async () => {
    const { informer, events, current } = setup();
    await informer.start();
    const lw = current();
    lw.fire('add', widget('a', 'w', '10'));
    lw.fire('update', widget('a', 'w', '12', 2));
    lw.fire('update', widget('a', 'w', '11', 3));
    lw.fire('update', widget('a', 'w', '12', 4));
    expect(informer.get('a', 'w')?.spec?.size).to.equal(2);
    lw.fire('delete', widget('a', 'w', '13'));
    expect(informer.get('a', 'w')).to.equal(undefined);
    expect(events).to.deep.equal(['add a/w@10', 'update a/w@10->12', 'delete a/w']);
  });

  it('upsertLocal moves the cache forward only, and the echoing watch event fires nothing', async () => {
    const { informer, events, current } = setup();
    await informer.start();
    const lw = current();
    lw.fire('add', widget('a', 'w', '10'));
    expect(informer.upsertLocal(widget('a', 'w', '15', 5))).to.equal(true);
    expect(informer.get('a', 'w')?.spec?.size).to.equal(5);
    expect(informer.upsertLocal(widget('a', 'w', '14', 9))).to.equal(false);
    lw.fire('update', widget('a', 'w', '12', 7));
    lw.fire('update', widget('a', 'w', '15', 5));
    expect(informer.get('a', 'w')?.spec?.size).to.equal(5);
    lw.fire('update', widget('a', 'w', '16', 6));
    expect(informer.get('a', 'w')?.spec?.size).to.equal(6);
    expect(informer.upsertLocal(widget('a', 'new', '17'))).to.equal(true);
    expect(events).to.deep.equal(['add a/w@10', 'update a/w@10->15', 'update a/w@15->16', 'add a/new@17']);
  });

  it("keeps the watch's object once it echoes a local write: one copy, no event", async () => {
    const { informer, events, current } = setup();
    await informer.start();
    const lw = current();
    lw.fire('add', widget('a', 'w', '10'));
    const written = widget('a', 'w', '15', 5);
    informer.upsertLocal(written);
    expect(informer.get('a', 'w')).to.equal(written);
    const echoed = widget('a', 'w', '15', 5);
    lw.fire('update', echoed);
    expect(informer.get('a', 'w'), 'the object the watch holds').to.equal(echoed);
    informer.upsertLocal(widget('a', 'w', '15', 5));
    expect(informer.get('a', 'w'), 'a repeated local write of that version').to.equal(echoed);
    expect(events).to.deep.equal(['add a/w@10', 'update a/w@10->15']);
  });

  it('does not decode again the listed objects ListWatch hands back after the list', async () => {
    let decoded = 0;
    const { informer, server, events } = setup({
      decode: (obj) => {
        decoded++;
        return obj;
      },
    });
    server.put('a', 'one');
    server.put('a', 'two');
    await informer.start();
    expect(decoded).to.equal(2);
    expect(events).to.deep.equal(['add a/one@101', 'add a/two@102']);
  });

  it('decodes each listed object once, page by page as the lister hands the pages over', async () => {
    // Per decode: how many pages the lister had handed over by then.
    const decodedAtPage: number[] = [];
    const setUp = setup({
      decode: (obj) => {
        decodedAtPage.push(setUp.server.pagesHanded.length);
        return obj;
      },
    });
    const { informer, server, events } = setUp;
    server.pageSize = 2;
    for (const name of ['p1', 'p2', 'p3', 'p4', 'p5']) server.put('a', name);
    await informer.start();
    expect(server.pagesHanded).to.deep.equal([2, 2, 1]);
    expect(decodedAtPage, 'each decoded with its page, none again after the list').to.deep.equal([
      1, 1, 2, 2, 3,
    ]);
    expect(events).to.have.length(5);
    expect(informer.list().map((o) => o.metadata?.name)).to.have.members(['p1', 'p2', 'p3', 'p4', 'p5']);
  });

  it('shapes local writes with decode, like listed and watched objects', async () => {
    const { informer } = setup({
      decode: (obj) => {
        const w = obj as Widget;
        return { ...w, spec: { size: (w.spec?.size ?? 0) * 10 } };
      },
    });
    await informer.start();
    informer.upsertLocal(widget('a', 'w', '15', 5));
    expect(informer.get('a', 'w')?.spec?.size).to.equal(50);
  });

  it('keeps a deleted object deleted when a late local write of an older version arrives', async () => {
    const { informer, current } = setup();
    await informer.start();
    const lw = current();
    lw.fire('add', widget('a', 'w', '10'));
    lw.fire('delete', widget('a', 'w', '20'));
    expect(informer.upsertLocal(widget('a', 'w', '15'))).to.equal(false);
    expect(informer.get('a', 'w')).to.equal(undefined);
    lw.fire('add', widget('a', 'w', '25'));
    expect(informer.get('a', 'w')?.metadata?.resourceVersion).to.equal('25');
  });

  it('replaces objects whose versions cannot be ordered whenever the version differs', async () => {
    const { informer, events, current } = setup();
    await informer.start();
    current().fire('add', widget('a', 'w', 'x1'));
    current().fire('update', widget('a', 'w', 'x1', 2));
    current().fire('update', widget('a', 'w', 'x0', 3));
    expect(informer.get('a', 'w')?.spec?.size).to.equal(3);
    expect(events).to.deep.equal(['add a/w@x1', 'update a/w@x1->x0']);
  });

  it('backs off from the start again once a relist succeeded and its watch ran a few seconds', async () => {
    const { clock, server, informer, current } = setup({ initialBackoffMs: 1000, maxBackoffMs: 30_000 });
    server.put('a', 'kept');
    await informer.start();
    // The API server goes away: the watch fails, then two lists fail while it restarts.
    current().fire('error', new Error('socket hang up'));
    server.failures.push(new Error('ECONNREFUSED'), new Error('ECONNREFUSED'));
    clock.advance(1000);
    await settle();
    clock.advance(2000);
    await settle();
    expect(clock.delays).to.deep.equal([1000, 2000, 4000]);
    clock.advance(4000); // back: the list succeeds and the watch runs
    await settle();
    // A watch failing at once after its list keeps backing off...
    current().fire('error', new Error('socket hang up'));
    expect(clock.delays.at(-1)).to.equal(8000);
    clock.advance(8000);
    await settle();
    // ...but one that watched for a while after its list means the server recovered.
    clock.advance(5000);
    current().fire('error', new Error('socket hang up'));
    expect(clock.delays.at(-1)).to.equal(1000);
    await informer.stop();
  });

  it('restarts a failed watch after a growing backoff and relists, reporting what changed meanwhile', async () => {
    const { clock, server, informer, events, entries, watches, current } = setup({
      initialBackoffMs: 1000,
      maxBackoffMs: 4000,
    });
    server.put('a', 'kept');
    server.put('a', 'gone');
    await informer.start();
    events.length = 0;
    current().fire('error', Object.assign(new Error('Not Found'), { statusCode: 404 }));
    expect(current().stopped).to.equal(true);
    expect(clock.delays).to.deep.equal([1000]);
    const warn = entries.find((e) => e.message === 'Watch failed; restarting with a fresh list');
    expect(warn).to.include({
      level: 'warn',
      kind: 'NotFound',
      status: 404,
      retryInMs: 1000,
      error: 'HTTP 404 Not Found',
    });

    server.drop('a', 'gone');
    server.put('a', 'born');
    server.failures.push(Object.assign(new Error('Service Unavailable'), { statusCode: 503 }));
    clock.advance(1000);
    await settle();
    expect(watches).to.have.length(2);
    expect(clock.delays).to.deep.equal([1000, 2000]);
    clock.advance(2000);
    await settle();
    expect(watches).to.have.length(3);
    expect(events.sort()).to.deep.equal(['add a/born@104', 'delete a/gone']);
    expect(
      informer
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
    ).to.deep.equal(['born', 'kept']);

    // The new ListWatch is live; the old ones are ignored even if they still speak.
    watches[0]?.fire('add', widget('a', 'ghost', '500'));
    current().fire('add', widget('a', 'live', '501'));
    expect(informer.get('a', 'ghost')).to.equal(undefined);
    expect(informer.get('a', 'live')).not.to.equal(undefined);

    current().fire('error', new Error('socket hang up'));
    current().fire('error', new Error('socket hang up'));
    current().fire('error', new Error('socket hang up'));
    expect(clock.delays).to.deep.equal([1000, 2000, 4000]);
    clock.advance(4000);
    await settle();
    current().fire('error', new Error('socket hang up'));
    expect(clock.delays.at(-1)).to.equal(4000);
    clock.advance(4000 + 60_000);
    await settle();
    current().fire('error', new Error('socket hang up'));
    expect(clock.delays.at(-1)).to.equal(1000);
  });

  it('relists after 410 Gone and keeps local writes newer than the list', async () => {
    const { clock, server, informer, current } = setup({ initialBackoffMs: 10 });
    server.put('a', 'w');
    await informer.start();
    informer.upsertLocal(widget('a', 'local', '1000'));
    current().fire('error', {
      kind: 'Status',
      code: 410,
      reason: 'Expired',
      message: 'too old resource version',
    });
    clock.advance(10);
    await settle();
    expect(server.lists).to.equal(2);
    expect(informer.get('a', 'local')).not.to.equal(undefined);
    expect(informer.get('a', 'w')).not.to.equal(undefined);
  });

  it('drops the cached objects when a relist answers 404 (the resource itself is gone), and keeps retrying', async () => {
    const { clock, server, informer, events, current } = setup({ initialBackoffMs: 10 });
    server.put('a', 'w');
    server.put('b', 'v');
    await informer.start();
    events.length = 0;
    server.objects.clear();
    server.failures.push(Object.assign(new Error('Not Found'), { statusCode: 404 }));
    current().fire('error', new Error('watch closed'));
    clock.advance(10);
    await settle();
    expect(informer.list()).to.deep.equal([]);
    expect(events.sort()).to.deep.equal(['delete a/w', 'delete b/v']);
    server.put('a', 'back');
    clock.advance(1000);
    await settle();
    expect(informer.get('a', 'back')).not.to.equal(undefined);
  });

  it('a relist by the same ListWatch (after a 410 in the stream) removes what the list lacks', async () => {
    const { server, informer, events, current } = setup();
    server.put('a', 'stays');
    server.put('a', 'goes');
    await informer.start();
    informer.upsertLocal(widget('a', 'stays', '5000', 2));
    informer.upsertLocal(widget('a', 'ghost', '50'));
    server.drop('a', 'goes');
    events.length = 0;
    const lw = current();
    const listed = await lw.list();
    // client-node reports deletions of a relist with the objects of its own (stale) cache.
    lw.fire('delete', widget('a', 'goes', '102'));
    lw.fire('delete', widget('a', 'stays', '101'));
    for (const item of listed.items) lw.fire('add', item);
    expect(informer.list().map((o) => o.metadata?.name)).to.deep.equal(['stays']);
    expect(informer.get('a', 'stays')?.spec?.size).to.equal(2);
    expect(events.sort()).to.deep.equal(['delete a/ghost', 'delete a/goes']);
  });

  it('keeps retrying a failing first list and resolves start() once one succeeds', async () => {
    const { clock, server, informer } = setup({ initialBackoffMs: 100 });
    server.put('a', 'w');
    server.failures.push(Object.assign(new Error('Not Found'), { statusCode: 404 }));
    let started = false;
    const starting = informer.start().then(() => void (started = true));
    await settle();
    expect(started).to.equal(false);
    expect(informer.synced()).to.equal(false);
    clock.advance(100);
    await starting;
    expect(informer.synced()).to.equal(true);
    expect(informer.start()).to.equal(informer.start());
  });

  it('rejects start() with InformerStoppedError when stopped before the first sync', async () => {
    const { server, informer, current, clock } = setup();
    server.failures.push(new Error('down'));
    const starting = informer.start();
    await settle();
    await informer.stop();
    let error: unknown;
    try {
      await starting;
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(InformerStoppedError);
    expect((error as Error).message).to.equal('informer stopped before its first sync');
    expect(clock.pending()).to.equal(0);
    current().fire('error', new Error('late'));
    expect(clock.pending()).to.equal(0);
  });

  it('stop() stops the watch and ignores its later events; the cache keeps its contents', async () => {
    const { server, informer, current } = setup();
    server.put('a', 'w');
    await informer.start();
    await informer.stop();
    expect(current().stopped).to.equal(true);
    current().fire('add', widget('a', 'after', '999'));
    expect(informer.get('a', 'after')).to.equal(undefined);
    expect(informer.get('a', 'w')).not.to.equal(undefined);
  });

  it('isolates a throwing handler and ignores objects without names', async () => {
    const { informer, entries, events, current } = setup();
    informer.on('add', () => {
      throw new Error('handler bug');
    });
    await informer.start();
    current().fire('add', widget('a', 'w', '1'));
    current().fire('add', { metadata: { namespace: 'a' } });
    expect(events).to.deep.equal(['add a/w@1']);
    expect(entries.find((e) => e.message === 'Informer add handler failed')).to.include({
      object: 'a/w',
      error: 'handler bug',
    });
    expect(
      entries.some((e) => e.message === 'Ignored an object without metadata.name and metadata.namespace'),
    ).to.equal(true);
  });

  it('drops events whose object does not decode, logging why', async () => {
    const { informer, entries, current } = setup({
      decode: (obj) => {
        if ((obj as Widget).spec?.size === undefined) throw new Error('spec.size is required');
        return obj;
      },
    });
    await informer.start();
    current().fire('add', { metadata: { namespace: 'a', name: 'bad', resourceVersion: '1' } });
    expect(informer.get('a', 'bad')).to.equal(undefined);
    expect(entries.find((e) => e.message === 'Ignored an object that does not decode')).to.include({
      object: 'a/bad',
      error: 'spec.size is required',
    });
  });
});
