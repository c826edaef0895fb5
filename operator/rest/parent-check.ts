// Owns the referential check EMCO does on insert (the DIG must exist), done against an EMCO
// orchestrator's REST API when one is configured; without one every DIG is accepted.
import { request } from 'undici';
import type { DigRef } from '../../common/emco/types.js';
import { HttpError } from './reply.js';
import { trimTrailing } from '../../common/text.js';

export const PARENT_NOT_FOUND = 'Cannot perform requested operation. Parent resource not found';

export interface ParentCheck {
  /** Resolves when the DIG exists; throws HttpError 409 (EMCO's text) when it does not, 503 when unknown. */
  digExists(dig: DigRef): Promise<void>;
}

/** Accepts every DIG (no orchestrator configured). */
export const acceptAnyDig: ParentCheck = { digExists: () => Promise.resolve() };

export function digUrl(orchestratorUrl: string, dig: DigRef): string {
  const e = encodeURIComponent;
  return (
    trimTrailing(orchestratorUrl, '/') +
    `/v2/projects/${e(dig.project)}/composite-apps/${e(dig.compositeApp)}/${e(dig.compositeAppVersion)}` +
    `/deployment-intent-groups/${e(dig.deploymentIntentGroup)}`
  );
}

/** Asks `GET {url}/v2/projects/…/deployment-intent-groups/{dig}`: 2xx exists, 404 does not. */
export function orchestratorParentCheck(orchestratorUrl: string, timeoutMs = 5000): ParentCheck {
  return {
    async digExists(dig: DigRef): Promise<void> {
      const url = digUrl(orchestratorUrl, dig);
      let status: number;
      try {
        const res = await request(url, {
          method: 'GET',
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        status = res.statusCode;
        await res.body.dump();
      } catch (err) {
        throw new HttpError(
          503,
          `the EMCO orchestrator could not be asked whether the deployment intent group exists`,
          {
            cause: err,
          },
        );
      }
      if (status === 404) throw new HttpError(409, PARENT_NOT_FOUND);
      if (status < 200 || status >= 300) {
        throw new HttpError(
          503,
          `the EMCO orchestrator answered ${status} when asked for the deployment intent group`,
        );
      }
    },
  };
}
