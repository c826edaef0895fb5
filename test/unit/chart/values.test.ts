import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { parse } from 'yaml';

const CHART_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../charts/tac-operator');
const valuesText = readFileSync(path.join(CHART_DIR, 'values.yaml'), 'utf8');
const schema = JSON.parse(readFileSync(path.join(CHART_DIR, 'values.schema.json'), 'utf8')) as Record<
  string,
  unknown
>;

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  $ref?: string;
  definitions?: Record<string, SchemaNode>;
}

/** Keys of values.yaml, as dotted paths, whose line has no `# --` doc comment block right above. */
function undocumentedKeys(text: string): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  const stack: { indent: number; key: string }[] = [];
  lines.forEach((line, index) => {
    const match = /^(\s*)([A-Za-z_][\w.-]*):/.exec(line);
    if (match === null) return;
    const indent = match[1]?.length ?? 0;
    const key = match[2] ?? '';
    while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? 0) >= indent) stack.pop();
    stack.push({ indent, key });
    // Walk up the comment block directly above the key, at the key's indentation.
    let i = index - 1;
    let first: string | undefined;
    while (i >= 0 && new RegExp(`^\\s{${indent}}#`).test(lines[i] ?? '')) {
      first = lines[i];
      i--;
    }
    if (first === undefined || !first.trimStart().startsWith('# -- '))
      out.push(stack.map((s) => s.key).join('.'));
  });
  return out;
}

/** Paths of object schemas that accept any key, resolving $refs. */
function openObjects(node: SchemaNode, root: SchemaNode, at: string, seen = new Set<string>()): string[] {
  if (node.$ref !== undefined) {
    const name = node.$ref.replace('#/definitions/', '');
    if (seen.has(name)) return [];
    const target = root.definitions?.[name];
    return target === undefined
      ? [`${at} (dangling ${node.$ref})`]
      : openObjects(target, root, at, new Set([...seen, name]));
  }
  if (node.properties === undefined) return [];
  const out = node.additionalProperties === false ? [] : [at];
  for (const [key, child] of Object.entries(node.properties))
    out.push(...openObjects(child, root, at === '' ? key : `${at}.${key}`, seen));
  return out;
}

describe('chart values', () => {
  it('documents every value with a `# --` comment', () => {
    expect(undocumentedKeys(valuesText)).to.deep.equal([]);
  });

  it('notices a value without doc comment', () => {
    expect(undocumentedKeys('# -- documented\na: 1\nb:\n  # -- nested\n  c: 2\n  d: 3\n')).to.deep.equal([
      'b',
      'b.d',
    ]);
  });

  it('has default values that satisfy values.schema.json', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const ok = validate(parse(valuesText));
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).to.deep.equal([]);
    expect(ok).to.equal(true);
  });

  it('closes every object of its own (additionalProperties: false)', () => {
    expect(openObjects(schema, schema, '')).to.deep.equal([]);
  });

  it('describes every default value in the schema', () => {
    const missing: string[] = [];
    const walk = (value: unknown, node: SchemaNode | undefined, at: string): void => {
      if (node?.$ref !== undefined)
        node = (schema as SchemaNode).definitions?.[node.$ref.replace('#/definitions/', '')];
      if (
        value === null ||
        typeof value !== 'object' ||
        Array.isArray(value) ||
        node?.properties === undefined
      )
        return;
      for (const [key, child] of Object.entries(value)) {
        const childNode = node.properties[key];
        if (childNode === undefined) missing.push(at === '' ? key : `${at}.${key}`);
        else walk(child, childNode, at === '' ? key : `${at}.${key}`);
      }
    };
    walk(parse(valuesText), schema, '');
    expect(missing).to.deep.equal([]);
  });

  it('rejects wrong types, enums and unknown keys', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const values = parse(valuesText) as { operator: Record<string, unknown>; extra?: unknown };
    values.operator.logLevel = 'loud';
    values.operator.replicaCount = '1';
    values.extra = true;
    expect(validate(values)).to.equal(false);
    const where = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
    expect(where).to.include.members([
      '/operator/logLevel enum',
      '/operator/replicaCount type',
      ' additionalProperties',
    ]);
  });
});
