// Owns HTTP load generation for the read scenarios: autocannon at a fixed number of connections for
// a fixed time, counting completed responses per one-second window (the samples) and failing on
// any non-2xx answer or socket error, so a broken endpoint never reads as a fast one.
import autocannon from 'autocannon';

export interface LoadResult {
  /** Completed 2xx responses in each full one-second window. */
  perSecond: number[];
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Mean response size including headers, bytes. */
  bytesPerResponse: number;
}

export class LoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadError';
  }
}

/** A request other than a plain GET (e.g. the workflow client's POST /invoke). */
export interface LoadRequest {
  method: 'POST' | 'PUT';
  body: string;
  headers: Record<string, string>;
}

export async function loadTest(
  url: string,
  connections: number,
  seconds: number,
  request?: LoadRequest,
): Promise<LoadResult> {
  const buckets: number[] = [];
  let responses = 0;
  let bytes = 0;
  let started = 0;
  let finish: (err: unknown, result?: autocannon.Result) => void = () => {};
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (err, result) =>
      err !== null && err !== undefined
        ? reject(err instanceof Error ? err : new LoadError(`${url}: ${JSON.stringify(err)}`))
        : resolve(result as autocannon.Result);
  });
  const instance = autocannon(
    { url, connections, duration: seconds, timeout: 10, ...(request ?? {}) },
    (err, result) => finish(err, result),
  );
  instance.on('start', () => {
    started = performance.now();
  });
  instance.on('response', (_client: unknown, statusCode: number, resBytes: number) => {
    if (statusCode < 200 || statusCode >= 300) return;
    const i = Math.floor((performance.now() - started) / 1000);
    buckets[i] = (buckets[i] ?? 0) + 1;
    responses++;
    bytes += resBytes;
  });
  const result = await finished;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new LoadError(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  }
  const full = Math.floor(seconds);
  const perSecond = Array.from({ length: full }, (_, i) => buckets[i] ?? 0);
  return {
    perSecond,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    bytesPerResponse: responses > 0 ? bytes / responses : 0,
  };
}
