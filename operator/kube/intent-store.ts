// Owns the one intent repository (IntentStore) the controller, lifecycle events and the REST API
// use: reads from the informer cache (indexed by DIG), writes through the API server with
// read-your-writes (every write's result is put into the cache at once, deleted intents are hidden
// until the watch catches up), the one read-modify-write retry loop, and waits on the cache.
import type { DigRef } from '../../common/emco/types.js';
import type { TemporalActionIntent } from '../../common/model/types.js';
import { StoreError, type IntentStore, type MetadataPatch } from '../ports.js';
import type { CacheWaiter } from './cache-waiter.js';
import { keyOf, objectKey, splitKey } from '../../common/domain/keys.js';
import { runOrder } from '../../common/domain/runs.js';
import type { IntentClient } from './intent-client.js';

export interface IntentCache {
  list(): TemporalActionIntent[];
  get(namespace: string, name: string): TemporalActionIntent | undefined;
  upsertLocal(obj: TemporalActionIntent): void;
  synced(): boolean;
}

/** Writes per read-modify-write at most (the first and the retries after conflicts). */
const MAX_WRITE_ATTEMPTS = 5;
/** How long a retry waits for the cache to show the version that made the write conflict. */
const CACHE_CATCH_UP_MS = 2000;

export function digKey(dig: DigRef): string {
  return JSON.stringify([dig.project, dig.compositeApp, dig.compositeAppVersion, dig.deploymentIntentGroup]);
}

export class KubeIntentStore implements IntentStore {
  /** DIG → object keys; maintained from cache events (`onUpsert` / `onDelete`). */
  private readonly byDig = new Map<string, Set<string>>();
  private readonly digOf = new Map<string, string>();
  /** DIG → its keys in run order; dropped when the DIG's membership changes. */
  private readonly sorted = new Map<string, string[]>();
  /** Deleted through this store: key → uid, hidden until the cache shows another object. */
  private readonly tombstones = new Map<string, string>();
  /** DIG → the stamp of its last change (membership, a member's object, a member's visibility). */
  private readonly digStamps = new Map<string, number>();
  private lastStamp = 0;
  private readonly digNames = new Map<string, string>();

  constructor(
    private readonly cache: IntentCache,
    private readonly client: Pick<
      IntentClient,
      'create' | 'replace' | 'delete' | 'patchMetadata' | 'replaceStatus'
    >,
    private readonly waiter: CacheWaiter,
  ) {}

  /** Index maintenance: call for every add/update the cache sees (and for local upserts). */
  onUpsert(obj: TemporalActionIntent): void {
    const k = objectKey(obj);
    const d = this.canonicalDig(digKey(obj.spec));
    const previous = this.digOf.get(k);
    this.touch(d);
    if (previous !== d) {
      if (previous !== undefined) {
        this.byDig.get(previous)?.delete(k);
        this.sorted.delete(previous);
        this.touch(previous);
      }
      this.sorted.delete(d);
      const set = this.byDig.get(d) ?? new Set<string>();
      set.add(k);
      this.byDig.set(d, set);
      this.digOf.set(k, d);
    }
    const tomb = this.tombstones.get(k);
    if (tomb !== undefined && tomb !== obj.metadata?.uid) this.tombstones.delete(k);
    this.waiter.notify(k);
  }

  onDelete(obj: TemporalActionIntent): void {
    const k = objectKey(obj);
    const d = this.digOf.get(k);
    if (d !== undefined) {
      this.byDig.get(d)?.delete(k);
      this.sorted.delete(d);
      this.touch(d);
    }
    this.digOf.delete(k);
    this.tombstones.delete(k);
    this.waiter.notify(k);
  }

  /** One string per DIG key, however many members: digOf holds it once per intent. */
  private canonicalDig(d: string): string {
    const known = this.digNames.get(d);
    if (known !== undefined) return known;
    this.digNames.set(d, d);
    return d;
  }

  private touch(d: string): void {
    this.digStamps.set(d, ++this.lastStamp);
  }

  /**
   * A number that changes whenever what `listByDig(dig)` returns may change: a member added,
   * updated (a new object), deleted, or hidden by a delete through this store. Equal numbers mean
   * the same list of the same objects, so a caller may keep anything derived from the list.
   */
  listVersion(dig: DigRef): number {
    return this.digStamps.get(digKey(dig)) ?? 0;
  }

