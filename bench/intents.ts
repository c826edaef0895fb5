// Owns the TemporalActionIntent objects the benchmarks create: blocking `noop` intents of one DIG,
// pointed at the benchmark's workflow-client process, labelled by the set they belong to.
import { API_VERSION, KIND, type TaiSpec, type TemporalActionIntent } from '../common/model/types.js';

export const BENCH_PROJECT = 'bench';
export const BENCH_APP = 'app';
export const BENCH_APP_VERSION = 'v1';
/** Label naming the set of intents one scenario created (watches and lists select on it). */
export const SET_LABEL = 'bench.tac.emco.io/set';

export interface IntentSetOptions {
  namespace: string;
  /** Deployment intent group (also the set label value). */
  dig: string;
  count: number;
  clientPort: number;
  hookType?: string;
  taskQueue?: string;
}

export function benchSpec(
  dig: string,
  clientPort: number,
  hookType = 'pre-install',
  taskQueue = 'noop',
): TaiSpec {
  return {
    project: BENCH_PROJECT,
    compositeApp: BENCH_APP,
    compositeAppVersion: BENCH_APP_VERSION,
    deploymentIntentGroup: dig,
    hookType: hookType as TaiSpec['hookType'],
    hookBlocking: true,
    hookBlockingTimeout: '120s',
    workflowClient: { clientEndpointName: '127.0.0.1', clientEndpointPort: clientPort },
    temporal: {
      workflowClientName: 'default',
      workflowStartOptions: { taskQueue },
      workflowParams: {},
    },
  };
}

/** Resource name of the i-th intent of a set: `<dig>-00042`. */
export function intentName(dig: string, i: number): string {
  return `${dig}-${String(i).padStart(5, '0')}`;
}

/** The objects of one set, named `<dig>-00000` … in creation order. */
export function intentSet(o: IntentSetOptions, from = 0): TemporalActionIntent[] {
  const out: TemporalActionIntent[] = [];
  for (let i = from; i < from + o.count; i++) {
    out.push({
      apiVersion: API_VERSION,
      kind: KIND,
      metadata: { name: intentName(o.dig, i), namespace: o.namespace, labels: { [SET_LABEL]: o.dig } },
      spec: benchSpec(o.dig, o.clientPort, o.hookType, o.taskQueue),
    });
  }
  return out;
}
