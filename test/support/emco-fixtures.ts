// Request bodies from EMCO's documents and tests, shared by the codec's unit tests.

/** The seed's POST body in JSON form, with the spec fields nested under spec as EMCO needs them. */
export const SEED_BODY = JSON.stringify({
  metadata: { name: 'ABCD' },
  spec: {
    hookType: 'pre-install',
    hookBlocking: true,
    workflowClient: { clientEndpointName: 'ABCDEFGHIJKLMNOPQRSTU', clientEndpointPort: 121 },
    temporal: {
      workflowClientName: 'ABCD',
      workflowStartOptions: {
        id: 'ABCDEFGHIJK',
        taskqueue: 'ABCDEFGHIJKLMNOPQRSTUVW',
        workflowexecutiontimeout: 327,
        workflowruntimeout: 983,
        workflowtasktimeout: 213,
        workflowidreusepolicy: 916,
        workflowexecutionerrorwhenalreadystarted: true,
        retrypolicy: {
          initialinterval: 679,
          backoffcoefficient: 358.25,
          maximuminterval: 658,
          maximumattempts: 127,
          nonretryableerrortypes: [],
        },
      },
      workflowParams: { activityOptions: {}, activityParams: {} },
    },
  },
});

/** The seed body's canonical echo. */
export const SEED_ECHO =
  '{"metadata":{"name":"ABCD","description":"","userData1":"","userData2":""},"spec":{"hookType":"pre-install","hookBlocking":true,"workflowClient":{"clientEndpointName":"ABCDEFGHIJKLMNOPQRSTU","clientEndpointPort":121},"temporal":{"workflowClientName":"ABCD","workflowStartOptions":{"ID":"ABCDEFGHIJK","TaskQueue":"ABCDEFGHIJKLMNOPQRSTUVW","WorkflowExecutionTimeout":327,"WorkflowRunTimeout":983,"WorkflowTaskTimeout":213,"WorkflowIDReusePolicy":916,"WorkflowExecutionErrorWhenAlreadyStarted":true,"RetryPolicy":{"InitialInterval":679,"BackoffCoefficient":358.25,"MaximumInterval":658,"MaximumAttempts":127,"NonRetryableErrorTypes":[]},"CronSchedule":"","Memo":null,"SearchAttributes":null},"workflowParams":{}}}}\n';

/** EMCO TAC's unit-test body (reference §5.3): request keys "id", "taskQueue" and "hookBlocking". */
export const TAC_UNIT_TEST_BODY = JSON.stringify({
  metadata: { name: 'testworkflowintent' },
  spec: {
    hookType: 'pre-install',
    hookBlocking: true,
    workflowClient: { clientEndpointName: 'endpoint1', clientEndpointPort: 9091 },
    temporal: {
      workflowClientName: 'client1',
      workflowStartOptions: { id: 'xyz', taskQueue: 'my-task-queue' },
    },
  },
});

/** EMCO's echo of TAC_UNIT_TEST_BODY, byte for byte (reference §5.3); EMCO drops hookBlocking. */
export const TAC_UNIT_TEST_ECHO_EMCO =
  '{"metadata":{"name":"testworkflowintent","description":"","userData1":"","userData2":""},"spec":{"hookType":"pre-install","workflowClient":{"clientEndpointName":"endpoint1","clientEndpointPort":9091},"temporal":{"workflowClientName":"client1","workflowStartOptions":{"ID":"xyz","TaskQueue":"my-task-queue","WorkflowExecutionTimeout":0,"WorkflowRunTimeout":0,"WorkflowTaskTimeout":0,"WorkflowIDReusePolicy":0,"WorkflowExecutionErrorWhenAlreadyStarted":false,"RetryPolicy":null,"CronSchedule":"","Memo":null,"SearchAttributes":null},"workflowParams":{}}}}\n';

/** One activityOptions entry as EMCO echoes it (reference §5.3). */
export const ACTIVITY_OPTIONS_ECHO =
  '{"TaskQueue":"","ScheduleToCloseTimeout":0,"ScheduleToStartTimeout":0,"StartToCloseTimeout":60000000000,"HeartbeatTimeout":0,"WaitForCancellation":false,"ActivityID":"","RetryPolicy":{"InitialInterval":0,"BackoffCoefficient":0,"MaximumInterval":0,"MaximumAttempts":3,"NonRetryableErrorTypes":null}}';

/** The body TAC posts to /invoke in EMCO's migration example (reference §9 RunWorkflow). */
export const RUN_WORKFLOW_BODY =
  '{"workflowClientName":"migrate_workflowclient","workflowStartOptions":{"ID":"pre-install-1","TaskQueue":"GREETING_TASK_QUEUE","WorkflowExecutionTimeout":0,"WorkflowRunTimeout":0,"WorkflowTaskTimeout":0,"WorkflowIDReusePolicy":0,"WorkflowExecutionErrorWhenAlreadyStarted":false,"RetryPolicy":{"InitialInterval":0,"BackoffCoefficient":0,"MaximumInterval":0,"MaximumAttempts":2,"NonRetryableErrorTypes":null},"CronSchedule":"","Memo":null,"SearchAttributes":null},"workflowParams":{}}';
