import { expect } from 'chai';
import fc from 'fast-check';
import { decodeTacIntent } from '../../../../common/emco/decode.js';
import { encodeTacIntent, encodeTemporalSpec } from '../../../../common/emco/encode.js';
import { resourceNameFor } from '../../../../common/emco/names.js';
import {
  ANNOTATION_DESCRIPTION,
  ANNOTATION_NAME,
  ANNOTATION_USER_DATA1,
  ANNOTATION_USER_DATA2,
} from '../../../../common/domain/annotations.js';
import {
  ResourceConversionError,
  resourceToTacIntent,
  tacIntentToResource,
  temporalSpecOf,
} from '../../../../common/model/convert.js';
import { parseTemporalActionIntent } from '../../../../common/model/parse.js';
import type { TemporalActionIntent } from '../../../../common/model/types.js';
import { digRef, tacIntent } from '../../../support/emco-arbitraries.js';
import { SEED_BODY, SEED_ECHO } from '../../../support/emco-fixtures.js';

const DIG = {
  project: 'proj1',
  compositeApp: 'hello',
  compositeAppVersion: 'v1',
  deploymentIntentGroup: 'dig1',
};

/**
 * What the operator reads back after the API server stored the resource: JSON text parsed with
 * JSON.parse (as @kubernetes/client-node does), with the CRD's default hookBlocking: false applied.
 */
function throughApiServer(resource: TemporalActionIntent): unknown {
  const stored = JSON.parse(JSON.stringify(resource)) as TemporalActionIntent;
  stored.spec.hookBlocking ??= false;
  return stored;
}

