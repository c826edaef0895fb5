// Owns authentication and authorization of REST callers against Kubernetes: the bearer token goes
// to a TokenReview, each call becomes a SubjectAccessReview of the matching verb on
// `temporalactionintents` (group tac.emco.io). Positive answers are cached briefly, keyed by a
// hash of the token (tokens are never logged or kept in clear).
import { createHash } from 'node:crypto';
import type { V1SubjectAccessReview, V1TokenReview } from '@kubernetes/client-node';
import { HttpError } from './reply.js';

export const TAC_API_GROUP = 'tac.emco.io';
export const TAC_RESOURCE = 'temporalactionintents';

/** The two client-node calls used (AuthenticationV1Api / AuthorizationV1Api satisfy these). */
export interface KubernetesAuthApis {
  tokenReview: { createTokenReview(param: { body: V1TokenReview }): Promise<V1TokenReview> };
  subjectAccessReview: {
    createSubjectAccessReview(param: { body: V1SubjectAccessReview }): Promise<V1SubjectAccessReview>;
  };
}

export interface AuthenticatedUser {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export type AccessVerb = 'get' | 'list' | 'create' | 'update' | 'delete';

/** One Kubernetes permission a REST call needs. */
export interface AccessCheck {
  verb: AccessVerb;
  namespace: string;
  subresource?: string;
  /** Resource name, when the call is about one intent. */
  name?: string;
}

export interface KubernetesAuthOptions {
  /** How long a positive review is reused (ms). */
  cacheTtlMs?: number;
  /** Bound of each cache (entries); the oldest entry goes first. */
  cacheMaxEntries?: number;
  now?: () => number;
}

class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly now: () => number,
  ) {}
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }
  set(key: string, value: V): void {
    this.entries.delete(key);
    while (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expires: this.now() + this.ttlMs });
  }
  get size(): number {
    return this.entries.size;
  }
}

const UNAUTHORIZED_HEADERS = { 'WWW-Authenticate': 'Bearer realm="tac-operator"' };

/** Extracts the token of an `Authorization: Bearer …` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

function describeAccess(check: AccessCheck): string {
  const resource = check.subresource === undefined ? TAC_RESOURCE : `${TAC_RESOURCE}/${check.subresource}`;
  return `${check.verb} resource "${resource}" in API group "${TAC_API_GROUP}" in the namespace "${check.namespace}"`;
}

export class KubernetesAuth {
  private readonly users: TtlCache<AuthenticatedUser>;
  private readonly decisions: TtlCache<true>;

  constructor(
    private readonly apis: KubernetesAuthApis,
    options: KubernetesAuthOptions = {},
  ) {
    const ttl = options.cacheTtlMs ?? 10_000;
    const max = options.cacheMaxEntries ?? 1000;
    const now = options.now ?? Date.now;
    this.users = new TtlCache(ttl, max, now);
    this.decisions = new TtlCache(ttl, max, now);
  }

  /** Who the `Authorization` header names. Throws HttpError 401 (no/invalid token) or 503. */
  async authenticate(authorizationHeader: string | undefined): Promise<AuthenticatedUser> {
    const token = bearerToken(authorizationHeader);
    if (token === undefined) {
      throw new HttpError(
        401,
        'Unauthorized: this API requires a bearer token (Authorization: Bearer <token>)',
        {
          headers: UNAUTHORIZED_HEADERS,
        },
      );
    }
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.users.get(key);
    if (cached !== undefined) return cached;
    let review: V1TokenReview;
    try {
      review = await this.apis.tokenReview.createTokenReview({
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
      });
    } catch (err) {
      throw new HttpError(
        503,
        'Service Unavailable: the token could not be reviewed by the Kubernetes API server',
        {
          cause: err,
        },
      );
    }
    const status = review.status;
    if (status?.authenticated !== true || status.user?.username === undefined) {
      const reason = status?.error !== undefined && status.error !== '' ? ` (${status.error})` : '';
      throw new HttpError(401, `Unauthorized: the bearer token was not accepted${reason}`, {
        headers: UNAUTHORIZED_HEADERS,
      });
    }
    const user: AuthenticatedUser = {
      username: status.user.username,
      groups: status.user.groups ?? [],
      ...(status.user.uid !== undefined ? { uid: status.user.uid } : {}),
      ...(status.user.extra !== undefined ? { extra: status.user.extra } : {}),
    };
    this.users.set(key, user);
    return user;
  }

  /** Throws HttpError 403 unless the user may do `check`; 503 when the review itself fails. */
  async authorize(user: AuthenticatedUser, check: AccessCheck): Promise<void> {
    const key = JSON.stringify([user.username, user.uid ?? '', [...user.groups].sort(), check]);
    if (this.decisions.get(key) === true) return;
    let review: V1SubjectAccessReview;
    try {
      review = await this.apis.subjectAccessReview.createSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user: user.username,
            groups: user.groups,
            ...(user.uid !== undefined ? { uid: user.uid } : {}),
            ...(user.extra !== undefined ? { extra: user.extra } : {}),
            resourceAttributes: {
              group: TAC_API_GROUP,
              resource: TAC_RESOURCE,
              verb: check.verb,
              namespace: check.namespace,
              ...(check.subresource !== undefined ? { subresource: check.subresource } : {}),
              ...(check.name !== undefined ? { name: check.name } : {}),
            },
          },
        },
      });
    } catch (err) {
      throw new HttpError(503, 'Service Unavailable: the access review failed at the Kubernetes API server', {
        cause: err,
      });
    }
    if (review.status?.allowed !== true) {
      const reason = review.status?.reason;
      throw new HttpError(
        403,
        `Forbidden: User "${user.username}" cannot ${describeAccess(check)}` +
          (reason !== undefined && reason !== '' ? `: ${reason}` : ''),
      );
    }
    this.decisions.set(key, true);
  }
}
