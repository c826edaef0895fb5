import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { TaiValidationError, parseTemporalActionIntent } from '../../../../common/model/parse.js';
import { toAjvSchema } from '../../../../common/model/schema.js';

function valid(): Record<string, unknown> {
  return {
    apiVersion: 'tac.emco.io/v1alpha1',
    kind: 'TemporalActionIntent',
    metadata: { name: 'x', namespace: 'tac' },
    spec: {
      project: 'proj1',
      compositeApp: 'hello',
      compositeAppVersion: 'v1',
      deploymentIntentGroup: 'dig1',
      hookType: 'pre-install',
    },
    status: {
      observedGeneration: 2,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'RunSucceeded',
          message: 'ok',
          lastTransitionTime: '2026-01-01T00:00:00Z',
          observedGeneration: 2,
        },
      ],
      lastRun: {
        id: 'ev1',
        trigger: {
          type: 'Lifecycle',
          hookType: 'pre-install',
          eventId: 'ev1',
          appContextId: '123',
          emcoUrl: 'http://emco',
        },
        workflowId: 'w',
        runId: 'r',
        phase: 'Succeeded',
        blocking: true,
        startTime: '2026-01-01T00:00:00Z',
        endTime: '2026-01-01T00:00:05.5Z',
        attempt: 1,
        temporalUiUrl: 'http://ui/w',
      },
      history: [],
      lastHandledRunRequest: '2026-01-01T00:00:00Z',
    },
  };
}

type Json = Record<string, unknown>;

/** Sets (value) or deletes (undefined) the value at a dotted path; numeric parts index arrays. */
function setPath(o: Json, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = o;
  for (const p of parts.slice(0, -1)) node = node[p] as Json;
  const last = parts[parts.length - 1] ?? '';
  if (value === undefined) delete node[last];
  else node[last] = value;
}

function problemOf(input: unknown): TaiValidationError {
  try {
    parseTemporalActionIntent(input);
  } catch (err) {
    expect(err).to.be.instanceOf(TaiValidationError);
    return err as TaiValidationError;
  }
  throw new Error('expected a validation error');
}

interface Case {
  what: string;
  /** Where to change the valid object, and to what (undefined deletes). */
  path: string;
  value: unknown;
  /** The field the error must name, and its reason. */
  field: string;
  reason: string | RegExp;
}

const LAST_RUN = (valid()['status'] as Json)['lastRun'];

const CASES: Case[] = [
  { what: 'a missing spec', path: 'spec', value: undefined, field: 'spec', reason: 'is required' },
  {
    what: 'a missing DIG',
    path: 'spec.deploymentIntentGroup',
    value: undefined,
    field: 'spec.deploymentIntentGroup',
    reason: 'is required',
  },
  {
    what: 'an empty project',
    path: 'spec.project',
    value: '',
    field: 'spec.project',
    reason: 'must NOT have fewer than 1 characters',
  },
  {
    what: 'an unknown hook',
    path: 'spec.hookType',
    value: 'pre-deploy',
    field: 'spec.hookType',
    reason: /^must be one of: "pre-install", .*"post-terminate"$/,
  },
  {
    what: 'a port out of range',
    path: 'spec.workflowClient',
    value: { clientEndpointPort: 70000 },
    field: 'spec.workflowClient.clientEndpointPort',
    reason: 'must be <= 65535',
  },
  {
    what: 'host:port',
    path: 'spec.workflowClient',
    value: { clientEndpointName: 'a:1' },
    field: 'spec.workflowClient.clientEndpointName',
    reason: /^must match the pattern/,
  },
  {
    what: 'a bad client name',
    path: 'spec.temporal',
    value: { workflowClientName: 'a b' },
    field: 'spec.temporal.workflowClientName',
    reason: "must match the pattern '^[a-zA-Z0-9_-]+$'",
  },
  {
    what: 'a negative duration string',
    path: 'spec.hookBlockingTimeout',
    value: '-5s',
    field: 'spec.hookBlockingTimeout',
    reason: /^must match the pattern/,
  },
  {
    what: 'a boolean timeout',
    path: 'spec.hookBlockingTimeout',
    value: true,
    field: 'spec.hookBlockingTimeout',
    reason: 'must be an integer or a string',
  },
  {
    what: 'a negative integer duration',
    path: 'spec.temporal',
    value: { workflowStartOptions: { workflowRunTimeout: -1 } },
    field: 'spec.temporal.workflowStartOptions.workflowRunTimeout',
    reason: 'must be >= 0',
  },
  {
    what: 'a duration that overflows int64',
    path: 'spec.temporal',
    value: { workflowStartOptions: { workflowTaskTimeout: '3000000h' } },
    field: 'spec.temporal.workflowStartOptions.workflowTaskTimeout',
    reason: 'time: invalid duration "3000000h"',
  },
  {
    what: 'an overflowing activity duration',
    path: 'spec.temporal',
    value: {
      workflowParams: { activityOptions: { 'a.b': { retryPolicy: { maximumInterval: '9999999999h' } } } },
    },
    field: 'spec.temporal.workflowParams.activityOptions.a.b.retryPolicy.maximumInterval',
    reason: 'time: invalid duration "9999999999h"',
  },
  {
    what: 'an overflowing blocking timeout',
    path: 'spec.hookBlockingTimeout',
    value: '3000000h',
    field: 'spec.hookBlockingTimeout',
    reason: /^must be a non-negative whole number/,
  },
  {
    what: 'a non-string activity param',
    path: 'spec.temporal',
    value: { workflowParams: { activityParams: { greet: { name: 1 } } } },
    field: 'spec.temporal.workflowParams.activityParams.greet.name',
    reason: 'must be string',
  },
  {
    what: 'a string boolean',
    path: 'spec.hookBlocking',
    value: 'true',
    field: 'spec.hookBlocking',
    reason: 'must be boolean',
  },
  {
    what: 'a bad run phase',
    path: 'status.lastRun.phase',
    value: 'Done',
    field: 'status.lastRun.phase',
    reason: /^must be one of: "Pending"/,
  },
  {
    what: 'a bad condition status',
    path: 'status.conditions.0.status',
    value: 'Yes',
    field: 'status.conditions.0.status',
    reason: 'must be one of: "True", "False", "Unknown"',
  },
  {
    what: 'a bad condition time',
    path: 'status.conditions.0.lastTransitionTime',
    value: 'yesterday',
    field: 'status.conditions.0.lastTransitionTime',
    reason: 'must match format "date-time"',
  },
  {
    what: 'a condition without reason',
    path: 'status.conditions.0.reason',
    value: undefined,
    field: 'status.conditions.0.reason',
    reason: 'is required',
  },
  {
    what: 'a history longer than 10',
    path: 'status.history',
    value: Array.from({ length: 11 }, () => LAST_RUN),
    field: 'status.history',
    reason: 'must NOT have more than 10 items',
  },
  {
    what: 'a bad trigger type',
    path: 'status.lastRun.trigger.type',
    value: 'Cron',
    field: 'status.lastRun.trigger.type',
    reason: 'must be one of: "Lifecycle", "Manual"',
  },
];

