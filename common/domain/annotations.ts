// Owns the names the product writes on TemporalActionIntent objects: annotations, the finalizer
// and the memo key of started workflows. The CRD and docs/operator.md describe the same.

/** The EMCO intent name (metadata.name of the REST body). Absent: the EMCO name is metadata.name. */
export const ANNOTATION_NAME = 'tac.emco.io/name';
/** EMCO metadata.description (absent when empty). */
export const ANNOTATION_DESCRIPTION = 'tac.emco.io/description';
/** EMCO metadata.userData1 (absent when empty). */
export const ANNOTATION_USER_DATA1 = 'tac.emco.io/user-data1';
/** EMCO metadata.userData2 (absent when empty). */
export const ANNOTATION_USER_DATA2 = 'tac.emco.io/user-data2';
/** The EMCO workers sub-API's entries of the intent (JSON list, insertion order). */
export const ANNOTATION_WORKERS = 'tac.emco.io/workers';
/** A lifecycle event's request for a run (JSON of a run request). */
export const ANNOTATION_RUN_REQUEST = 'tac.emco.io/run-request';
/** Set (to any new value, e.g. a timestamp) to run the intent once by hand; echoed in status.lastHandledRunRequest. */
export const ANNOTATION_RUN_REQUESTED_AT = 'tac.emco.io/run-requested-at';
/** Set to "true" to let a deleted intent go at once, without cancelling its run. */
export const ANNOTATION_SKIP_CLEANUP = 'tac.emco.io/skip-cleanup';

/** Held while the intent may have a run in flight; removed once the run is stopped (or let go). */
export const FINALIZER = 'tac.emco.io/run-cleanup';

/** Memo key carrying the run id, so a restarted operator recognises a workflow it already started. */
export const RUN_ID_MEMO_KEY = 'tacRunId';
