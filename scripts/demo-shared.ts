// Owns what both demos (`npm run demo` with the programs as processes, `npm run demo -- --cluster`
// with the chart on a real cluster) share: the hello-world DIG, output helpers, firing lifecycle
// events through the REST API, following the intents, and the final status table.
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import type { TemporalActionIntent } from '../common/model/types.js';

export const NAMESPACE = 'tac-demo';
export const DIG = {
  project: 'proj1',
  compositeApp: 'hello',
  compositeAppVersion: 'v1',
  deploymentIntentGroup: 'dig1',
};
export const say = (m: string): void => console.log(m);
export const step = (m: string): void => console.log(`\n==> ${m}`);

const CLOSED = ['Succeeded', 'Failed', 'TimedOut', 'Cancelled', 'Terminated'];

function duration(start?: string, end?: string): string {
  if (start === undefined || end === undefined) return '-';
  return `${((Date.parse(end) - Date.parse(start)) / 1000).toFixed(1)}s`;
}

export async function listIntents(api: CustomObjectsApi): Promise<TemporalActionIntent[]> {
  const list = (await api.listNamespacedCustomObject({
    group: 'tac.emco.io',
    version: 'v1alpha1',
    plural: 'temporalactionintents',
    namespace: NAMESPACE,
  })) as { items: TemporalActionIntent[] };
  return list.items.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

/** Prints each phase change of the intents until `done` resolves. */
export async function watchProgress(api: CustomObjectsApi, done: Promise<unknown>): Promise<void> {
  const seen = new Map<string, string>();
  let finished = false;
  void done.finally(() => (finished = true));
  for (let i = 0; i < 1200 && !finished; i++) {
    for (const tai of await listIntents(api)) {
      const run = tai.status?.lastRun;
      const line =
        run === undefined
          ? 'no run yet'
          : `${run.phase}${run.workflowId ? ` (workflow ${run.workflowId})` : ''}`;
      if (seen.get(tai.metadata.name ?? '') !== line) {
        seen.set(tai.metadata.name ?? '', line);
        say(`    ${tai.metadata.name ?? ''}: ${line}`);
      }
    }
    await Promise.race([done, new Promise((r) => setTimeout(r, 300))]);
  }
}

export async function fire(
  operatorUrl: string,
  hookType: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = `${operatorUrl}/tac/v1/projects/${DIG.project}/composite-apps/${DIG.compositeApp}/${DIG.compositeAppVersion}/deployment-intent-groups/${DIG.deploymentIntentGroup}/lifecycle-events`;
  say(`    POST ${url}  {"hookType":"${hookType}","appContextId":"1234567890999"}`);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hookType, appContextId: '1234567890999', emcoURL: 'http://emco.example:9015' }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Fires pre-install and post-install, printing progress; true when both answered 200. */
export async function fireHelloWorld(api: CustomObjectsApi, operatorUrl: string): Promise<boolean> {
  let ok = true;
  for (const hook of ['pre-install', 'post-install']) {
    step(
      `Firing ${hook} for ${DIG.project}/${DIG.compositeApp}/${DIG.compositeAppVersion}/${DIG.deploymentIntentGroup} through the REST API`,
    );
    const call = fire(operatorUrl, hook);
    await watchProgress(api, call);
    const { status, body } = await call;
    say(
      `    → HTTP ${status}: ${String(body.state)}${typeof body.error === 'string' ? ` (${body.error})` : ''}`,
    );
    ok &&= status === 200;
  }
  return ok;
}

/** Waits (bounded) until every intent's last run has closed: non-blocking ones end on their own. */
export async function waitRunsClosed(api: CustomObjectsApi): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const items = await listIntents(api);
    if (items.every((x) => CLOSED.includes(x.status?.lastRun?.phase ?? ''))) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Prints one row per intent with its workflow's result; true when every intent Succeeded. */
export async function printStatusTable(
  api: CustomObjectsApi,
  temporalAddress: string,
  temporalNamespace: string,
): Promise<boolean> {
  let ok = true;
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const client = new Client({ connection, namespace: temporalNamespace });
    const rows = [['NAME', 'HOOK', 'BLOCKING', 'PHASE', 'WORKFLOW', 'DURATION', 'RESULT']];
    for (const tai of await listIntents(api)) {
      const r = tai.status?.lastRun;
      let result = '-';
      if (r?.phase === 'Succeeded' && r.workflowId !== undefined) {
        result = JSON.stringify(await client.workflow.getHandle(r.workflowId, r.runId).result());
      }
      ok &&= r?.phase === 'Succeeded';
      rows.push([
        tai.metadata.name ?? '',
        tai.spec.hookType,
        String(tai.spec.hookBlocking ?? false),
        r?.phase ?? '-',
        r?.workflowId ?? '-',
        duration(r?.startTime, r?.endTime),
        result,
      ]);
    }
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
    for (const row of rows) say(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
  } finally {
    await connection.close();
  }
  return ok;
}
