// Owns the mapping between an EMCO intent identity (project, composite app, version, DIG, name)
// and a Kubernetes resource name: a readable DNS-1123 prefix of the EMCO name plus a short hash of
// the whole identity, so the same name in two DIGs gives two resources. The way back reads the
// identity kept in the resource (spec anchors + the tac.emco.io/name annotation).
import { createHash } from 'node:crypto';
import { ANNOTATION_NAME } from '../domain/annotations.js';
import { EMCO_NAME_MAX_LENGTH, EMCO_NAME_PATTERN } from './constraints.js';
import type { DigRef } from './types.js';
import { trimLeading, trimTrailing } from '../text.js';

/** The key of an intent in EMCO: its DIG and its name. */
export interface IntentIdentity extends DigRef {
  name: string;
}

/** Resource names stay within a DNS label (63) so they also fit label values and Event names. */
export const RESOURCE_NAME_MAX_LENGTH = 63;
const HASH_LENGTH = 10;
const PREFIX_MAX_LENGTH = RESOURCE_NAME_MAX_LENGTH - HASH_LENGTH - 1;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

const EMCO_NAME_RE = new RegExp(EMCO_NAME_PATTERN);
const DNS1123_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** True for a name EMCO accepts: 1..128 ASCII characters of the EMCO name pattern. */
export function isValidEmcoName(name: string): boolean {
  return name.length <= EMCO_NAME_MAX_LENGTH && EMCO_NAME_RE.test(name);
}

export function isDns1123Subdomain(name: string): boolean {
  return name.length <= 253 && DNS1123_SUBDOMAIN_RE.test(name);
}

/** 50 bits of SHA-256 over the unambiguous encoding of the identity, as 10 base32 characters. */
function identityHash(id: IntentIdentity): string {
  const text = JSON.stringify([
    id.project,
    id.compositeApp,
    id.compositeAppVersion,
    id.deploymentIntentGroup,
    id.name,
  ]);
  const digest = createHash('sha256').update(text, 'utf8').digest();
  let bits = digest.readBigUInt64BE(0) >> 14n; // top 50 bits
  let out = '';
  for (let i = 0; i < HASH_LENGTH; i++) {
    out = (BASE32[Number(bits & 31n)] ?? 'a') + out;
    bits >>= 5n;
  }
  return out;
}

/** The readable part: the name lower-cased, runs of other characters as one `-`, trimmed. */
function readablePrefix(name: string): string {
  const dashed = trimLeading(name.toLowerCase().replace(/[^a-z0-9]+/g, '-'), '-');
  const prefix = trimTrailing(dashed.slice(0, PREFIX_MAX_LENGTH), '-');
  return prefix === '' ? 'tai' : prefix;
}

/**
 * The resource name of an EMCO intent: `<readable prefix>-<hash>`, a DNS-1123 label of at most 63
 * characters. Deterministic; distinct identities give distinct names (50-bit hash).
 */
export function resourceNameFor(id: IntentIdentity): string {
  return `${readablePrefix(id.name)}-${identityHash(id)}`;
}

/** The parts of a resource that carry its EMCO identity. */
export interface IdentitySource {
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec: DigRef;
}

/** The EMCO name of a resource: the tac.emco.io/name annotation, else metadata.name (kubectl-created intents). */
export function emcoNameOf(resource: IdentitySource): string {
  return resource.metadata?.annotations?.[ANNOTATION_NAME] ?? resource.metadata?.name ?? '';
}

/** The DIG a resource belongs to (its spec anchors). */
export function digOf(resource: IdentitySource): DigRef {
  const { project, compositeApp, compositeAppVersion, deploymentIntentGroup } = resource.spec;
  return { project, compositeApp, compositeAppVersion, deploymentIntentGroup };
}

/** The EMCO identity of a resource. */
export function identityOf(resource: IdentitySource): IntentIdentity {
  return { ...digOf(resource), name: emcoNameOf(resource) };
}

export function sameDig(a: DigRef, b: DigRef): boolean {
  return (
    a.project === b.project &&
    a.compositeApp === b.compositeApp &&
    a.compositeAppVersion === b.compositeAppVersion &&
    a.deploymentIntentGroup === b.deploymentIntentGroup
  );
}

/** True when the resource is the intent `name` of `dig` (what REST GET/PUT/DELETE look for). */
export function isIntent(resource: IdentitySource, dig: DigRef, name: string): boolean {
  return sameDig(digOf(resource), dig) && emcoNameOf(resource) === name;
}
