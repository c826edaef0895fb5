// Owns the compiled validator of TemporalActionIntent objects: the CRD file's own openAPIV3Schema,
// read once at module load and translated for ajv (x-kubernetes-int-or-string becomes an anyOf
// of integer and string, the other x-kubernetes-* markers are dropped), so the CRD stays the single
// source of validation.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { CRD_NAME, VERSION } from './constants.js';

export const CRD_FILE_NAME = 'tac.emco.io_temporalactionintents.yaml';

/** Thrown when the CRD file cannot be found or does not hold the expected schema. */
export class CrdSchemaError extends Error {
  override readonly name = 'CrdSchemaError';
}

/**
 * Path of the CRD file: `crds/` at the repository (or package) root, found relative to this module
 * whether it runs from source (common/model) or from the build output (dist/common/model).
 */
function locateCrdFile(): string {
  const candidates = [`../../crds/${CRD_FILE_NAME}`, `../../../crds/${CRD_FILE_NAME}`].map((rel) =>
    fileURLToPath(new URL(rel, import.meta.url)),
  );
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) throw new CrdSchemaError(`CRD file not found; looked at ${candidates.join(', ')}`);
  return found;
}

export const CRD_PATH = locateCrdFile();

type SchemaNode = Record<string, unknown>;

function isNode(value: unknown): value is SchemaNode {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function loadOpenApiSchema(path: string): SchemaNode {
  const doc: unknown = parseYaml(readFileSync(path, 'utf8'));
  const spec =
    isNode(doc) && isNode(doc['metadata']) && doc['metadata']['name'] === CRD_NAME ? doc['spec'] : undefined;
  const versions = isNode(spec) && Array.isArray(spec['versions']) ? (spec['versions'] as unknown[]) : [];
  const version = versions.find((v) => isNode(v) && v['name'] === VERSION);
  const schema =
    isNode(version) && isNode(version['schema']) ? version['schema']['openAPIV3Schema'] : undefined;
  if (!isNode(schema)) throw new CrdSchemaError(`${path} has no openAPIV3Schema for version ${VERSION}`);
  return schema;
}

/** The CRD's openAPIV3Schema as written (for tests and tools). */
export const CRD_OPENAPI_SCHEMA: SchemaNode = loadOpenApiSchema(CRD_PATH);

const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const STRING_KEYWORDS = ['pattern', 'minLength', 'maxLength'];

/** Translates one Kubernetes structural-schema node into plain JSON Schema for ajv. */
export function toAjvSchema(node: SchemaNode): SchemaNode {
  const out: SchemaNode = {};
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-')) continue;
    if (key === 'properties' && isNode(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, isNode(v) ? toAjvSchema(v) : v]),
      );
    } else if ((key === 'items' || key === 'additionalProperties' || key === 'not') && isNode(value)) {
      out[key] = toAjvSchema(value);
    } else if ((key === 'anyOf' || key === 'allOf' || key === 'oneOf') && Array.isArray(value)) {
      out[key] = (value as unknown[]).map((v) => (isNode(v) ? toAjvSchema(v) : v));
    } else {
      out[key] = value;
    }
  }
  if (intOrString) {
    const integer: SchemaNode = { type: 'integer' };
    const string: SchemaNode = { type: 'string' };
    for (const k of NUMBER_KEYWORDS) {
      if (k in out) {
        integer[k] = out[k];
        delete out[k];
      }
    }
    for (const k of STRING_KEYWORDS) {
      if (k in out) {
        string[k] = out[k];
        delete out[k];
      }
    }
    out['anyOf'] = [integer, string];
    out['x-int-or-string'] = true;
  }
  return out;
}

const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addKeyword({ keyword: 'x-int-or-string', schemaType: 'boolean' });
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (s: string) => DATE_TIME_RE.test(s) && !Number.isNaN(Date.parse(s)),
  });
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  return ajv;
}

/** ajv validator compiled from the CRD's schema. */
export const validateTaiSchema: ValidateFunction = createAjv().compile(toAjvSchema(CRD_OPENAPI_SCHEMA));

export type { ErrorObject };
