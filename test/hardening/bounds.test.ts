/**
 * Bounds on untrusted input: size, token count, include cycles and depth,
 * deep nesting, and the project root (`..`, absolute paths, symlinks to files
 * and directories, also met while walking a directory given on the command
 * line). Each case must end in a clear diagnostic (asserted by code), never a
 * crash. Work is bounded by a file system that throws past a call budget, so
 * a blow-up fails fast instead of hanging CI.
 */
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { nodeFileSystem } from '../../src/resolve/load.js';
import { memoryFileSystem } from '../../src/resolve/memory-fs.js';
import { defaultLimits, type Limits } from '../../src/util/limits.js';
import { BudgetExceeded, ROOT, budgetFs, catalog, compileChecked, errorsOf, parseChecked } from './support.js';

const codes = (ds: readonly { code: string }[]) => [...new Set(ds.map((d) => d.code))].sort();
const limits = (l: Partial<Limits>): Limits => ({ ...defaultLimits, ...l });

/** A real directory tree (symlinks need the disk): outer/{secret.mtc, secretdir/} and outer/root/... */
function diskTree(files: Record<string, string>): { outer: string; root: string } {
  const outer = realpathSync(mkdtempSync(join(tmpdir(), 'mtc-hardening-')));
  const root = join(outer, 'root');
  mkdirSync(root);
  writeFileSync(join(outer, 'secret.mtc'), 'machine secret-1.0;\n');
  mkdirSync(join(outer, 'secretdir'));
  writeFileSync(join(outer, 'secretdir', 'leak.mtc'), 'machine leak-1.0;\n');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return { outer, root };
}

function compileDisk(root: string, paths: string[], budget = 20_000) {
  const fs = budgetFs(nodeFileSystem, budget);
  const r = compile(paths, { catalog, root, fs });
  return { r, machines: r.model?.machines.map((m) => m.name).sort() ?? [], calls: fs.calls() };
}

describe('size and token limits', () => {
  it('MTC0009: a file over limits.maxFileBytes, through compile (not read) and through the parser', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `machine a${i}-1.0;\n`).join('');
    const r = compileChecked({ 'a.mtc': text }, { limits: limits({ maxFileBytes: 4096 }) });
    expect(codes(r.diagnostics)).toEqual(['MTC0009']);
    expect(r.diagnostics[0]!.message).toContain('4096');
    expect(codes(parseChecked(text, 'f.mtc', limits({ maxFileBytes: 4096 })).diagnostics)).toEqual(['MTC0009']);
    // Just under the limit is fine.
    expect(errorsOf(compileChecked({ 'a.mtc': text }, { limits: limits({ maxFileBytes: text.length }) }).diagnostics)).toEqual([]);
  });

  it('MTC0010: more tokens than limits.maxTokens', () => {
    const text = 'machine a-1.0 { hide ' + 'TCR2_EL1, '.repeat(20_000) + 'TCR2_EL1; }';
    const r = compileChecked({ 'a.mtc': text }, { limits: limits({ maxTokens: 10_000 }) });
    expect(codes(r.diagnostics)).toEqual(['MTC0010']);
    expect(r.diagnostics[0]!.message).toMatch(/more than the limit of 10000/);
  });

  it('MTC9003: more files than limits.maxFiles', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`f${i}.mtc`] = `machine m${i}-1.0;`;
    const r = compileChecked(files, { paths: ['.'], limits: limits({ maxFiles: 5 }) });
    expect(codes(r.diagnostics)).toContain('MTC9003');
  });
});

describe('deep nesting', () => {
  it('200,000 `{` give syntax errors, not a stack overflow', () => {
    const text = 'machine m-1.0 ' + '{'.repeat(200_000);
    const r = compileChecked({ 'a.mtc': text });
    expect(codes(errorsOf(r.diagnostics))).toContain('MTC0005');
    const closed = compileChecked({ 'a.mtc': text + '}'.repeat(200_000) });
    expect(codes(errorsOf(closed.diagnostics)).length).toBeGreaterThan(0);
  });

  it('100,000 `sysreg(` give syntax errors, not a stack overflow', () => {
    const text = 'machine m-1.0 { hide ' + 'sysreg('.repeat(100_000) + '; }';
    const r = compileChecked({ 'a.mtc': text });
    expect(codes(errorsOf(r.diagnostics))).toEqual(expect.arrayContaining([expect.stringMatching(/^MTC000[456]$/)]));
    const closed = compileChecked({ 'a.mtc': 'machine m-1.0 { hide ' + 'sysreg('.repeat(100_000) + ')'.repeat(100_000) + '; }' });
    expect(errorsOf(closed.diagnostics).length).toBeGreaterThan(0);
  });
});

