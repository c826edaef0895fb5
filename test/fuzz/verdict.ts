// Owns what counts as a correct answer to a fuzz request. Every generated request is a client's
// request, and the server must treat its faults as client errors: answered (never left hanging past
// its deadline), and never with a 5xx except where EMCO's own API answers 5xx for a server-side
// failure it reports (the Temporal errors of /status and /cancel). With auth on, no protected route
// may answer 2xx to a request without a valid, authorized token.
import type { RawAnswer } from './raw-http.js';
import type { FuzzRequest } from './requests.js';

/** The operator's generic 500 text: never acceptable, it means a handler threw unexpectedly. */
const OPERATOR_INTERNAL_ERROR = 'The server encountered an internal error';

/**
 * The one place a 5xx is a correct answer to a fuzz request: `/status` and `/cancel` reached their
 * handler and Temporal refused the call (e.g. no such workflow, already completed). EMCO answers
 * 500 with Temporal's text there (EMCO-TAC-REFERENCE §6–7), and so does the operator. The same
 * routes answer a foreign `temporalServer` the way EMCO answers a server it cannot reach (500,
 * `failed to connect to Temporal server (…)`).
 */
export function allowedServerError(req: FuzzRequest, answer: RawAnswer): boolean {
  if (answer.status !== 500) return false;
  if (req.target === 'client') return false;
  if (!/\/(status|cancel)$/.test(req.route.pattern)) return false;
  // The method is the route's own (the path may be spelled differently and still route there).
  if (req.method !== req.route.method) return false;
  return !answer.body.startsWith(OPERATOR_INTERNAL_ERROR);
}

/** Problems with one answer; empty when it is correct. `deadlineMs` is the request's own deadline. */
export function judge(req: FuzzRequest, answer: RawAnswer, deadlineMs: number): string[] {
  const problems: string[] = [];
  if (answer.outcome === 'deadline') {
    problems.push(`no answer within ${deadlineMs} ms`);
    return problems;
  }
  if (answer.outcome === 'aborted') return problems;
  if (answer.outcome === 'closed') {
    // Node's HTTP parser answers what it rejects with 400/431/505 before closing; a bare close
    // is only acceptable after the client sent a protocol switch the server does not offer.
    // A server may answer before the body is complete and close; the client, still sending (a
    // slow or a large body), then gets a reset that can discard the answer from its receive
    // buffer (EPIPE/ECONNRESET).
    const upgrade = req.headers.some(([k]) => k.toLowerCase() === 'upgrade');
    const resetWhileSending = !answer.sentAll && /EPIPE|ECONNRESET/.test(answer.socketError ?? '');
    if (!upgrade && !resetWhileSending) {
      problems.push(
        `connection closed without an answer${answer.socketError ? ` (${answer.socketError})` : ''}`,
      );
    }
    return problems;
  }
  const status = answer.status ?? -1;
  if (status < 100 || status > 599) problems.push(`malformed status line (${status})`);
  if (status >= 500 && !allowedServerError(req, answer)) {
    problems.push(`${status} for a client request: ${answer.body.slice(0, 200)}`);
  }
  if (status >= 200 && status < 300 && req.credential !== 'valid' && !req.route.public) {
    if (req.target === 'operator-auth') problems.push(`${status} on a protected route without a valid token`);
    if (req.target === 'client' && req.route.pattern.startsWith('/invoke')) {
      problems.push(`${status} from /invoke without the configured token`);
    }
  }
  return problems;
}
