// Owns the TemporalActionIntent API's fixed names: group, version, kind, plural, annotation keys,
// bounds of status lists. The CRD (crds/tac.emco.io_temporalactionintents.yaml) states the same.

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

/** The EMCO intent name (metadata.name of the REST body). Absent: the EMCO name is metadata.name. */
export const ANNOTATION_NAME = 'tac.emco.io/name';
/** EMCO metadata.description (absent when empty). */
export const ANNOTATION_DESCRIPTION = 'tac.emco.io/description';
/** EMCO metadata.userData1 (absent when empty). */
export const ANNOTATION_USER_DATA1 = 'tac.emco.io/user-data1';
/** EMCO metadata.userData2 (absent when empty). */
export const ANNOTATION_USER_DATA2 = 'tac.emco.io/user-data2';
/** Set (to any new value, e.g. a timestamp) to run the intent once by hand; echoed in status.lastHandledRunRequest. */
export const ANNOTATION_RUN_REQUESTED_AT = 'tac.emco.io/run-requested-at';

/** status.history keeps at most this many earlier runs (newest first). */
export const HISTORY_LIMIT = 10;

export const RUN_PHASES = [
  'Pending',
  'Running',
  'Succeeded',
  'Failed',
  'TimedOut',
  'Cancelled',
  'Terminated',
] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/** Phases after which a run does not change any more. */
export const TERMINAL_RUN_PHASES: readonly RunPhase[] = [
  'Succeeded',
  'Failed',
  'TimedOut',
  'Cancelled',
  'Terminated',
];

export const TRIGGER_TYPES = ['Lifecycle', 'Manual'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

export const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;
export type ConditionStatus = (typeof CONDITION_STATUSES)[number];
