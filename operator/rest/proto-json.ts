// Owns turning Temporal API messages (as the TypeScript SDK decodes them) into the JSON shape
// EMCO's status route returns (Go gogo-proto structs through encoding/json): snake_case keys,
// zero values omitted, timestamps as RFC 3339, durations as integer nanoseconds, enums as
// integers, bytes as base64, and a history event's attributes under `Attributes`.
import { trimTrailing } from '../../common/text.js';

interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
  toString(): string;
}

function isLong(v: object): v is LongLike {
  return (
    'low' in v &&
    'high' in v &&
    'unsigned' in v &&
    typeof (v as { low: unknown }).low === 'number' &&
    typeof (v as { high: unknown }).high === 'number'
  );
}

function messageType(v: object): string | undefined {
  const t = (v as { $type?: { fullName?: unknown } }).$type;
  if (t !== undefined && typeof t.fullName === 'string') return t.fullName.replace(/^\./, '');
  const ctor = (v as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' ? ctor.name : undefined;
}

function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'object' && v !== null && isLong(v)) return BigInt(v.toString());
  return 0n;
}

/** Go's time.Time JSON: RFC 3339 with up to nanoseconds, trailing zeros trimmed. */
export function rfc3339(seconds: bigint, nanos: number): string {
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  const frac = nanos > 0 ? '.' + trimTrailing(String(nanos).padStart(9, '0'), '0') : '';
  return `${base}${frac}Z`;
}

function integer(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

function isEmpty(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === 0 ||
    v === '' ||
    v === false ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'bigint' && v === 0n)
  );
}

function isTimestampKey(key: string): boolean {
  return /Time$/.test(key) || key === 'time';
}

/**
 * Converts one decoded message (or any value inside one). Values that need a JSON encoder able to
 * print int64 exactly come back as bigint.
 */
export function protoToGoJson(value: unknown, key = ''): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'bigint') return integer(value);
  if (typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => protoToGoJson(v, key) ?? null);
  if (isLong(value)) return integer(BigInt(value.toString()));
  const type = messageType(value);
  const rec = value as Record<string, unknown>;
  const isTimestamp = type === 'google.protobuf.Timestamp' || (type === 'Timestamp' && 'seconds' in rec);
  const isDuration = type === 'google.protobuf.Duration' || (type === 'Duration' && 'seconds' in rec);
  if (isTimestamp || isDuration || (isTimestampKey(key) && 'seconds' in rec)) {
    const seconds = toBigInt(rec.seconds);
    const nanos = Number(rec.nanos ?? 0);
    if (isDuration || (!isTimestamp && !isTimestampKey(key)))
      return integer(seconds * 1_000_000_000n + BigInt(nanos));
    return rfc3339(seconds, nanos);
  }
  if ('seconds' in rec && 'nanos' in rec && Object.keys(rec).length <= 2 && !isTimestampKey(key)) {
    return integer(toBigInt(rec.seconds) * 1_000_000_000n + BigInt(Number(rec.nanos ?? 0)));
  }
  const fields = (value as { $type?: { fields?: Record<string, { map?: boolean } | undefined> } }).$type
    ?.fields;
  const out: Record<string, unknown> = {};
  let attributes: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(rec)) {
    if (k.startsWith('$')) continue;
    const converted = fields?.[k]?.map === true ? mapToGoJson(v) : protoToGoJson(v, k);
    if (isEmpty(converted)) continue;
    if (k.endsWith('EventAttributes')) {
      attributes ??= {};
      attributes[snake(k)] = converted;
      continue;
    }
    out[snake(k)] = converted;
  }
  if (attributes !== undefined) out.Attributes = attributes;
  return out;
}

/** A protobuf map field: keys are data, not field names, so they are kept as they are. */
function mapToGoJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = protoToGoJson(v, k) ?? null;
  return Object.keys(out).length === 0 ? undefined : out; // omitempty
}
