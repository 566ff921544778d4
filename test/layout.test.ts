/**
 * The shape of the house (issue 17): no import circle between files, no stage
 * importing src/cli, every command in src/cli/commands, each folder importing
 * only what its README's "May import:" line allows (and those lines forming no
 * circle between folders), and no file over 400 lines without its reason.
 *
 * Imports are read from the text (static, `import type`, `export … from`, and
 * `import('…')`), so a type-only import counts as much as any other.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/commands/index.js';

const SRC = 'src';

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts')) out.push(p.split(sep).join('/'));
  }
  return out;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** The project files a file imports (relative specifiers only; packages are not the house). */
export function importsOf(file: string, text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(IMPORT)) {
    const spec = (m[1] ?? m[2])!;
    out.add(normalize(join(dirname(file), spec.replace(/\.js$/, '.ts'))).split(sep).join('/'));
  }
  return [...out].sort();
}

/** Every circle in a graph (its strongly connected components of more than one node, or a node importing itself). */
export function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(c.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** `src/emit/c.ts` → `emit`; the two files at the top keep their own names (`compile.ts`, `version.ts`). */
function unitOf(file: string): string {
  const parts = relative(SRC, file).split(/[\\/]/);
  return parts.length > 1 ? parts[0]! : `src/${parts[0]}`;
}

const files = walk(SRC);
const texts = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
const graph = new Map(files.map((f) => [f, importsOf(f, texts.get(f)!)]));
const folders = [...new Set(files.map(unitOf).filter((u) => !u.startsWith('src/')))].sort();

/** The registry gathers every stage's code table: the one place allowed to see them all. */
const REGISTRY = new Set(['src/diagnostics/registry.ts']);
const isCodeTable = (f: string) => /(^|\/|-)codes\.ts$/.test(f);

function mayImport(folder: string): Set<string> | 'every' {
  const text = readFileSync(join(SRC, folder, 'README.md'), 'utf8');
  const line = /^May import: (.*)$/m.exec(text)?.[1];
  if (line === undefined) throw new Error(`src/${folder}/README.md has no "May import:" line`);
  if (/^every folder\.?$/.test(line.trim())) return 'every';
  const allowed = line.split(/\.(?:\s|$)/)[0]!.trim();
  if (allowed === 'nothing') return new Set();
  return new Set(allowed.split(',').map((s) => s.trim()));
}

describe('the circle finder', () => {
  it('finds a circle through three files and a file importing itself, and none in a tree', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(circles(g)).toEqual([['a', 'b', 'c'], ['e']]);
    expect(circles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toEqual([]);
  });
  it('reads every form of import', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b/b.js';",
      "export { c } from './c.js';",
      "export * from './d.js';",
      "const e = await import('./e.js');",
      "import 'node:fs';",
      "import { Command } from 'commander';",
    ].join('\n');
    expect(importsOf('src/x/y.ts', text)).toEqual(['src/b/b.ts', 'src/x/a.ts', 'src/x/c.ts', 'src/x/d.ts', 'src/x/e.ts']);
  });
});

describe('the layout of src/', () => {
  it('has no import circle between files (type imports included)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(circles(graph)).toEqual([]);
  });

  it('no stage imports src/cli', () => {
    const up = files.filter((f) => !f.startsWith('src/cli/')).flatMap((f) => graph.get(f)!.filter((t) => t.startsWith('src/cli/')).map((t) => `${f} -> ${t}`));
    expect(up).toEqual([]);
  });

  it('every command lives once, in src/cli/commands/<name>.ts, and commands do not import each other', () => {
    const names = COMMANDS.map(([n]) => n);
    expect(names).toContain('check');
    for (const n of names) expect(files, n).toContain(`src/cli/commands/${n}.ts`);
    const elsewhere = files.filter((f) => /command/i.test(f.split('/').pop()!) && !f.startsWith('src/cli/commands/'));
    expect(elsewhere).toEqual([]);
    const shared = new Set(['src/cli/commands/index.ts', 'src/cli/commands/types.ts', 'src/cli/commands/shared-options.ts']);
    const across = names.flatMap((n) => graph.get(`src/cli/commands/${n}.ts`)!.filter((t) => t.startsWith('src/cli/commands/') && !shared.has(t)).map((t) => `${n} -> ${t}`));
    expect(across).toEqual([]);
    // Stage folders print nothing, read no argv and never end the process: that is the command's job.
    const exits = files.filter((f) => !f.startsWith('src/cli/') && !f.startsWith('src/tools/') && /process\.(exit|exitCode|argv|stdout\.write|stderr\.write)\b/.test(texts.get(f)!));
    expect(exits).toEqual([]);
  });

  it('each folder says what it is for and imports only what its README allows', () => {
    const broken: string[] = [];
    for (const folder of folders) {
      const allowed = mayImport(folder);
      expect(readFileSync(join(SRC, folder, 'README.md'), 'utf8')).toMatch(new RegExp(`^# src/${folder}: \\S`));
      if (allowed === 'every') continue;
      for (const f of files.filter((x) => unitOf(x) === folder)) {
        for (const t of graph.get(f)!) {
          const u = unitOf(t);
          if (u === folder || allowed.has(u)) continue;
          if (REGISTRY.has(f) && isCodeTable(t)) continue;
          broken.push(`${f} -> ${t} (src/${folder}/README.md does not allow ${u})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('the folders, as their READMEs allow them, form no circle', () => {
    const declared = new Map<string, string[]>();
    for (const folder of folders) {
      const allowed = mayImport(folder);
      declared.set(folder, allowed === 'every' ? [] : [...allowed].filter((u) => !u.startsWith('src/')));
    }
    expect(circles(declared)).toEqual([]);
  });

  it('no file is over 400 lines without the reason at its top', () => {
    const long = files
      .filter((f) => !f.includes('/generated/'))
      .filter((f) => texts.get(f)!.split('\n').length > 400)
      .filter((f) => !/^\/\*\*[\s\S]*?Over 400 lines: [\s\S]*?\*\//.test(texts.get(f)!.slice(0, 3000)));
    expect(long).toEqual([]);
  });
});
