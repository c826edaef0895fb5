// Owns route matching with gorilla/mux's semantics on top of find-my-way: matching runs on the
// decoded path (an encoded slash separates segments, as in EMCO), every path variable is a
// non-empty `[^/]+` segment, a known path with another method is "method not allowed".
import FindMyWay from 'find-my-way';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteSpec<T> {
  method: HttpMethod;
  /** find-my-way pattern, e.g. `/v2/projects/:project`; parameter names are camelCase. */
  pattern: string;
  /** What the route carries for the server (handler, metrics label, authorization). */
  value: T;
}

export type RouteMatch<T> =
  | { kind: 'found'; route: RouteSpec<T>; params: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'not-found' };

/** `/v2/projects/:project` → `/v2/projects/{project}` (the OpenAPI and metrics form). */
export function templateOf(pattern: string): string {
  return pattern.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export class Router<T> {
  private readonly fmw = FindMyWay({
    caseSensitive: true,
    ignoreTrailingSlash: false,
    ignoreDuplicateSlashes: false,
    maxParamLength: 1 << 16,
  });
  private readonly methods = new Set<HttpMethod>();
  readonly routes: RouteSpec<T>[] = [];

  add(route: RouteSpec<T>): void {
    this.fmw.on(route.method, route.pattern, () => undefined, { route });
    this.methods.add(route.method);
    this.routes.push(route);
  }

  private findExact(
    method: string,
    encodedPath: string,
  ): { route: RouteSpec<T>; params: Record<string, string> } | undefined {
    if (!this.methods.has(method as HttpMethod)) return undefined;
    const found = this.fmw.find(method as HttpMethod, encodedPath);
    if (found === null) return undefined;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(found.params)) {
      if (v === undefined || v === '') return undefined; // mux variables match [^/]+
      params[k] = v;
    }
    const store = found.store as { route: RouteSpec<T> };
    return { route: store.route, params };
  }

  /** Matches a decoded path (Go's `URL.Path`); segments are re-encoded so find-my-way decodes them back. */
  match(method: string, decodedPath: string): RouteMatch<T> {
    const encoded = decodedPath.split('/').map(encodeURIComponent).join('/');
    const hit = this.findExact(method, encoded);
    if (hit !== undefined) return { kind: 'found', ...hit };
    for (const m of this.methods) {
      if (m !== method && this.findExact(m, encoded) !== undefined) return { kind: 'method-not-allowed' };
    }
    return { kind: 'not-found' };
  }
}

/**
 * A map of at most `capacity` entries for results that never go stale (such as route matches of
 * fixed routes): when full, the oldest entry goes.
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V): void {
    if (!this.entries.has(key) && this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}
