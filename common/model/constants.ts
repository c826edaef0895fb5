// Owns the TemporalActionIntent API's fixed names: group, version, kind, plural, trigger and
// condition vocabularies (run phases and annotation names live in common/domain). The CRD
// (crds/tac.emco.io_temporalactionintents.yaml) states the same.

export const GROUP = 'tac.emco.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'TemporalActionIntent';
export const LIST_KIND = 'TemporalActionIntentList';
export const PLURAL = 'temporalactionintents';
export const SINGULAR = 'temporalactionintent';
export const SHORT_NAME = 'tai';
export const CATEGORY = 'tac';
export const CRD_NAME = `${PLURAL}.${GROUP}`;

export { RUN_PHASES, TERMINAL_RUN_PHASES, HISTORY_LIMIT, type RunPhase } from '../domain/runs.js';

export const TRIGGER_TYPES = ['Lifecycle', 'Manual'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

export const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;
export type ConditionStatus = (typeof CONDITION_STATUSES)[number];
