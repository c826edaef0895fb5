import { expect } from 'chai';
import { isNotFound } from '../../../../operator/kube/errors.js';
import type { Lister } from '../../../../operator/kube/informer.js';
import { WatchListError, watchListLister, type WatchStarter } from '../../../../operator/kube/watch-list.js';
import { recordingLogger } from '../fakes.js';

type Script = (emit: (type: string, object: unknown) => void, end: (err: unknown) => void) => void;

/** A watch starter that plays one script per watch and records what it was asked. */
function scripted(...scripts: Script[]) {
  const calls: { path: string; query: Record<string, string | number | boolean> }[] = [];
  let aborted = 0;
  const start: WatchStarter = (path, query, onEvent, onDone) => {
    calls.push({ path, query });
    const script = scripts.shift();
    if (script === undefined) return Promise.reject(new Error('no script left'));
    // Events come after the watch has started, as over HTTP.
    setImmediate(() => script(onEvent, onDone));
    return Promise.resolve({ abort: () => aborted++ });
  };
  return { start, calls, aborted: () => aborted };
}

const intent = (name: string, managed = true) => ({
  metadata: {
    namespace: 'ns',
    name,
    resourceVersion: '7',
    ...(managed ? { managedFields: [{ manager: 'kubectl' }] } : {}),
  },
  spec: {},
});
const endBookmark = (resourceVersion: string) => ({
  metadata: { resourceVersion, annotations: { 'k8s.io/initial-events-end': 'true' } },
});

/** A paged lister standing in for the fallback, counting its calls. */
function pagedFallback() {
  const state = { calls: 0 };
  const lister: Lister = (_namespace, prepare) => {
    state.calls++;
    const items = [intent('paged', false)];
    prepare?.(items);
    return Promise.resolve({ metadata: { resourceVersion: '99' }, items });
  };
  return { lister, state };
}

const options = {
  pathOf: (ns: string | undefined) => (ns === undefined ? '/all' : `/ns/${ns}`),
  batchSize: 2,
};

describe('operator/kube/watch-list', () => {
  it('lists with one watch: the initial events are the items, the end bookmark the version', async () => {
    const watch = scripted((emit) => {
      emit('ADDED', intent('a'));
      emit('BOOKMARK', { metadata: { resourceVersion: '8' } }); // an ordinary bookmark: ignored
      emit('ADDED', intent('b'));
      emit('ADDED', intent('c'));
      emit('BOOKMARK', endBookmark('12'));
      emit('ADDED', intent('late')); // after the end: not part of the list
    });
    const { logger } = recordingLogger();
    const lister = watchListLister(
      watch.start,
      { ...options, labelSelector: 'x=y' },
      pagedFallback().lister,
      logger,
    );
    const pages: string[][] = [];
    const body = (await lister('ns', (page) =>
      pages.push(page.map((o) => (o as ReturnType<typeof intent>).metadata.name)),
    )) as { metadata: { resourceVersion: string }; items: ReturnType<typeof intent>[] };
    expect(body.metadata.resourceVersion).to.equal('12');
    expect(body.items.map((o) => o.metadata.name)).to.deep.equal(['a', 'b', 'c']);
    expect(body.items.every((o) => o.metadata.managedFields === undefined)).to.equal(true);
    expect(pages, 'handed over in batches of batchSize as they came').to.deep.equal([['a', 'b'], ['c']]);
    expect(watch.calls).to.deep.equal([
      {
        path: '/ns/ns',
        query: {
          sendInitialEvents: true,
          resourceVersionMatch: 'NotOlderThan',
          allowWatchBookmarks: true,
          timeoutSeconds: 600,
          labelSelector: 'x=y',
        },
      },
    ]);
    expect(watch.aborted(), 'the watch is closed once the list is complete').to.equal(1);
  });

  it('falls back to the paged list for good once the API server refuses watch lists (422)', async () => {
    const refusal = Object.assign(new Error('Unprocessable Entity'), { statusCode: 422 });
    const watch = scripted((_emit, end) => end(refusal));
    const fallback = pagedFallback();
    const { logger, entries } = recordingLogger();
    const lister = watchListLister(watch.start, options, fallback.lister, logger);
    for (const namespace of [undefined, 'ns']) {
      const body = (await lister(namespace)) as { metadata: { resourceVersion: string } };
      expect(body.metadata.resourceVersion).to.equal('99');
    }
    expect(watch.calls, 'asked once, then never again').to.have.length(1);
    expect(fallback.state.calls).to.equal(2);
    expect(entries.some((e) => e.message.includes('does not serve watch lists'))).to.equal(true);
  });

  it('fails, without falling back, on other errors: not found, an ERROR event, an early end, an odd event', async () => {
    const notFound = Object.assign(new Error('Not Found'), { statusCode: 404 });
    const watch = scripted(
      (_emit, end) => end(notFound),
      (emit) => {
        emit('ADDED', intent('a'));
        emit('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' });
      },
      (emit, end) => {
        emit('ADDED', intent('a'));
        end(null);
      },
      (emit) => emit('MODIFIED', intent('a')),
      // A refusal after events is a failure, not a reason to fall back.
      (emit, end) => {
        emit('ADDED', intent('a'));
        end(Object.assign(new Error('Bad Request'), { statusCode: 400 }));
      },
    );
    const fallback = pagedFallback();
    const { logger } = recordingLogger();
    const lister = watchListLister(watch.start, options, fallback.lister, logger);
    const failures: unknown[] = [];
    for (let i = 0; i < 5; i++)
      failures.push(
        await lister('ns').then(
          () => undefined,
          (err: unknown) => err,
        ),
      );
    expect(failures.every((f) => f instanceof WatchListError)).to.equal(true);
    expect(isNotFound(failures[0]), 'a 404 reads as not found (the resource is not served)').to.equal(true);
    expect((failures[1] as WatchListError).statusCode).to.equal(410);
    expect((failures[1] as Error).message).to.include('too old resource version');
    expect((failures[2] as Error).message).to.include('ended before its initial events');
    expect((failures[3] as Error).message).to.include('MODIFIED');
    expect(fallback.state.calls).to.equal(0);
  });
});