describe('includes: cycles and depth', () => {
  it('MTC1017: a cycle of three files, and a file that includes itself', () => {
    const r = compileChecked({ 'a.mtc': 'include "b.mtc";', 'b.mtc': 'include "c.mtc";', 'c.mtc': 'include "a.mtc";\nmachine c-1.0;' }, { paths: ['a.mtc'] });
    expect(codes(r.diagnostics)).toEqual(['MTC1017']);
    const self = compileChecked({ 'a.mtc': 'include "a.mtc";\nmachine a-1.0;' });
    expect(codes(self.diagnostics)).toEqual(['MTC1017']);
  });

  it('MTC1018: an include chain deeper than limits.maxIncludeDepth', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`f${i}.mtc`] = `include "f${i + 1}.mtc";\nmachine m${i}-1.0;`;
    files['f50.mtc'] = 'machine m50-1.0;';
    const r = compileChecked(files, { paths: ['f0.mtc'], limits: limits({ maxIncludeDepth: 8 }) });
    expect(codes(r.diagnostics)).toEqual(['MTC1018']);
    expect(r.project.files.length).toBe(8);
    // The default limit holds too.
    expect(codes(compileChecked(files, { paths: ['f0.mtc'] }).diagnostics)).toEqual(['MTC1018']);
  });

  // Regression: the include walk once re-expanded every file included a
  // second time, so the work doubled per level (f_i includes f_{i+1} twice:
  // ~2^n realpath calls). It is now a depth-first walk that expands each file once.
  it('a chain of files each including the next one twice loads in polynomial work', () => {
    const n = 24;
    const files: Record<string, string> = {};
    for (let i = 0; i < n; i++) files[`f${i}.mtc`] = `include "f${i + 1}.mtc";\ninclude "./f${i + 1}.mtc";\nmachine m${i}-1.0;`;
    files[`f${n}.mtc`] = `machine m${n}-1.0;`;
    const fs = budgetFs(memoryFileSystem(ROOT, files), 50_000);
    let thrown: unknown;
    try {
      const r = compile(['f0.mtc'], { catalog, root: ROOT, fs });
      expect(r.project.files.length).toBe(n + 1);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).not.toBeInstanceOf(BudgetExceeded);
    expect(fs.calls()).toBeLessThan(50_000);
  });

  it('a wide but shallow include graph stays cheap (the budget test can pass)', () => {
    const files: Record<string, string> = { 'top.mtc': '' };
    for (let i = 0; i < 200; i++) {
      files['top.mtc'] += `include "f${i}.mtc";\n`;
      files[`f${i}.mtc`] = `machine m${i}-1.0;`;
    }
    const fs = budgetFs(memoryFileSystem(ROOT, files), 50_000);
    const r = compile(['top.mtc'], { catalog, root: ROOT, fs });
    expect(errorsOf(r.diagnostics)).toEqual([]);
    expect(r.project.files.length).toBe(201);
  });
});

