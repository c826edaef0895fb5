import { Writable } from 'node:stream';
import { expect } from 'chai';
import winston from 'winston';
import { ApiextensionsV1Api, CustomObjectsApi, type KubernetesObject } from '@kubernetes/client-node';
import { defaultLister, ResourceInformer } from '../../../operator/kube/informer.js';
import { isNotFound } from '../../../operator/kube/errors.js';
import { clientNodeWatch, watchListLister } from '../../../operator/kube/watch-list.js';
import { kubeConfig, uniqueName, waitFor } from '../../support/env.js';

const GROUP = 'infotest.tac.emco.io';
const VERSION = 'v1';

interface Gadget extends KubernetesObject {
  spec?: { size?: number };
}

/** A tiny namespaced CRD of its own per test, so tests never see each other's objects. */
function gadgetCrd(plural: string) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { plural, singular: plural.slice(0, -1), kind: kindOf(plural) },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
            },
          },
        },
      ],
    },
  };
}

function kindOf(plural: string): string {
  return `G${plural.slice(1, -1)}`;
}

function recordingLogger(): { logger: winston.Logger; messages: string[] } {
  const messages: string[] = [];
  const stream = new Writable({
    objectMode: true,
    write(info: { message: string }, _encoding, callback) {
      if (process.env.INFOTEST_DEBUG === '1') console.error(JSON.stringify(info));
      messages.push(info.message);
      callback();
    },
  });
  return {
    logger: winston.createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream })] }),
    messages,
  };
}

class Fixture {
  readonly ext = kubeConfig().makeApiClient(ApiextensionsV1Api);
  readonly objects = kubeConfig().makeApiClient(CustomObjectsApi);
  readonly plural = uniqueName('gadgets').replace(/-/g, '') + 's';

  get crdName(): string {
    return `${this.plural}.${GROUP}`;
  }

  async installCrd(): Promise<void> {
    await this.ext.createCustomResourceDefinition({ body: gadgetCrd(this.plural) });
    await waitFor(
      async () => {
        const crd = await this.ext.readCustomResourceDefinition({ name: this.crdName });
        return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      },
      { what: `CRD ${this.crdName} to be Established` },
    );
  }

  async deleteCrd(): Promise<void> {
    await this.ext.deleteCustomResourceDefinition({ name: this.crdName });
    await waitFor(
      async () => {
        try {
          await this.ext.readCustomResourceDefinition({ name: this.crdName });
          return false;
        } catch (err) {
          if (isNotFound(err)) return true;
          throw err;
        }
      },
      { what: `CRD ${this.crdName} to be gone` },
    );
  }