describe('parseTemporalActionIntent', () => {
  it('accepts a full object with status and returns it typed', () => {
    const o = valid();
    const tai = parseTemporalActionIntent(o);
    expect(tai).to.equal(o);
    expect(tai.status?.lastRun?.phase).to.equal('Succeeded');
  });

  it('fills in apiVersion and kind when a list item lacks them', () => {
    const { apiVersion: _a, kind: _k, ...rest } = valid();
    const tai = parseTemporalActionIntent(rest);
    expect([tai.apiVersion, tai.kind]).to.deep.equal(['tac.emco.io/v1alpha1', 'TemporalActionIntent']);
  });

  it('accepts the hello-world example', () => {
    const text = readFileSync(
      new URL('../../../../examples/hello-world/intents.yaml', import.meta.url),
      'utf8',
    );
    for (const doc of parseAllDocuments(text)) {
      const o = doc.toJS() as Record<string, unknown>;
      expect(parseTemporalActionIntent(o).spec.deploymentIntentGroup).to.equal('dig1');
    }
  });

  it('rejects what is not an object', () => {
    for (const input of ['x', null, [], 1]) {
      const e = problemOf(input);
      expect([e.field, e.reason, e.message]).to.deep.equal([
        '',
        'must be an object',
        '(root): must be an object',
      ]);
    }
  });

  for (const c of CASES) {
    it(`rejects ${c.what}, naming ${c.field}`, () => {
      const o = valid();
      setPath(o, c.path, c.value);
      const e = problemOf(o);
      expect(e.field).to.equal(c.field);
      if (typeof c.reason === 'string') expect(e.reason).to.equal(c.reason);
      else expect(e.reason).to.match(c.reason);
      expect(e.message).to.equal(`${c.field}: ${e.reason}`);
    });
  }
});

describe('toAjvSchema', () => {
  it('turns x-kubernetes-int-or-string into integer-or-string alternatives with their own bounds', () => {
    expect(
      toAjvSchema({
        'x-kubernetes-int-or-string': true,
        anyOf: [{ type: 'integer' }, { type: 'string' }],
        minimum: 0,
        maximum: 5,
        pattern: '^a$',
        description: 'd',
      }),
    ).to.deep.equal({
      description: 'd',
      anyOf: [
        { type: 'integer', minimum: 0, maximum: 5 },
        { type: 'string', pattern: '^a$' },
      ],
      'x-int-or-string': true,
    });
  });

  it('drops the other Kubernetes markers and recurses into properties, items and map values', () => {
    expect(
      toAjvSchema({
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
        properties: {
          l: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            items: { type: 'object', 'x-kubernetes-embedded-resource': false },
          },
          m: { type: 'object', additionalProperties: { type: 'string', 'x-kubernetes-validations': [] } },
        },
      }),
    ).to.deep.equal({
      type: 'object',
      properties: {
        l: { type: 'array', items: { type: 'object' } },
        m: { type: 'object', additionalProperties: { type: 'string' } },
      },
    });
  });
});