describe('includes never leave the project root', () => {
  it('MTC1016: `..`, `../..` and absolute include paths', () => {
    const { outer, root } = diskTree({ 'sub/x.mtc': 'machine x-1.0;' });
    writeFileSync(
      join(root, 'a.mtc'),
      [
        'include "../secret.mtc";',
        'include "sub/../../secret.mtc";',
        'include "../../../../../../../etc/hostname";',
        `include "${join(outer, 'secret.mtc')}";`,
        `include "${join(outer, 'secretdir', 'leak.mtc')}";`,
        'include "/etc/passwd";',
        'machine a-1.0;',
      ].join('\n'),
    );
    const { r, machines } = compileDisk(root, ['a.mtc']);
    expect(r.diagnostics.filter((d) => d.code === 'MTC1016')).toHaveLength(6);
    expect(codes(errorsOf(r.diagnostics))).toEqual(['MTC1016']);
    expect(machines).toEqual(['a-1.0']);
  });

  it('MTC1016: an include through a symlink to a file outside, and through a symlinked directory', () => {
    const { outer, root } = diskTree({ 'a.mtc': 'include "file-link.mtc";\ninclude "dir-link/leak.mtc";\ninclude "nested/deeper/leak.mtc";\nmachine a-1.0;' });
    symlinkSync(join(outer, 'secret.mtc'), join(root, 'file-link.mtc'));
    symlinkSync(join(outer, 'secretdir'), join(root, 'dir-link'));
    mkdirSync(join(root, 'nested'));
    symlinkSync('../../secretdir', join(root, 'nested', 'deeper')); // relative link
    const { r, machines } = compileDisk(root, ['a.mtc']);
    const leaks = r.diagnostics.filter((d) => d.code === 'MTC1016');
    expect(leaks).toHaveLength(3);
    for (const d of leaks) expect(d.label).toBe('a symlink that points outside the root');
    expect(machines).toEqual(['a-1.0']);
  });

  it('command-line paths: absolute, `..`, and symlinks outside are refused; directory walks skip links that leave the root', () => {
    const { outer, root } = diskTree({ 'rules/a.mtc': 'machine a-1.0;' });
    symlinkSync(join(outer, 'secretdir'), join(root, 'rules', 'dir-link'));
    symlinkSync(join(outer, 'secret.mtc'), join(root, 'rules', 'file-link.mtc'));
    symlinkSync(outer, join(root, 'rules', 'up')); // a link to the parent of the root
    // Walking rules/ reads only what is inside the root.
    const walked = compileDisk(root, ['rules']);
    expect(walked.machines).toEqual(['a-1.0']);
    expect(walked.r.project.files.map((f) => f.path)).toEqual(['rules/a.mtc']);
    // Naming the outside directly is an error, whatever the spelling.
    for (const p of [join(outer, 'secret.mtc'), join(outer, 'secretdir'), '../secret.mtc', '..', 'rules/dir-link', 'rules/file-link.mtc', 'rules/up/secretdir', '/']) {
      const { r, machines } = compileDisk(root, [p]);
      expect(codes(r.diagnostics), p).toEqual(['MTC1016']);
      expect(machines, p).toEqual([]);
    }
  });

  it('a link to a directory inside the root is followed once, and the file read once', () => {
    const { root } = diskTree({ 'rules/real/a.mtc': 'machine a-1.0;' });
    symlinkSync(join(root, 'rules', 'real'), join(root, 'rules', 'alias'));
    const { r, machines } = compileDisk(root, ['rules']);
    expect(errorsOf(r.diagnostics)).toEqual([]);
    expect(machines).toEqual(['a-1.0']);
  });

  // Regression: the directory walk followed symlinks back up until a depth
  // cap of 64; two such links per directory made it 2^64 steps (a pull request
  // can add rules/x -> . and rules/y -> .; git stores symlinks). Each real
  // directory is now walked once.
  it('directory symlink loops inside the root end quickly (rules/x -> ., rules/y -> .)', () => {
    const { root } = diskTree({ 'rules/a.mtc': 'machine a-1.0;' });
    symlinkSync('.', join(root, 'rules', 'x'));
    symlinkSync('.', join(root, 'rules', 'y'));
    let thrown: unknown;
    let machines: string[] = [];
    try {
      machines = compileDisk(root, ['rules'], 20_000).machines;
    } catch (e) {
      thrown = e;
    }
    expect(thrown).not.toBeInstanceOf(BudgetExceeded);
    expect(machines).toEqual(['a-1.0']);
  });

  // Regression: the root check once tested `rel.startsWith('..')`, refusing
  // files inside the root whose names start with two dots (`..shared/x.mtc`).
  it('a file inside the root whose name starts with `..` is not "outside the root"', () => {
    const r = compileChecked({ 'a.mtc': 'include "..shared/common.mtc";\nmachine a-1.0;', '..shared/common.mtc': 'machine common-1.0;' }, { paths: ['a.mtc'] });
    expect(codes(r.diagnostics)).toEqual([]);
    expect(r.model!.machines.map((m) => m.name).sort()).toEqual(['a-1.0', 'common-1.0']);
  });
});