  /** Creates an object, retrying while a just-established resource is not served yet. */
  create(namespace: string, name: string, size: number): Promise<Gadget> {
    return waitFor(
      async () =>
        (await this.objects.createNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace,
          plural: this.plural,
          body: {
            apiVersion: `${GROUP}/${VERSION}`,
            kind: kindOf(this.plural),
            metadata: { name },
            spec: { size },
          },
        })) as Gadget,
      { what: `${namespace}/${name} to be created` },
    );
  }

  async resize(namespace: string, name: string, size: number): Promise<Gadget> {
    const current = (await this.objects.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: this.plural,
      name,
    })) as Gadget;
    return (await this.objects.replaceNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: this.plural,
      name,
      body: { ...current, spec: { size } },
    })) as Gadget;
  }

  async remove(namespace: string, name: string): Promise<void> {
    await this.objects.deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: this.plural,
      name,
    });
  }

  async cleanup(): Promise<void> {
    try {
      await this.ext.deleteCustomResourceDefinition({ name: this.crdName });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

describe('operator/kube/informer on the API server', () => {
  let fixture: Fixture;
  let informer: ResourceInformer<Gadget> | undefined;

  beforeEach(() => {
    fixture = new Fixture();
    informer = undefined;
  });

  afterEach(async () => {
    await informer?.stop();
    await fixture.cleanup();
  });

  it('delivers creates, updates and deletes of the watched namespaces to the handlers and the cache', async () => {
    await fixture.installCrd();
    await fixture.create('default', 'early', 1);
    const events: string[] = [];
    informer = new ResourceInformer<Gadget>(kubeConfig(), {
      group: GROUP,
      version: VERSION,
      plural: fixture.plural,
      namespaces: ['default', 'kube-public'],
    });
    informer.on('add', (o) => events.push(`add ${o.metadata?.namespace}/${o.metadata?.name}`));
    informer.on('update', (o) =>
      events.push(`update ${o.metadata?.namespace}/${o.metadata?.name}@${o.spec?.size}`),
    );
    informer.on('delete', (o) => events.push(`delete ${o.metadata?.namespace}/${o.metadata?.name}`));
    await informer.start();
    expect(informer.synced()).to.equal(true);
    expect(informer.get('default', 'early')?.spec?.size).to.equal(1);

    await fixture.create('kube-node-lease', 'elsewhere', 1);
    await fixture.create('default', 'a', 1);
    await fixture.create('kube-public', 'b', 2);
    const inf = informer;
    await waitFor(() => inf.get('default', 'a') !== undefined && inf.get('kube-public', 'b') !== undefined, {
      what: 'the new objects in the cache',
    });

    const resized = await fixture.resize('default', 'a', 5);
    inf.upsertLocal(resized);
    const cached = inf.get('default', 'a');
    expect(cached?.spec?.size).to.equal(5);
    expect(
      BigInt(cached?.metadata?.resourceVersion ?? '0') >= BigInt(resized.metadata?.resourceVersion ?? '0'),
    ).to.equal(true);

    await fixture.remove('default', 'a');
    await waitFor(() => inf.get('default', 'a') === undefined, {
      what: 'the deleted object to leave the cache',
    });
    await fixture.create('default', 'fence', 1);
    await waitFor(() => inf.get('default', 'fence'), { what: 'a later object in the cache' });

    expect(inf.get('kube-node-lease', 'elsewhere')).to.equal(undefined);
    expect(
      inf
        .list()
        .map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`)
        .sort(),
    ).to.deep.equal(['default/early', 'default/fence', 'kube-public/b']);
    // Per object, events come in order; the local write and its watch echo are one update, not two.
    expect(events.filter((e) => e.includes('default/a'))).to.deep.equal([
      'add default/a',
      'update default/a@5',
      'delete default/a',
    ]);
    expect(events).to.include.members(['add default/early', 'add kube-public/b', 'add default/fence']);
    expect(events.some((e) => e.includes('elsewhere'))).to.equal(false);
  });

  it('lists page by page, in one namespace or all, without managedFields', async () => {
    await fixture.installCrd();
    const names = Array.from({ length: 7 }, (_, i) => `paged-${i}`);
    for (const [i, name] of names.entries()) await fixture.create('default', name, i);
    const lister = defaultLister<Gadget>(kubeConfig(), {
      group: GROUP,
      version: VERSION,
      plural: fixture.plural,
      listPageSize: 2,
    });
    for (const namespace of ['default', undefined]) {
      const pages: (readonly unknown[])[] = [];
      const body = (await lister(namespace, (page) => pages.push(page))) as {
        metadata?: { resourceVersion?: string };
        items: Gadget[];
      };
      const what = namespace ?? 'all namespaces';
      expect(body.items.map((o) => o.metadata?.name).sort(), what).to.deep.equal(names);
      // Each page handed over as it came, holding the very objects of the list.
      expect(
        pages.map((p) => p.length),
        what,
      ).to.deep.equal([2, 2, 2, 1]);
      expect(pages.flat(), what).to.have.ordered.members(body.items);
      expect(
        body.items.every((o) => o.metadata?.managedFields === undefined),
        what,
      ).to.equal(true);
      expect(body.metadata?.resourceVersion, what).to.be.a('string');
    }
    // The informer over those pages: every object cached.
    informer = new ResourceInformer<Gadget>(kubeConfig(), {
      group: GROUP,
      version: VERSION,
      plural: fixture.plural,
      listPageSize: 2,
      watchList: false,
    });
    await informer.start();
    expect(informer.list().length).to.equal(names.length);
  });

  it('reads with a watch list by default: every object, in batches as they stream in, then watches on', async () => {
    await fixture.installCrd();
    const names = Array.from({ length: 5 }, (_, i) => `streamed-${i}`);
    for (const [i, name] of names.entries()) await fixture.create('default', name, i);
    await fixture.create('kube-public', 'other', 9);
    // The lister alone, against the API server: batches of 2, no managedFields, a resourceVersion.
    const { logger, messages } = recordingLogger();
    const pathOf = (ns: string | undefined): string =>
      `/apis/${GROUP}/${VERSION}/${ns === undefined ? '' : `namespaces/${ns}/`}${fixture.plural}`;
    const lister = watchListLister(
      clientNodeWatch(kubeConfig()),
      { pathOf, batchSize: 2 },
      () => Promise.reject(new Error('fell back to the paged list')),
      logger,
    );
    const batches: number[] = [];
    const body = (await lister('default', (batch) => batches.push(batch.length))) as {
      metadata: { resourceVersion?: string };
      items: Gadget[];
    };
    expect(body.items.map((o) => o.metadata?.name).sort()).to.deep.equal(names);
    expect(body.items.every((o) => o.metadata?.managedFields === undefined)).to.equal(true);
    expect(batches).to.deep.equal([2, 2, 1]);
    expect(body.metadata.resourceVersion).to.be.a('string').and.not.equal('');
    const all = (await lister(undefined)) as { items: Gadget[] };
    expect(all.items).to.have.length(names.length + 1);

    // The informer's default: the same watch list, then the watch from its resourceVersion.
    informer = new ResourceInformer<Gadget>(
      kubeConfig(),
      { group: GROUP, version: VERSION, plural: fixture.plural, namespaces: ['default'] },
      { logger },
    );
    const inf = informer;
    await inf.start();
    expect(
      inf
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
    ).to.deep.equal(names);
    expect(messages.some((m) => m.includes('does not serve watch lists'))).to.equal(false);
    await fixture.create('default', 'after', 1);
    await waitFor(() => inf.get('default', 'after') !== undefined, {
      what: 'the object created after the list',
    });
  });

  it('restarts after a watch error (its CRD deleted and re-created) and sees later changes', async () => {
    await fixture.installCrd();
    await fixture.create('default', 'before', 1);
    const { logger, messages } = recordingLogger();
    informer = new ResourceInformer<Gadget>(
      kubeConfig(),
      { group: GROUP, version: VERSION, plural: fixture.plural, initialBackoffMs: 200, maxBackoffMs: 1000 },
      { logger },
    );
    const inf = informer;
    await inf.start();
    expect(inf.get('default', 'before')).not.to.equal(undefined);

    await fixture.deleteCrd();
    await waitFor(() => messages.includes('Watch failed; restarting with a fresh list'), {
      what: 'the informer to report the failed watch',
    });
    await waitFor(() => inf.get('default', 'before') === undefined, {
      what: 'the objects of the deleted CRD to leave the cache',
    });

    await fixture.installCrd();
    await fixture.create('default', 'after', 7);
    const after = await waitFor(() => inf.get('default', 'after'), {
      what: 'an object created after the re-creation to reach the cache',
    });
    expect(after.spec?.size).to.equal(7);
    await fixture.resize('default', 'after', 8);
    await waitFor(() => inf.get('default', 'after')?.spec?.size === 8, {
      what: 'a later update to reach the cache',
    });
  });
});
