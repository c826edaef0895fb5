// Owns the names of the workflow types the worker registers, readable outside the sandbox: EMCO's
// default client uses workflow type = task queue name, so by default the worker polls one task
// queue per workflow name (plus the general `tac-worker` queue).

/** Every workflow exported by `workflows/index.ts` (a unit test keeps the two in step). */
export const WORKFLOW_NAMES = ['helloWorld', 'migrate', 'sleep', 'fail', 'longRunning', 'noop'] as const;

export type WorkflowName = (typeof WORKFLOW_NAMES)[number];

/** The worker's own queue for clients configured with a fixed workflow type. */
export const GENERAL_TASK_QUEUE = 'tac-worker';

export const DEFAULT_TASK_QUEUES: readonly string[] = Object.freeze([...WORKFLOW_NAMES, GENERAL_TASK_QUEUE]);
