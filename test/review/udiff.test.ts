import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { diffLines, splitLines, unifiedDiff } from '../../src/util/udiff.js';

/** Applies a unified diff to `before` (strict: context must match). */
function applyPatch(before: string, patch: string): string {
  if (patch === '') return before;
  const a = splitLines(before);
  const out: string[] = [];
  let ai = 0;
  const lines = patch.replace(/\n$/, '').split('\n').slice(2);
  let noEol = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$/.exec(l);
    if (m) {
      const start = Number(m[2] ?? '1') === 0 ? Number(m[1]) : Number(m[1]) - 1;
      while (ai < start) out.push(a[ai++]);
      continue;
    }
    if (l === '\\ No newline at end of file') {
      if (lines[i - 1][0] !== '-') noEol = true;
      continue;
    }
    const body = l.slice(1);
    if (l[0] === ' ' || l[0] === '-') {
      if (a[ai] !== body) throw new Error(`context mismatch at ${ai}: ${a[ai]} vs ${body}`);
      ai++;
      if (l[0] === ' ') out.push(body);
    } else if (l[0] === '+') out.push(body);
    if (l[0] !== '-') noEol = false;
  }
  // Lines after the last hunk are the old file's, and so is its last line ending
  // (a diff says `\ No newline at end of file` only where a hunk reaches the end).
  if (ai < a.length) noEol = !before.endsWith('\n');
  while (ai < a.length) out.push(a[ai++]);
  return out.length === 0 ? '' : out.join('\n') + (noEol ? '' : '\n');
}

const text = fc.array(fc.constantFrom('a', 'b', 'c', 'd', ''), { maxLength: 30 }).chain((ls) => fc.boolean().map((eol) => (ls.length ? ls.join('\n') + (eol ? '\n' : '') : '')));

describe('unified diff', () => {
  test('applying the diff to the old text gives the new text', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(applyPatch(a, unifiedDiff(a, b, { fromLabel: 'a', toLabel: 'b' }))).toBe(b);
      }),
      // The example: an unchanged last line without a newline, outside the hunk's context (fast-check
      // found it; the test's own patch applier added a newline there, the diff was right).
      { numRuns: 500, examples: [['b\na\na\nb\nb', 'a\na\nb\nb']] },
    );
  });

  test('the edit script is minimal (its kept lines form a longest common subsequence)', () => {
    const lcs = (a: string[], b: string[]) => {
      const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
      for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) t[i][j] = a[i] === b[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
      return t[0][0];
    };
    fc.assert(
      fc.property(fc.array(fc.constantFrom('x', 'y', 'z'), { maxLength: 25 }), fc.array(fc.constantFrom('x', 'y', 'z'), { maxLength: 25 }), (a, b) => {
        expect(diffLines(a, b).filter((o) => o.op === ' ').length).toBe(lcs(a, b));
      }),
      { numRuns: 300 },
    );
  });

  test('equal texts give nothing; hunk headers as diff -u writes them', () => {
    expect(unifiedDiff('x\n', 'x\n', { fromLabel: 'a', toLabel: 'b' })).toBe('');
    expect(unifiedDiff('', 'a\nb\n', { fromLabel: '/dev/null', toLabel: 'b/f' })).toBe('--- /dev/null\n+++ b/f\n@@ -0,0 +1,2 @@\n+a\n+b\n');
    expect(unifiedDiff('a\n', 'a', { fromLabel: 'a', toLabel: 'b' })).toBe('--- a\n+++ b\n@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n');
  });

  test('agrees with GNU diff -u on a C-like file', () => {
    const a = Array.from({ length: 60 }, (_, i) => `line ${i};`).join('\n') + '\n';
    const b = a.replace('line 5;\n', '').replace('line 30;', 'line 30 changed;').replace('line 58;\n', 'line 58;\nnew line;\n');
    const dir = mkdtempSync(join(tmpdir(), 'mtc-udiff-'));
    writeFileSync(join(dir, 'a'), a);
    writeFileSync(join(dir, 'b'), b);
    let gnu: string;
    try {
      gnu = execFileSync('diff', ['-u', 'a', 'b'], { cwd: dir, encoding: 'utf8' });
    } catch (e) {
      gnu = (e as { stdout: string }).stdout;
    }
    const strip = (s: string) => s.split('\n').slice(2).join('\n');
    expect(strip(unifiedDiff(a, b, { fromLabel: 'a', toLabel: 'b' }))).toBe(strip(gnu));
  });
});
