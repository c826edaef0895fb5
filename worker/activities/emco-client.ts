// Owns the calls to EMCO's orchestrator REST API used by the migration activities: URL building
// for a deployment intent group (DIG) and its placement intents, JSON requests, and the
// classification of failures into retryable (5xx, 408, 429, no answer) and permanent (other 4xx).
import type { HttpClient, HttpMethod } from './http-client.js';
import { HttpTransportError } from './http-client.js';
import { trimTrailing } from '../../common/text.js';
import type { EmcoUrlPolicy } from './emco-url-policy.js';

/** Identifies a DIG; `emcoURL` is the orchestrator's base URL (falls back to the worker's). */
export interface DigRef {
  emcoURL?: string;
  project: string;
  compositeApp: string;
  compositeAppVersion: string;
  deploymentIntentGroup: string;
}

/** An EMCO request that failed; `retryable` says whether trying again can help. */
export class EmcoRequestError extends Error {
  override readonly name = 'EmcoRequestError';

  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const RETRYABLE_4XX = new Set([408, 425, 429]);
const MAX_BODY_IN_MESSAGE = 300;

function trimBody(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_BODY_IN_MESSAGE ? `${flat.slice(0, MAX_BODY_IN_MESSAGE)}…` : flat;
}

export class EmcoClient {
  constructor(
    private readonly http: HttpClient,
    /** Used when a DigRef has no `emcoURL`. */
    private readonly defaultBaseUrl: string | undefined,
    /** The EMCO URLs requests may go to; checked before every request. */
    private readonly policy: EmcoUrlPolicy,
  ) {}

  /**
   * `{emcoURL}/v2/projects/{p}/composite-apps/{ca}/{v}/deployment-intent-groups/{dig}`. Throws
   * EmcoRequestError (permanent) without a usable URL, EmcoUrlError outside the allow-list.
   */
  digUrl(ref: DigRef): string {
    const base = trimTrailing(ref.emcoURL ?? this.defaultBaseUrl ?? '', '/');
    if (base === '') {
      throw new EmcoRequestError(
        'no EMCO URL: set activityParams.emco.emcoURL or the worker setting TAC_WORKER_EMCO_URL',
        false,
        undefined,
      );
    }
    if (!base.startsWith('http://') && !base.startsWith('https://')) {
      throw new EmcoRequestError(
        `EMCO URL must start with http:// or https://, got ${JSON.stringify(base.slice(0, 200))}`,
        false,
        undefined,
      );
    }
    this.policy.check(base);
    const seg = encodeURIComponent;
    return (
      `${base}/v2/projects/${seg(ref.project)}/composite-apps/${seg(ref.compositeApp)}/` +
      `${seg(ref.compositeAppVersion)}/deployment-intent-groups/${seg(ref.deploymentIntentGroup)}`
    );
  }

  /** GET and parse JSON; `expected` lists the statuses that count as success. */
  async getJson(url: string, signal?: AbortSignal): Promise<unknown> {
    const text = await this.call('GET', url, undefined, [200], signal);
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new EmcoRequestError(
        `GET ${url} answered 200 with a body that is not JSON: ${trimBody(text)}`,
        true,
        200,
        {
          cause: err,
        },
      );
    }
  }

  async putJson(url: string, body: unknown, signal?: AbortSignal): Promise<void> {
    await this.call('PUT', url, body, [200, 201, 204], signal);
  }

  /** POST without a body (EMCO's lifecycle operations such as `/update`); returns the answer text. */
  async post(url: string, signal?: AbortSignal): Promise<string> {
    return await this.call('POST', url, undefined, [200, 201, 202, 204], signal);
  }

  private async call(
    method: HttpMethod,
    url: string,
    json: unknown,
    expected: number[],
    signal: AbortSignal | undefined,
  ): Promise<string> {
    let response;
    try {
      response = await this.http.send({
        method,
        url,
        ...(json === undefined ? {} : { json }),
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (err instanceof HttpTransportError) {
        throw new EmcoRequestError(err.message, !err.aborted, undefined, { cause: err });
      }
      throw err;
    }
    if (expected.includes(response.status)) return response.text;
    const retryable = response.status >= 500 || RETRYABLE_4XX.has(response.status);
    const body = trimBody(response.text);
    throw new EmcoRequestError(
      `${method} ${url} answered ${response.status}${body === '' ? '' : `: ${body}`}`,
      retryable,
      response.status,
    );
  }
}
