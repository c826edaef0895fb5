// Owns the `namespace/name` key by which the work queue, the caches and the waiters name an object.

/** The parts of an object's metadata a key is made of. */
export interface Named {
  metadata?: { namespace?: string; name?: string };
}

export function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** The key of an object (missing parts read as empty). */
export function objectKey(obj: Named): string {
  return keyOf(obj.metadata?.namespace ?? '', obj.metadata?.name ?? '');
}

/** The namespace and name of a key (the name may contain no `/`, the namespace neither). */
export function splitKey(key: string): [namespace: string, name: string] {
  const i = key.indexOf('/');
  return i < 0 ? ['', key] : [key.slice(0, i), key.slice(i + 1)];
}
