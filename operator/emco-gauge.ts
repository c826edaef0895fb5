// Owns EMCO's `emco_tac_intent` gauge: 1 for every known intent, labelled as EMCO labels it, so
// dashboards built for EMCO's TAC keep working. The series of a deleted intent is removed.
import { ANNOTATION_NAME } from '../common/domain/annotations.js';
import { objectKey } from '../common/domain/keys.js';
import type { TemporalActionIntent } from '../common/model/types.js';
import type { EmcoTacIntentLabel, OperatorMetrics } from './metrics.js';

function labels(intent: TemporalActionIntent): Record<EmcoTacIntentLabel, string> {
  const s = intent.spec;
  return {
    name: intent.metadata?.annotations?.[ANNOTATION_NAME] ?? intent.metadata?.name ?? '',
    project: s.project,
    composite_app: s.compositeApp,
    composite_app_version: s.compositeAppVersion,
    deployment_intent_group: s.deploymentIntentGroup,
    hoot_type: s.hookType,
    client_endpoint_name: s.workflowClient?.clientEndpointName ?? '',
    client_endpoint_port: String(s.workflowClient?.clientEndpointPort ?? 0),
    workflow_client_name: s.temporal?.workflowClientName ?? '',
  };
}

const seen = new WeakMap<OperatorMetrics, Map<string, Record<EmcoTacIntentLabel, string>>>();

export function observeEmcoIntent(metrics: OperatorMetrics, intent: TemporalActionIntent): void {
  const byKey = seen.get(metrics) ?? new Map<string, Record<EmcoTacIntentLabel, string>>();
  seen.set(metrics, byKey);
  const next = labels(intent);
  const previous = byKey.get(objectKey(intent));
  if (previous !== undefined && JSON.stringify(previous) !== JSON.stringify(next))
    metrics.emcoTacIntent.remove(previous);
  metrics.emcoTacIntent.set(next, 1);
  byKey.set(objectKey(intent), next);
}

export function forgetEmcoIntent(metrics: OperatorMetrics, intent: TemporalActionIntent): void {
  const byKey = seen.get(metrics);
  const previous = byKey?.get(objectKey(intent));
  if (previous !== undefined) metrics.emcoTacIntent.remove(previous);
  byKey?.delete(objectKey(intent));
}
