import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  DURATION_STRING_PATTERN,
  ENDPOINT_NAME_MAX_LENGTH,
  ENDPOINT_NAME_PATTERN,
  HOOK_TYPES,
  MAX_SAFE_INTEGER,
  MAX_TIMEOUT_SECONDS,
  PORT_MAX,
  PORT_MIN,
  WORKFLOW_CLIENT_NAME_PATTERN,
} from '../../../../common/emco/constraints.js';
import {
  CATEGORY,
  CONDITION_STATUSES,
  CRD_NAME,
  GROUP,
  HISTORY_LIMIT,
  KIND,
  LIST_KIND,
  PLURAL,
  RUN_PHASES,
  SHORT_NAME,
  SINGULAR,
  TRIGGER_TYPES,
  VERSION,
} from '../../../../common/model/constants.js';
import { CRD_OPENAPI_SCHEMA, CRD_PATH } from '../../../../common/model/schema.js';

type Node = Record<string, unknown>;

/** The object at a dotted path of plain keys. */
function get(node: unknown, path: string): Node {
  return path.split('.').reduce<Node>((n, p) => n[p] as Node, node as Node);
}

/** The schema node of a field path (`*` = map values). */
function at(node: Node, path: string): Node {
  return path
    .split('.')
    .reduce<Node>(
      (n, p) => (p === '*' ? (n['additionalProperties'] as Node) : get(n, `properties.${p}`)),
      node,
    );
}

const crd = parse(readFileSync(CRD_PATH, 'utf8')) as Node;
const version = (get(crd, 'spec')['versions'] as Node[])[0] ?? {};
const root = CRD_OPENAPI_SCHEMA;
const spec = get(root, 'properties.spec');
const status = get(root, 'properties.status');

/** Every schema node below `node`, with its dotted path. */
function walk(node: Node, path: string, out: Array<[string, Node]>): Array<[string, Node]> {
  out.push([path, node]);
  for (const [k, v] of Object.entries((node['properties'] ?? {}) as Record<string, Node>))
    walk(v, `${path}.${k}`, out);
  if (node['items'] !== undefined) walk(node['items'] as Node, `${path}[]`, out);
  if (typeof node['additionalProperties'] === 'object')
    walk(node['additionalProperties'] as Node, `${path}.*`, out);
  return out;
}

const DURATIONS = [
  'temporal.workflowStartOptions.workflowExecutionTimeout',
  'temporal.workflowStartOptions.workflowRunTimeout',
  'temporal.workflowStartOptions.workflowTaskTimeout',
  'temporal.workflowStartOptions.retryPolicy.initialInterval',
  'temporal.workflowStartOptions.retryPolicy.maximumInterval',
  'temporal.workflowParams.activityOptions.*.scheduleToCloseTimeout',
  'temporal.workflowParams.activityOptions.*.scheduleToStartTimeout',
  'temporal.workflowParams.activityOptions.*.startToCloseTimeout',
  'temporal.workflowParams.activityOptions.*.heartbeatTimeout',
  'temporal.workflowParams.activityOptions.*.retryPolicy.initialInterval',
  'temporal.workflowParams.activityOptions.*.retryPolicy.maximumInterval',
];

