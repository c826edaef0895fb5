// HTTP helpers of the REST acceptance tests: one call with status, headers and body text (GET
// bodies included), a raw call whose path is sent byte for byte, and EMCO route builders.
import http from 'node:http';
import { expect } from 'chai';
import { request } from 'undici';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface CallOptions {
  body?: string | Buffer;
  headers?: Record<string, string>;
  token?: string;
}

export function restClient(baseUrl: string) {
  return {
    async call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
      const res = await request(`${baseUrl}${path}`, {
        method: method as 'GET',
        headers,
        ...(options.body !== undefined ? { body: options.body } : {}),
      });
      return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
    },
    /** Sends the path exactly as written (no client-side normalization of `.`, `..`, `//`). */
    raw(method: string, path: string): Promise<Answer> {
      const { hostname, port } = new URL(baseUrl);
      return new Promise((resolve, reject) => {
        const req = http.request({ host: hostname, port, method, path }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        });
        req.on('error', reject);
        req.end();
      });
    },
  };
}

export type RestClient = ReturnType<typeof restClient>;

export interface Dig {
  project: string;
  compositeApp: string;
  compositeAppVersion: string;
  deploymentIntentGroup: string;
}

export function tacBase(d: Dig): string {
  return (
    `/v2/projects/${d.project}/composite-apps/${d.compositeApp}/${d.compositeAppVersion}` +
    `/deployment-intent-groups/${d.deploymentIntentGroup}/temporal-action-controller`
  );
}

export function eventsPath(d: Dig): string {
  return (
    `/tac/v1/projects/${d.project}/composite-apps/${d.compositeApp}/${d.compositeAppVersion}` +
    `/deployment-intent-groups/${d.deploymentIntentGroup}/lifecycle-events`
  );
}

/** EMCO's plain-text error: code, Go's headers and the exact text plus newline. */
export function expectText(a: Answer, status: number, text: string): void {
  expect({ status: a.status, text: a.text }).to.deep.equal({ status, text: `${text}\n` });
  expect(a.headers['content-type']).to.equal('text/plain; charset=utf-8');
  expect(a.headers['x-content-type-options']).to.equal('nosniff');
}

/** A JSON answer: code, `application/json`, trailing newline; returns the parsed body. */
export function expectJson(a: Answer, status: number): unknown {
  expect(a.status, a.text).to.equal(status);
  expect(a.headers['content-type']).to.equal('application/json');
  expect(a.text.endsWith('\n'), 'trailing newline').to.equal(true);
  return JSON.parse(a.text);
}
