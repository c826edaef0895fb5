// Owns the named workflow clients: what `/invoke/{client-name}` starts (workflow type, pinned
// task queue, argument shape), loaded from the YAML file of TAC_CLIENT_CONFIG and checked against
// a JSON schema; without a file the only client is `default`, EMCO's reference client.
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';

/** `workflowParams`: one argument, EMCO's workflowParams object; `activityParams`: its map; `none`. */
export type ArgumentShape = 'workflowParams' | 'activityParams' | 'none';

/** The workflowType value meaning "the workflow type is the task queue name" (EMCO's rule). */
export const WORKFLOW_TYPE_FROM_TASK_QUEUE = 'taskQueue';

export interface NamedClient {
  readonly name: string;
  /** A fixed workflow type, or `taskQueue` for "same as the task queue". */
  readonly workflowType: string;
  /**
   * The client's task queue: used when the body's `workflowStartOptions.TaskQueue` is empty, and
   * the only one a body may name unless `allowTaskQueueOverride`.
   */
  readonly taskQueue: string | undefined;
  /** Whether a body may name another task queue (and so, under `taskQueue`, another type). */
  readonly allowTaskQueueOverride: boolean;
  readonly arguments: ArgumentShape;
}

/** The name that always resolves (to the built-in default unless the file defines it). */
export const DEFAULT_CLIENT_NAME = 'default';

/**
 * EMCO's reference client: workflow type = task queue name, both from the body (it pins nothing),
 * one argument = workflowParams.
 */
export function builtInClient(name: string): NamedClient {
  return Object.freeze({
    name,
    workflowType: WORKFLOW_TYPE_FROM_TASK_QUEUE,
    taskQueue: undefined,
    allowTaskQueueOverride: true,
    arguments: 'workflowParams',
  });
}

/** The configured clients; `file` is undefined when running without TAC_CLIENT_CONFIG. */
export class NamedClients {
  constructor(
    private readonly clients: ReadonlyMap<string, NamedClient> | undefined,
    readonly file: string | undefined,
  ) {}

  /**
   * The client for `name`, or undefined when it is not configured (only `default` exists without
   * a file). Unknown names never reach a metric label, so the label set stays bounded.
   */
  resolve(name: string): NamedClient | undefined {
    const configured = this.clients?.get(name);
    if (configured !== undefined) return configured;
    return name === DEFAULT_CLIENT_NAME ? builtInClient(name) : undefined;
  }

  /** Known names (for error messages), sorted; `default` is always one. */
  names(): string[] {
    return [...new Set([DEFAULT_CLIENT_NAME, ...(this.clients?.keys() ?? [])])].sort();
  }
}

/** The configuration file is unusable; the message names the file and the problem. */
export class ClientConfigError extends Error {
  override readonly name = 'ClientConfigError';
}

const NAME_PATTERN = '^[a-zA-Z0-9_-]+$';

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['clients'],
  properties: {
    clients: {
      type: 'object',
      propertyNames: { pattern: NAME_PATTERN },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          workflowType: { type: 'string', minLength: 1, maxLength: 1000 },
          taskQueue: { type: 'string', minLength: 1, maxLength: 1000 },
          allowTaskQueueOverride: { type: 'boolean' },
          arguments: { enum: ['workflowParams', 'activityParams', 'none'] },
        },
        // A client pins its task queue, or says explicitly that the body chooses it.
        anyOf: [
          { required: ['taskQueue'] },
          { required: ['allowTaskQueueOverride'], properties: { allowTaskQueueOverride: { const: true } } },
        ],
      },
    },
  },
} as const;

interface ClientsFile {
  clients: Record<
    string,
    { workflowType?: string; taskQueue?: string; allowTaskQueueOverride?: boolean; arguments?: ArgumentShape }
  >;
}

const validate = new Ajv({ allErrors: true }).compile<ClientsFile>(SCHEMA);

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(top level)' : error.instancePath;
  if (error.keyword === 'additionalProperties') {
    return `${where}: unknown field ${JSON.stringify(error.params['additionalProperty'])}`;
  }
  if (error.keyword === 'propertyNames') {
    return `${where}: client name ${JSON.stringify(error.params['propertyName'])} must match ${NAME_PATTERN}`;
  }
  if (error.keyword === 'enum') {
    return `${where}: must be one of workflowParams, activityParams, none`;
  }
  if (error.keyword === 'anyOf') {
    return `${where}: set taskQueue (the client's pinned task queue) or allowTaskQueueOverride: true (the body chooses it)`;
  }
  return `${where}: ${error.message ?? error.keyword}`;
}

/** Parses and checks the YAML text of a client configuration file. Throws ClientConfigError. */
export function parseNamedClients(text: string, file: string): NamedClients {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ClientConfigError(`${file}: not valid YAML: ${reason}`, { cause: err });
  }
  if (!validate(doc)) {
    const problems = (validate.errors ?? [])
      // propertyNames reports the failing name twice (its pattern, then itself): keep the second;
      // anyOf reports each branch, then itself: keep the summary
      .filter((e) => !(e.keyword === 'pattern' && e.propertyName !== undefined))
      .filter((e) => !(e.schemaPath.includes('/anyOf/') && e.keyword !== 'anyOf'))
      .map(describeError)
      .filter((line, i, all) => all.indexOf(line) === i);
    throw new ClientConfigError(
      `${file}: invalid client configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  }
  const clients = new Map<string, NamedClient>();
  for (const [name, entry] of Object.entries(doc.clients)) {
    clients.set(
      name,
      Object.freeze({
        name,
        workflowType: entry.workflowType ?? WORKFLOW_TYPE_FROM_TASK_QUEUE,
        taskQueue: entry.taskQueue,
        allowTaskQueueOverride: entry.allowTaskQueueOverride ?? false,
        arguments: entry.arguments ?? 'workflowParams',
      }),
    );
  }
  return new NamedClients(clients, file);
}
