// Owns authentication and authorization of REST callers against Kubernetes: the bearer token goes
// to a TokenReview, each call becomes a SubjectAccessReview of the matching verb on
// `temporalactionintents` (group tac.emco.io). A client certificate verified against the configured
// CA is the other accepted identity. Answers are cached briefly in bounded caches, keyed by a hash of
// the token (tokens are never logged or kept in clear).
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
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
  /**
   * Audiences the caller's token must be issued for (TokenReview `spec.audiences`); empty = the API
   * server's own audiences. A token issued for the operator cannot be replayed against the API server.
   */
  audiences?: readonly string[];
  /** How long a review's answer (positive or negative) is reused (ms). Default 10 s. */
  cacheTtlMs?: number;
  /** Bound of each cache (entries); the oldest entry goes first. Default 4096. */
  cacheMaxEntries?: number;
  /** Accept a client certificate verified by the listener's client CA as the caller's identity. */
  clientCertificates?: boolean;
  now?: () => number;
}

/** A bounded map whose entries expire; concurrent misses of one key share one lookup. */
class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  private readonly pending = new Map<string, Promise<V>>();
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
  /** The cached value, else `load()`'s (cached when it resolves; a rejection is not cached). */
  async through(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    let inFlight = this.pending.get(key);
    if (inFlight === undefined) {
      inFlight = load().finally(() => this.pending.delete(key));
      this.pending.set(key, inFlight);
      const value = await inFlight;
      this.set(key, value);
      return value;
    }
    return inFlight;
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

function names(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== '');
}

/**
 * The identity of a client certificate the TLS handshake verified against the configured client
 * CA, as Kubernetes' x509 authenticator reads it: user = subject CN, groups = subject O. Undefined
 * when the connection has no verified certificate.
 */
export function certificateUser(socket: Socket): AuthenticatedUser | undefined {
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  const subject = cert.subject as { CN?: string | string[]; O?: string | string[] } | undefined;
  const cn = names(subject?.CN)[0];
  if (cn === undefined) return undefined;
  return { username: cn, groups: [...names(subject?.O), 'system:authenticated'] };
}

function describeAccess(check: AccessCheck): string {
  const resource = check.subresource === undefined ? TAC_RESOURCE : `${TAC_RESOURCE}/${check.subresource}`;
  return `${check.verb} resource "${resource}" in API group "${TAC_API_GROUP}" in the namespace "${check.namespace}"`;
}

/** A TokenReview's answer: the user, or why the token was refused. */
type Review = { user: AuthenticatedUser } | { refused: string };

/** A SubjectAccessReview's answer: allowed, or the denial's reason ('' when none). */
type Decision = { allowed: true } | { allowed: false; reason: string };

export class KubernetesAuth {
  private readonly users: TtlCache<Review>;
  private readonly decisions: TtlCache<Decision>;
  private readonly audiences: readonly string[];
  private readonly clientCertificates: boolean;

  constructor(
    private readonly apis: KubernetesAuthApis,
    options: KubernetesAuthOptions = {},
  ) {
    const ttl = options.cacheTtlMs ?? 10_000;
    const max = options.cacheMaxEntries ?? 4096;
    const now = options.now ?? Date.now;
    this.audiences = options.audiences ?? [];
    this.clientCertificates = options.clientCertificates ?? false;
    this.users = new TtlCache(ttl, max, now);
    this.decisions = new TtlCache(ttl, max, now);
  }

  /**
   * Who the `Authorization` header names. Throws HttpError 401 (no/invalid token, or a token not
   * issued for one of the configured audiences) or 503 (the review itself failed).
   */
  async authenticate(authorizationHeader: string | undefined): Promise<AuthenticatedUser> {
    const token = bearerToken(authorizationHeader);
    if (token === undefined) {
      throw new HttpError(
        401,
        'Unauthorized: this API requires a bearer token (Authorization: Bearer <token>)',
        { headers: UNAUTHORIZED_HEADERS },
      );
    }
    const key = createHash('sha256').update(token).digest('hex');
    const review = await this.users.through(key, () => this.reviewToken(token));
    if ('refused' in review) {
      throw new HttpError(401, `Unauthorized: the bearer token was not accepted${review.refused}`, {
        headers: UNAUTHORIZED_HEADERS,
      });
    }
    return review.user;
  }

  /**
   * The caller of a request: its bearer token when it sends one, else (with `certificates`) its
   * verified client certificate (when `clientCertificates`). Throws as `authenticate`.
   */
  async authenticateRequest(
    authorizationHeader: string | undefined,
    socket: Socket,
  ): Promise<AuthenticatedUser> {
    if (authorizationHeader === undefined && this.clientCertificates) {
      const user = certificateUser(socket);
      if (user !== undefined) return user;
    }
    return this.authenticate(authorizationHeader);
  }

  private async reviewToken(token: string): Promise<Review> {
    const audiences = [...this.audiences];
    let review: V1TokenReview;
    try {
      review = await this.apis.tokenReview.createTokenReview({
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenReview',
          spec: { token, ...(audiences.length > 0 ? { audiences } : {}) },
        },
      });
    } catch (err) {
      throw new HttpError(
        503,
        'Service Unavailable: the token could not be reviewed by the Kubernetes API server',
        { cause: err },
      );
    }
    const status = review.status;
    if (status?.authenticated !== true || status.user?.username === undefined) {
      return { refused: status?.error !== undefined && status.error !== '' ? ` (${status.error})` : '' };
    }
    // The API server answers with the audiences the token is valid for; none of ours = refused.
    if (audiences.length > 0 && !(status.audiences ?? []).some((a) => audiences.includes(a))) {
      return { refused: ` (the token is not issued for the audience ${audiences.join(' or ')})` };
    }
    return {
      user: {
        username: status.user.username,
        groups: status.user.groups ?? [],
        ...(status.user.uid !== undefined ? { uid: status.user.uid } : {}),
        ...(status.user.extra !== undefined ? { extra: status.user.extra } : {}),
      },
    };
  }

  /** Throws HttpError 403 unless the user may do `check`; 503 when the review itself fails. */
  async authorize(user: AuthenticatedUser, check: AccessCheck): Promise<void> {
    const key = JSON.stringify([
      user.username,
      user.uid ?? '',
      [...user.groups].sort(),
      user.extra ?? {},
      check.verb,
      check.namespace,
      check.subresource ?? '',
      check.name ?? '',
    ]);
    const decision = await this.decisions.through(key, () => this.reviewAccess(user, check));
    if (!decision.allowed) {
      throw new HttpError(
        403,
        `Forbidden: User "${user.username}" cannot ${describeAccess(check)}` +
          (decision.reason !== '' ? `: ${decision.reason}` : ''),
      );
    }
  }

  private async reviewAccess(user: AuthenticatedUser, check: AccessCheck): Promise<Decision> {
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
    if (review.status?.allowed === true) return { allowed: true };
    return { allowed: false, reason: review.status?.reason ?? '' };
  }
}
