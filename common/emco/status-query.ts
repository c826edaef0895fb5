// Owns the query-string form of the status query (EMCO workflowmgr's `GET …/status?…`, which the
// seed calls "same as the workflow API"; EMCO-COMPAT difference 4), read as workflowmgr reads it.
import { isValidTimeout } from '../domain/durations.js';
import type { HookBlockingTimeout, StatusQuery } from './types.js';

/** A query string workflowmgr would answer with 400; the message is the response text. */
export class StatusQueryError extends Error {
  override readonly name = 'StatusQueryError';
}

const FLAGS = ['waitForResult', 'runDescribeWfExec', 'getWfHistory'] as const;

/** Strips one leading and one trailing `"` or `'`, as workflowmgr does for temporalServer. */
function stripQuotes(value: string): string {
  let v = value;
  if (v.length > 0 && (v[0] === '"' || v[0] === "'")) v = v.slice(1);
  if (v.length > 0 && (v[v.length - 1] === '"' || v[v.length - 1] === "'")) v = v.slice(0, -1);
  return v;
}

function parseTimeout(text: string): HookBlockingTimeout {
  const value: HookBlockingTimeout = /^[0-9]+$/.test(text) ? Number(text) : text;
  if (!isValidTimeout(value)) {
    throw new StatusQueryError(
      'waitForResultTimeout must be a non-negative whole number of seconds or a duration string such as "30s"',
    );
  }
  return value;
}

/**
 * Reads workflowmgr's status parameters: temporalServer (one pair of surrounding quotes removed),
 * workflowID, runID, queryType, and the flags waitForResult / runDescribeWfExec / getWfHistory
 * (`true` sets a flag; any other value leaves it false, as in workflowmgr), plus this project's
 * waitForResultTimeout (whole seconds or a duration string). The first value of a repeated key
 * counts. An unknown key throws StatusQueryError `Unknown query parameter: <key>` (the first one in
 * query order; workflowmgr picks one at random).
 */
export function parseStatusQueryString(params: URLSearchParams): StatusQuery {
  const query: StatusQuery = {
    temporalServer: '',
    workflowID: '',
    runID: '',
    waitForResult: false,
    runDescribeWfExec: false,
    getWfHistory: false,
    queryType: '',
    queryParams: null,
  };
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (seen.has(key)) continue;
    seen.add(key);
    const value = params.get(key) ?? '';
    switch (key) {
      case 'temporalServer':
        query.temporalServer = stripQuotes(value);
        break;
      case 'workflowID':
        query.workflowID = value;
        break;
      case 'runID':
        query.runID = value;
        break;
      case 'queryType':
        query.queryType = value;
        break;
      case 'waitForResultTimeout':
        query.waitForResultTimeout = parseTimeout(value);
        break;
      default:
        if ((FLAGS as readonly string[]).includes(key)) {
          query[key as (typeof FLAGS)[number]] = value === 'true';
          break;
        }
        throw new StatusQueryError(`Unknown query parameter: ${key}`);
    }
  }
  return query;
}
