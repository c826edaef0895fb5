// Owns the environment the chart gives each program: the chart rendered with `helm template` and
// each Deployment's literal `env` values read back, so the smoke tests run the images with exactly
// what a cluster would pass (field references like POD_NAME are filled in by the caller).
import { container, ofKind, render } from '../integration/chart/helm.js';
import type { ImageName } from '../../scripts/images/build.js';

const COMPONENT_LABEL = 'app.kubernetes.io/component';

/** Literal env values of every program's container, by image name. */
export async function chartEnv(
  values: Record<string, unknown>,
): Promise<Record<ImageName, Record<string, string>>> {
  const deployments = ofKind(await render(values), 'Deployment');
  const envOf = (component: ImageName): Record<string, string> => {
    const deployment = deployments.find((d) => d.metadata.labels?.[COMPONENT_LABEL] === component);
    if (deployment === undefined) throw new Error(`the chart rendered no ${component} Deployment`);
    const out: Record<string, string> = {};
    for (const e of container(deployment).env ?? []) if (e.value !== undefined) out[e.name] = e.value;
    return out;
  };
  return {
    operator: envOf('operator'),
    'workflow-client': envOf('workflow-client'),
    worker: envOf('worker'),
  };
}
