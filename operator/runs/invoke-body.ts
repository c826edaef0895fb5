// Owns the body TAC posts to a workflow client for one run: the intent's temporal spec with the
// run's workflow id, the run id in the memo, and activityParams.emco filled as the seed describes.
import { RUN_ID_MEMO_KEY } from '../../common/domain/annotations.js';
import { encodeTemporalSpec } from '../../common/emco/encode.js';
import type { TemporalSpec } from '../../common/emco/types.js';
import { temporalSpecOf } from '../../common/model/convert.js';
import type { Run, TemporalActionIntent } from '../../common/model/types.js';

/** The `activityParams.emco` entry (the seed's rule): where the workflow finds its EMCO context. */
export function emcoActivityParams(
  intent: TemporalActionIntent,
  run: Run,
  defaultEmcoUrl?: string,
): Record<string, string> {
  return {
    emcoURL: run.trigger.emcoUrl ?? defaultEmcoUrl ?? '',
    project: intent.spec.project,
    compositeApp: intent.spec.compositeApp,
    compositeAppVersion: intent.spec.compositeAppVersion,
    deploymentIntentGroup: intent.spec.deploymentIntentGroup,
    appcontextId: run.trigger.appContextId ?? '',
  };
}

export function runTemporalSpec(
  intent: TemporalActionIntent,
  run: Run,
  defaultEmcoUrl?: string,
): TemporalSpec {
  const spec = temporalSpecOf(intent);
  return {
    ...spec,
    workflowStartOptions: {
      ...spec.workflowStartOptions,
      ID: run.workflowId ?? spec.workflowStartOptions.ID,
      Memo: { ...(spec.workflowStartOptions.Memo ?? {}), [RUN_ID_MEMO_KEY]: run.id },
    },
    workflowParams: {
      ...spec.workflowParams,
      activityParams: {
        ...(spec.workflowParams.activityParams ?? {}),
        emco: emcoActivityParams(intent, run, defaultEmcoUrl),
      },
    },
  };
}

export function invokeBody(intent: TemporalActionIntent, run: Run, defaultEmcoUrl?: string): string {
  return encodeTemporalSpec(runTemporalSpec(intent, run, defaultEmcoUrl));
}
