// Checks that imports between the source folders flow one way: the folder graph of common/,
// operator/ and client/ has no cycle. A file's folder is its node, except for the files at a
// program's top (operator/*.ts, client/*.ts: the composition root and the parts' shared ports),
// which are nodes of their own. Imports are read with the TypeScript compiler's own
// pre-processor, type-only imports included. Run alone: npx mocha --config .mocharc.unit.json
// test/unit/architecture/import-cycles.test.ts
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SOURCE_FOLDERS = ['common', 'operator', 'client'];
const PROGRAM_ROOTS = new Set(['operator', 'client']);

/** The graph node of a source file (path relative to the repository). */
function nodeOf(file: string): string {
  const folder = dirname(file);
  return PROGRAM_ROOTS.has(folder) ? file.replace(/\.js$/, '.ts') : folder;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** Folder → folders it imports (relative imports inside the repository only). */
export function folderGraph(files: readonly string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const from = nodeOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const to = nodeOf(relative(ROOT, resolve(ROOT, dirname(file), ref.fileName)));
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Every elementary cycle's first occurrence found by depth-first search, as folder paths. */
export function findCycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'active');
    stack.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (state.get(next) === 'active') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (state.get(node) === undefined) visit(node);
  return cycles;
}

describe('import structure', () => {
  it('finds a cycle when there is one (the check can fail)', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
    ]);
    expect(findCycles(graph)).to.deep.equal([['a', 'b', 'c', 'a']]);
  });

  it('has no import cycle between the folders of common/, operator/ and client/', () => {
    const graph = folderGraph(SOURCE_FOLDERS.flatMap(sourceFiles));
    expect(graph.size).to.be.greaterThan(5);
    const cycles = findCycles(graph).map((c) => c.join(' → '));
    expect(cycles, `folder import cycles:\n${cycles.join('\n')}`).to.deep.equal([]);
  });

  it('keeps the domain module free of imports from other folders', () => {
    const graph = folderGraph(sourceFiles('common/domain'));
    expect([...(graph.get('common/domain') ?? [])]).to.deep.equal([]);
  });
});
