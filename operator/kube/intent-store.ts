// Owns the IntentStore the REST API and lifecycle events use: reads from the informer cache
// (indexed by DIG), writes through the API server, and read-your-writes by putting every write's
// result into the cache at once (and hiding deleted intents until the watch catches up).
import type { DigRef } from '../../common/emco/types.js';
import type { TemporalActionIntent } from '../../common/model/types.js';
import type { IntentStore } from '../ports.js';
import { objectKey } from '../../common/domain/keys.js';
import { runOrder } from '../../common/domain/runs.js';
import type { IntentClient } from './intent-client.js';

export interface IntentCache {
  list(): TemporalActionIntent[];
  get(namespace: string, name: string): TemporalActionIntent | undefined;
  upsertLocal(obj: TemporalActionIntent): void;
  synced(): boolean;
}

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

  constructor(
    private readonly cache: IntentCache,
    private readonly client: IntentClient,
  ) {}

  /** Index maintenance: call for every add/update the cache sees (and for local upserts). */
  onUpsert(obj: TemporalActionIntent): void {
    const k = objectKey(obj);
    const d = digKey(obj.spec);
    const previous = this.digOf.get(k);
    if (previous !== d) {
      if (previous !== undefined) {
        this.byDig.get(previous)?.delete(k);
        this.sorted.delete(previous);
      }
      this.sorted.delete(d);
      const set = this.byDig.get(d) ?? new Set<string>();
      set.add(k);
      this.byDig.set(d, set);
      this.digOf.set(k, d);
    }
    const tomb = this.tombstones.get(k);
    if (tomb !== undefined && tomb !== obj.metadata?.uid) this.tombstones.delete(k);
  }

  onDelete(obj: TemporalActionIntent): void {
    const k = objectKey(obj);
    const d = this.digOf.get(k);
    if (d !== undefined) {
      this.byDig.get(d)?.delete(k);
      this.sorted.delete(d);
    }
    this.digOf.delete(k);
    this.tombstones.delete(k);
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
      const i = k.indexOf('/');
      const ns = k.slice(0, i);
      if (namespace !== undefined && ns !== namespace) continue;
      const obj = this.cache.get(ns, k.slice(i + 1));
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
        const i = k.indexOf('/');
        const obj = this.cache.get(k.slice(0, i), k.slice(i + 1));
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

  async create(intent: TemporalActionIntent): Promise<TemporalActionIntent> {
    const created = await this.client.create(intent);
    this.cache.upsertLocal(created);
    this.onUpsert(created);
    return created;
  }

  async replace(intent: TemporalActionIntent): Promise<TemporalActionIntent> {
    const updated = await this.client.replace(intent);
    this.cache.upsertLocal(updated);
    this.onUpsert(updated);
    return updated;
  }

  async delete(namespace: string, name: string): Promise<void> {
    const uid = this.cache.get(namespace, name)?.metadata?.uid;
    await this.client.delete(namespace, name);
    if (uid !== undefined) this.tombstones.set(`${namespace}/${name}`, uid);
  }

  synced(): boolean {
    return this.cache.synced();
  }
}
