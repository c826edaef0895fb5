// Owns the shape checks of raw Kubernetes JSON as it comes off the wire, shared by the informer's
// listers and its watch list.

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Drops `metadata.managedFields` in place: half of an object's JSON, never read by the cache's users. */
export function dropManagedFields(item: unknown): void {
  if (isRecord(item) && isRecord(item.metadata)) delete item.metadata.managedFields;
}
