// Owns the gRPC scenario: a pre-install fired over EMCO's contextupdate service (UpdateAppContext,
// as EMCO's orchestrator calls it, the app context already in EMCO's etcd) against the same event
// fired through the REST lifecycle endpoint, each on a DIG with one blocking noop intent that has
// not run before. Both go through the same lifecycle service, so the difference is the gRPC path:
// the call, the app-context read from etcd and the mapping of the answer.
import { contextUpdateClient } from '../../scripts/contextupdate-client.js';
import { BENCH_APP, BENCH_APP_VERSION, BENCH_PROJECT } from '../intents.js';
import { intentsApi } from '../kube.js';
import type { ScenarioSamples } from '../result.js';
import { OPERATOR_NAMESPACE } from '../stack.js';
import { since, startMeter, type BenchContext, type ScenarioMeta } from '../context.js';
import { round } from '../stats.js';
import type { TemporalActionIntent } from '../../common/model/types.js';
import { LifecycleEventError, alternate, fireEvent, prepareDigs } from './lifecycle.js';

export const GRPC_META: ScenarioMeta = {
  id: 'grpc-hook',
  title: 'gRPC pre-install (EMCO orchestrator call) vs. the REST lifecycle endpoint',
  unit: 'ms',
  better: 'lower',
  target: { kind: 'diff-max', value: 5, text: 'median ≤ REST median + 5 ms' },
  parameters: { intents: 1, workflow: 'noop', blocking: true },
};

export async function grpcHook(ctx: BenchContext): Promise<ScenarioSamples> {
  const { warmup, samples } = ctx.sizes.hook;
  const rounds = warmup + samples;
  const grpcDigs = await prepareDigs(ctx, 'grpc', rounds, 1);
  const restDigs = await prepareDigs(ctx, 'grpcrest', rounds, 1);
  const client = contextUpdateClient(ctx.stack.grpcAddress, 300_000);
  const contexts: string[] = [];
  try {
    await client.ready(30_000);
    const meter = await startMeter(ctx);
    const r = await alternate(
      { warmup, samples },
      async (i) => {
        const dig = grpcDigs[i] ?? '';
        // The orchestrator stores the app context before it calls its action controllers.
        const id = await ctx.stack.emcoEtcd.writeAppContext({
          project: BENCH_PROJECT,
          compositeApp: BENCH_APP,
          compositeAppVersion: BENCH_APP_VERSION,
          deploymentIntentGroup: dig,
        });
        contexts.push(id);
        const t0 = performance.now();
        const { response, error } = await client.updateAppContext(id);
        const ms = since(t0);
        if (error !== undefined || response?.app_context_updated !== true) {
          throw new LifecycleEventError(
            `UpdateAppContext on ${dig} failed: ${error?.details ?? 'no success flag'}`,
          );
        }
        return ms;
      },
      () => fireEvent(ctx.stack.restUrl, restDigs.shift() ?? '', 1),
    );
    const used = await meter.stop();
    // Every gRPC call ran its DIG's intent (a DIG without intents would answer at once).
    const list = (await intentsApi(ctx.stack.kc).listNamespacedCustomObject({
      group: 'tac.emco.io',
      version: 'v1alpha1',
      plural: 'temporalactionintents',
      namespace: OPERATOR_NAMESPACE,
    })) as { items: TemporalActionIntent[] };
    const ran = new Set(
      list.items
        .map((t) => t.status?.lastRun)
        .filter((run) => run?.phase === 'Succeeded' && run.id.startsWith('emco-'))
        .map((run) => run?.id),
    );
    const missing = contexts.filter((id) => !ran.has(`emco-${id}-pre-install`));
    if (missing.length > 0) {
      throw new LifecycleEventError(
        `${missing.length} gRPC calls answered without a recorded run of their intent`,
      );
    }
    return {
      ...GRPC_META,
      measured: {
        values: r.measured,
        warmup,
        description:
          '/contextupdate/UpdateAppContext {update_from_appContext: "<nil>"} until the answer, the app context in EMCO\'s etcd, on a DIG with one blocking noop intent that has not run before',
      },
      baseline: {
        values: r.baseline,
        warmup,
        description:
          'POST …/lifecycle-events {"hookType":"pre-install"} until the 200 answer, same kind of DIG',
      },
      diagnostics: {
        operatorCpuMsPerEvent: round(used.cpuMs / (2 * rounds), 1),
      },
      notes: [
        'Both paths run the same lifecycle service; the gRPC path adds the app-context read from etcd (two keys) and the gRPC call itself.',
      ],
    };
  } finally {
    client.close();
  }
}