describe('tacIntentToResource / resourceToTacIntent', () => {
  it('maps the seed’s example to a readable resource', () => {
    const resource = tacIntentToResource(DIG, decodeTacIntent(SEED_BODY), 'tac');
    expect(resource).to.deep.equal({
      apiVersion: 'tac.emco.io/v1alpha1',
      kind: 'TemporalActionIntent',
      metadata: {
        name: resourceNameFor({ ...DIG, name: 'ABCD' }),
        namespace: 'tac',
        annotations: { [ANNOTATION_NAME]: 'ABCD' },
      },
      spec: {
        ...DIG,
        hookType: 'pre-install',
        hookBlocking: true,
        workflowClient: { clientEndpointName: 'ABCDEFGHIJKLMNOPQRSTU', clientEndpointPort: 121 },
        temporal: {
          workflowClientName: 'ABCD',
          workflowStartOptions: {
            id: 'ABCDEFGHIJK',
            taskQueue: 'ABCDEFGHIJKLMNOPQRSTUVW',
            workflowExecutionTimeout: 327,
            workflowRunTimeout: 983,
            workflowTaskTimeout: 213,
            workflowIdReusePolicy: 916,
            workflowExecutionErrorWhenAlreadyStarted: true,
            retryPolicy: {
              initialInterval: 679,
              backoffCoefficient: 358.25,
              maximumInterval: 658,
              maximumAttempts: 127,
              nonRetryableErrorTypes: [],
            },
          },
        },
      },
    });
    const back = resourceToTacIntent(parseTemporalActionIntent(throughApiServer(resource)));
    expect(encodeTacIntent(back.intent)).to.equal(SEED_ECHO);
    expect(back.dig).to.deep.equal(DIG);
  });

  it('writes durations beyond 2^53 as exact "<n>ns" strings', () => {
    const intent = decodeTacIntent(
      '{"metadata":{"name":"big"},"spec":{"hookType":"pre-install","temporal":{"workflowStartOptions":{"WorkflowRunTimeout":9007199254740993,"WorkflowTaskTimeout":9007199254740991}}}}',
    );
    const resource = tacIntentToResource(DIG, intent, 'tac');
    expect(resource.spec.temporal?.workflowStartOptions).to.deep.equal({
      workflowRunTimeout: '9007199254740993ns',
      workflowTaskTimeout: 9007199254740991,
    });
    const back = resourceToTacIntent(parseTemporalActionIntent(throughApiServer(resource)));
    expect(back.intent.spec.temporal.workflowStartOptions.WorkflowRunTimeout).to.equal(9007199254740993n);
  });

  it('keeps EMCO metadata in annotations, only when non-empty', () => {
    const intent = decodeTacIntent(
      '{"metadata":{"name":"n","description":"d","userData1":"","userData2":"u2"},"spec":{"hookType":"pre-install"}}',
    );
    const resource = tacIntentToResource(DIG, intent, 'tac');
    expect(resource.metadata.annotations).to.deep.equal({
      [ANNOTATION_NAME]: 'n',
      [ANNOTATION_DESCRIPTION]: 'd',
      [ANNOTATION_USER_DATA2]: 'u2',
    });
    expect(resource.metadata.annotations).not.to.have.property(ANNOTATION_USER_DATA1);
    expect(resource.spec).to.deep.equal({ ...DIG, hookType: 'pre-install' });
  });

  it('keeps non-nil empties ({} and []) apart from unset', () => {
    const intent = decodeTacIntent(
      '{"metadata":{"name":"n"},"spec":{"hookType":"pre-install","temporal":{"workflowStartOptions":{"Memo":{},"RetryPolicy":{}},"workflowParams":{"activityOptions":{"a":{"RetryPolicy":{"NonRetryableErrorTypes":[]}}},"activityParams":{"p":{}}}}}}',
    );
    const resource = tacIntentToResource(DIG, intent, 'tac');
    expect(resource.spec.temporal).to.deep.equal({
      workflowStartOptions: { memo: {}, retryPolicy: {} },
      workflowParams: {
        activityOptions: { a: { retryPolicy: { nonRetryableErrorTypes: [] } } },
        activityParams: { p: {} },
      },
    });
    expect(resourceToTacIntent(parseTemporalActionIntent(throughApiServer(resource))).intent).to.deep.equal(
      intent,
    );
  });

  it('reads a kubectl-written resource: duration strings, no annotation, defaults', () => {
    const tai = parseTemporalActionIntent({
      apiVersion: 'tac.emco.io/v1alpha1',
      kind: 'TemporalActionIntent',
      metadata: { name: 'hello-pre-install', namespace: 'tac' },
      spec: {
        ...DIG,
        hookType: 'pre-terminate',
        hookBlocking: false,
        hookBlockingTimeout: '2m',
        temporal: {
          workflowStartOptions: { taskQueue: 'helloWorld', workflowRunTimeout: '1m30s' },
          workflowParams: {
            activityOptions: { greet: { startToCloseTimeout: '30s', retryPolicy: { maximumAttempts: 3 } } },
          },
        },
      },
    });
    const { intent } = resourceToTacIntent(tai);
    expect(intent.metadata.name).to.equal('hello-pre-install');
    expect(intent.spec).not.to.have.property('hookBlocking');
    expect(intent.spec.hookBlockingTimeout).to.equal('2m');
    expect(intent.spec.workflowClient).to.deep.equal({ clientEndpointName: '', clientEndpointPort: 0n });
    expect(intent.spec.temporal.workflowStartOptions.WorkflowRunTimeout).to.equal(90_000_000_000n);
    expect(intent.spec.temporal.workflowParams.activityOptions?.['greet']?.StartToCloseTimeout).to.equal(
      30_000_000_000n,
    );
    expect(encodeTemporalSpec(temporalSpecOf(tai))).to.equal(
      '{"workflowClientName":"","workflowStartOptions":{"ID":"","TaskQueue":"helloWorld","WorkflowExecutionTimeout":0,"WorkflowRunTimeout":90000000000,"WorkflowTaskTimeout":0,"WorkflowIDReusePolicy":0,"WorkflowExecutionErrorWhenAlreadyStarted":false,"RetryPolicy":null,"CronSchedule":"","Memo":null,"SearchAttributes":null},"workflowParams":{"activityOptions":{"greet":{"TaskQueue":"","ScheduleToCloseTimeout":0,"ScheduleToStartTimeout":0,"StartToCloseTimeout":30000000000,"HeartbeatTimeout":0,"WaitForCancellation":false,"ActivityID":"","RetryPolicy":{"InitialInterval":0,"BackoffCoefficient":0,"MaximumInterval":0,"MaximumAttempts":3,"NonRetryableErrorTypes":null}}}}}',
    );
  });

  it('names the field of a duration that does not fit int64', () => {
    const tai = {
      apiVersion: 'tac.emco.io/v1alpha1',
      kind: 'TemporalActionIntent',
      metadata: { name: 'x' },
      spec: {
        ...DIG,
        hookType: 'pre-install',
        temporal: { workflowStartOptions: { workflowRunTimeout: '3000000h' } },
      },
    } as TemporalActionIntent;
    expect(() => temporalSpecOf(tai))
      .to.throw(ResourceConversionError)
      .with.property('field', 'spec.temporal.workflowStartOptions.workflowRunTimeout');
  });

  it('round-trips every valid EMCO intent exactly through the resource (property)', () => {
    fc.assert(
      fc.property(digRef, tacIntent, (dig, x) => {
        const resource = tacIntentToResource(dig, x, 'ns');
        const parsed = parseTemporalActionIntent(throughApiServer(resource));
        const back = resourceToTacIntent(parsed);
        expect(back.dig).to.deep.equal(dig);
        expect(back.intent).to.deep.equal(x);
        expect(encodeTacIntent(back.intent)).to.equal(encodeTacIntent(x));
      }),
      { numRuns: 300 },
    );
  });
});
