// Owns the sharing of repeated short strings among cached objects: JSON parsing gives every object
// its own copy of each string value (the namespace, the DIG, the hook type, condition types and
// reasons, the finalizer…), while thousands of intents hold the same few values. Pooling them makes
// one copy serve all.

/**
 * A bounded pool of string values. `share` replaces, in place, every string value of a plain
 * JSON object tree (objects and arrays) that is at most `maxLength` long by the pooled copy of the
 * same value. Unique values (names, uids, timestamps) enter the pool too until it holds
 * `maxEntries` values; after that only values already pooled are shared, so the pool never grows
 * beyond its bound and common values (seen first and often) stay shared.
 */
export class StringPool {
  private readonly pool = new Map<string, string>();

  constructor(
    private readonly maxEntries = 20_000,
    private readonly maxLength = 64,
  ) {}

  /** Shares the object's string values in place and returns it (the same object). */
  share<T>(value: T): T {
    this.walk(value, 0);
    return value;
  }

  get size(): number {
    return this.pool.size;
  }

  private intern(text: string): string {
    if (text.length > this.maxLength) return text;
    const pooled = this.pool.get(text);
    if (pooled !== undefined) return pooled;
    if (this.pool.size < this.maxEntries) this.pool.set(text, text);
    return text;
  }

  private walk(value: unknown, depth: number): void {
    // Kubernetes objects are shallow; the bound only guards against pathological input.
    if (depth > 32 || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'string') value[i] = this.intern(item);
        else this.walk(item, depth + 1);
      }
      return;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype) return;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (typeof item === 'string') record[key] = this.intern(item);
      else this.walk(item, depth + 1);
    }
  }
}