describe('the CRD file', () => {
  it('names the API as the model’s constants do', () => {
    expect(get(crd, 'metadata')['name']).to.equal(CRD_NAME);
    expect(get(crd, 'spec')['group']).to.equal(GROUP);
    expect(get(crd, 'spec')['scope']).to.equal('Namespaced');
    expect(get(crd, 'spec.names')).to.deep.equal({
      kind: KIND,
      listKind: LIST_KIND,
      plural: PLURAL,
      singular: SINGULAR,
      shortNames: [SHORT_NAME],
      categories: [CATEGORY],
    });
    expect(version['name']).to.equal(VERSION);
    expect([version['served'], version['storage']]).to.deep.equal([true, true]);
    expect(version['subresources']).to.deep.equal({ status: {} });
  });

  it('has the printer columns hook, blocking, DIG, phase, workflow and age', () => {
    const columns = (version['additionalPrinterColumns'] as Node[]).filter(
      (c) => c['priority'] === undefined,
    );
    expect(columns.map((c) => [c['name'], c['jsonPath']])).to.deep.equal([
      ['Hook', '.spec.hookType'],
      ['Blocking', '.spec.hookBlocking'],
      ['DIG', '.spec.deploymentIntentGroup'],
      ['Phase', '.status.lastRun.phase'],
      ['Workflow', '.status.lastRun.workflowId'],
      ['Age', '.metadata.creationTimestamp'],
    ]);
  });

  it('describes every field (so kubectl explain documents it)', () => {
    const nodes = walk(root, '', []).filter(([path]) => path !== '' && path !== '.metadata');
    expect(nodes.length).to.be.greaterThan(80);
    for (const [path, node] of nodes) {
      expect(node['description'], path).to.be.a('string').with.length.greaterThan(5);
    }
  });

  it('states the same rules as the REST validation', () => {
    expect(at(spec, 'hookType')['enum']).to.deep.equal([...HOOK_TYPES]);
    expect(at(spec, 'workflowClient.clientEndpointName')['pattern']).to.equal(ENDPOINT_NAME_PATTERN);
    expect(at(spec, 'workflowClient.clientEndpointName')['maxLength']).to.equal(ENDPOINT_NAME_MAX_LENGTH);
    expect(at(spec, 'workflowClient.clientEndpointPort')).to.include({
      minimum: PORT_MIN,
      maximum: PORT_MAX,
    });
    expect(at(spec, 'temporal.workflowClientName')['pattern']).to.equal(WORKFLOW_CLIENT_NAME_PATTERN);
    expect(at(spec, 'hookBlockingTimeout')).to.include({
      'x-kubernetes-int-or-string': true,
      pattern: DURATION_STRING_PATTERN,
      minimum: 0,
      maximum: MAX_TIMEOUT_SECONDS,
    });
    expect(at(spec, 'hookBlocking')['default']).to.equal(false);
    expect(spec['required']).to.deep.equal([
      'project',
      'compositeApp',
      'compositeAppVersion',
      'deploymentIntentGroup',
      'hookType',
    ]);
  });

  it('makes every duration an int-or-string of safe integers or duration strings', () => {
    for (const path of DURATIONS) {
      expect(at(spec, path), path).to.deep.include({
        'x-kubernetes-int-or-string': true,
        anyOf: [{ type: 'integer' }, { type: 'string' }],
        minimum: 0,
        maximum: MAX_SAFE_INTEGER,
        pattern: DURATION_STRING_PATTERN,
      });
    }
  });

  it('defines status as the operator writes it', () => {
    expect(at(status, 'lastRun.phase')['enum']).to.deep.equal([...RUN_PHASES]);
    expect(at(status, 'history')['maxItems']).to.equal(HISTORY_LIMIT);
    // history items are runs too (only the tense of one description differs)
    const runFields = structuredClone(get(at(status, 'lastRun'), 'properties'));
    get(runFields, 'blocking')['description'] = 'Whether the lifecycle event waited for this run.';
    expect(get(at(status, 'history'), 'items.properties')).to.deep.equal(runFields);
    expect(at(status, 'lastRun.trigger.type')['enum']).to.deep.equal([...TRIGGER_TYPES]);
    expect(get(at(status, 'conditions'), 'items.properties.status')['enum']).to.deep.equal([
      ...CONDITION_STATUSES,
    ]);
    expect(at(status, 'conditions')).to.include({ 'x-kubernetes-list-type': 'map' });
    expect(at(status, 'conditions')['x-kubernetes-list-map-keys']).to.deep.equal(['type']);
    expect(Object.keys(status['properties'] as Node)).to.deep.equal([
      'observedGeneration',
      'conditions',
      'lastRun',
      'history',
      'lastHandledRunRequest',
    ]);
  });
});
