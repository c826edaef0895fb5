// Patterns kept as strings (shared with the CRD, messages and ajv schemas) escape the lint rule
// that finds super-linear regular expressions, because it sees only literals. This test builds a
// literal from each of them and runs the same rules, so none can come back unnoticed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ESLint } from 'eslint';
import regexp from 'eslint-plugin-regexp';
import { parse } from 'yaml';
import * as constraints from '../../../common/emco/constraints.js';
import { DURATION_STRING_PATTERN } from '../../../common/domain/go-duration.js';
import { EMCO_NAME_PATTERN } from '../../../common/emco/constraints.js';
import { lifecycleRequestSchema } from '../../../operator/rest/lifecycle-request.js';
import { REPO_ROOT } from '../../../testenv/env.js';

const CRD = path.join(REPO_ROOT, 'crds/tac.emco.io_temporalactionintents.yaml');

/** Never run as a JS RegExp: `matchesHookTypePattern` checks it in one pass (EMCO's text, RE2 in the CRD). */
const NOT_RUN_IN_JS = new Set([constraints.HOOK_TYPE_PATTERN]);

/** Every `pattern` keyword in a JSON schema. */
function schemaPatterns(schema: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'pattern' && typeof value === 'string') found.push(value);
        else walk(value);
      }
    }
  };
  walk(schema);
  return found;
}

async function superLinear(patterns: readonly string[]): Promise<string[]> {
  const eslint = new ESLint({
    cwd: REPO_ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      {
        plugins: { regexp },
        rules: { 'regexp/no-super-linear-backtracking': 'error', 'regexp/no-super-linear-move': 'error' },
      },
    ],
  });
  const source = patterns.map((p) => `new RegExp(${JSON.stringify(p)}, 'u').test(input);`).join('\n');
  const [result] = await eslint.lintText(`const input = '';\n${source}\n`, { filePath: 'patterns.js' });
  return (result?.messages ?? []).map((m) => `${patterns[m.line - 2] ?? '?'}: ${m.message}`);
}

describe('architecture: patterns applied to input are linear', () => {
  it('finds the quadratic hookType pattern (the check works)', async () => {
    expect(await superLinear([constraints.HOOK_TYPE_PATTERN])).to.have.length.above(0);
  });

  it('every pattern constant and CRD pattern run in JS passes the super-linear checks', async () => {
    const strings = Object.values(constraints).filter((v): v is string => typeof v === 'string');
    const patterns = [
      ...new Set([
        ...strings.filter((s) => s.includes('^') || s.includes('[')),
        DURATION_STRING_PATTERN,
        EMCO_NAME_PATTERN,
        ...schemaPatterns(lifecycleRequestSchema),
        ...schemaPatterns(parse(readFileSync(CRD, 'utf8'))),
      ]),
    ].filter((p) => !NOT_RUN_IN_JS.has(p));
    expect(patterns.length).to.be.at.least(7);
    expect(await superLinear(patterns)).to.deep.equal([]);
  });
});