  private visible(obj: TemporalActionIntent | undefined): obj is TemporalActionIntent {
    if (obj === undefined) return false;
    if (obj.metadata?.deletionTimestamp !== undefined) return false;
    const tomb = this.tombstones.get(objectKey(obj));
    return tomb === undefined || tomb !== obj.metadata?.uid;
  }

  listByDig(dig: DigRef, namespace?: string): TemporalActionIntent[] {
    const d = digKey(dig);
    const out: TemporalActionIntent[] = [];
    for (const k of this.orderedKeys(d)) {
      const [ns, name] = splitKey(k);
      if (namespace !== undefined && ns !== namespace) continue;
      const obj = this.cache.get(ns, name);
      if (this.visible(obj)) out.push(obj);
    }
    return out;
  }

  /** The DIG's keys in run order. The order depends only on creationTimestamp and name, which an
   * object keeps for life, so it is sorted once per membership change, not per read. */
  private orderedKeys(d: string): string[] {
    let keys = this.sorted.get(d);
    if (keys === undefined) {
      const objects: TemporalActionIntent[] = [];
      for (const k of this.byDig.get(d) ?? []) {
        const obj = this.cache.get(...splitKey(k));
        if (obj !== undefined) objects.push(obj);
      }
      keys = objects.sort(runOrder).map(objectKey);
      this.sorted.set(d, keys);
    }
    return keys;
  }

  get(namespace: string, name: string): TemporalActionIntent | undefined {
    const obj = this.cache.get(namespace, name);
    return this.visible(obj) ? obj : undefined;
  }

  cached(namespace: string, name: string): TemporalActionIntent | undefined {
    return this.cache.get(namespace, name);
  }

  async create(intent: TemporalActionIntent): Promise<TemporalActionIntent> {
    return this.remember(await this.client.create(intent));
  }

  async replace(intent: TemporalActionIntent): Promise<TemporalActionIntent> {
    return this.remember(await this.client.replace(intent));
  }

  async patchMetadata(
    namespace: string,
    name: string,
    patch: MetadataPatch,
    resourceVersion?: string,
  ): Promise<TemporalActionIntent> {
    return this.remember(await this.client.patchMetadata(namespace, name, patch, resourceVersion));
  }

  async replaceStatus(obj: TemporalActionIntent): Promise<TemporalActionIntent> {
    return this.remember(await this.client.replaceStatus(obj));
  }

  async delete(namespace: string, name: string): Promise<void> {
    const uid = this.cache.get(namespace, name)?.metadata?.uid;
    await this.client.delete(namespace, name);
    const k = keyOf(namespace, name);
    if (uid !== undefined) this.tombstones.set(k, uid);
    const d = this.digOf.get(k);
    if (d !== undefined) this.touch(d);
    this.waiter.notify(k);
  }

  async update<T>(
    namespace: string,
    name: string,
    write: () => Promise<T>,
    retryable: (err: StoreError) => boolean,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const version = this.get(namespace, name)?.metadata?.resourceVersion;
      try {
        return await write();
      } catch (err) {
        if (!(err instanceof StoreError) || !retryable(err) || attempt >= MAX_WRITE_ATTEMPTS) throw err;
        // Retry once the cache shows what the write lost to (or the object is gone).
        await this.waitFor(
          namespace,
          name,
          (obj) => obj?.metadata?.resourceVersion !== version,
          CACHE_CATCH_UP_MS,
        );
      }
    }
  }

  waitFor(
    namespace: string,
    name: string,
    check: (obj: TemporalActionIntent | undefined) => boolean,
    timeoutMs: number,
  ): Promise<boolean> {
    return this.waiter.wait(keyOf(namespace, name), () => check(this.get(namespace, name)), timeoutMs);
  }

  /** Read-your-writes: the written object is in the cache (and the DIG index) before callers go on. */
  private remember(obj: TemporalActionIntent): TemporalActionIntent {
    this.cache.upsertLocal(obj);
    this.onUpsert(obj);
    return obj;
  }

  synced(): boolean {
    return this.cache.synced();
  }
}
