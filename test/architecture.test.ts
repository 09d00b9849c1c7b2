import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The house's shape (README, "Development"): folders follow the pipeline, each importing only
 * those before it, with no import circle between files or between folders, and no file so long
 * that a reader cannot see it whole.
 */

const SRC = 'src';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'static' ? [] : sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of a file (static, re-export or dynamic), as the .ts file it names. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    found.push(normalize(join(dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
  }
  return found;
}

/** A folder of src/, or a file at its root, as one node of the folder graph. */
const nodeOf = (file: string): string => (dirname(file) === SRC ? file : dirname(file));

/** The strongly connected parts of a graph with more than one node (Tarjan). */
function circles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const part: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        part.push(w);
      } while (w !== v);
      if (part.length > 1) found.push(part.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

const files = sources(SRC);
const fileGraph = new Map(files.map((f) => [f, new Set(importsOf(f))]));
const folderGraph = new Map<string, Set<string>>();
for (const [file, deps] of fileGraph) {
  const from = nodeOf(file);
  if (!folderGraph.has(from)) folderGraph.set(from, new Set());
  for (const dep of deps) if (nodeOf(dep) !== from) folderGraph.get(from)!.add(nodeOf(dep));
}

describe('the house', () => {
  it('finds the imports it checks', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(fileGraph.get(join(SRC, 'upload', 'upload.ts'))).toContain(join(SRC, 'upload', 'prepare.ts'));
    // Dynamic imports count too.
    expect([...fileGraph.values()].some((deps) => [...deps].some((d) => d.includes('link')))).toBe(true);
  });

  it('no import circle between files', () => {
    expect(circles(fileGraph)).toEqual([]);
  });

  it('no import circle between folders', () => {
    expect(circles(folderGraph)).toEqual([]);
  });

  it('a circle would be found', () => {
    const g = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(circles(g)).toEqual([['a', 'b', 'c']]);
  });

  it('no source file over 350 lines', () => {
    const lines = (text: string): number => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    const long = files.map((f) => [relative('.', f), lines(readFileSync(f, 'utf8'))] as const).filter(([, n]) => n > 350);
    expect(long).toEqual([]);
  });

  it("the README's folder table names every folder of src/", () => {
    const readme = readFileSync('README.md', 'utf8');
    const folders = readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory());
    for (const folder of folders) expect(readme).toContain(`| \`${folder}/\` |`);
  });
});
