/**
 * Outputs written and compared in pieces (src/emit/out-stage.ts): the bytes
 * staged are the output's UTF-8 text whatever the pieces, and the comparison
 * with the file on disk is exact: same bytes, a longer or a shorter file, a
 * change after the first batch, a missing file, a directory in the way.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { compareOutput, MAX_DIFF_BYTES, outputText, stageOutput, type Output } from '../../src/emit/out-stage.js';
import { OutDirError } from '../../src/emit/out-dir.js';

/** An output written as the given pieces. */
const out = (path: string, pieces: string[]): Output => ({ path, write: (w) => pieces.forEach((p) => w(p)) });

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'mtc-stage-'));
}

// Pieces that cross the 64K-character batches: ASCII, small pieces of two- and three-byte UTF-8 and
// surrogate pairs (batches encoded in the shared buffer), and pieces too large for that buffer
// (encoded on their own).
const small = Array.from({ length: 300 }, (_, i) => ['é', '→', '😀', 'a'][i % 4].repeat(500));
const big = ['x'.repeat(70_000), ...small, 'é'.repeat(30_000), '→'.repeat(30_000), '😀'.repeat(20_000), 'tail\n', 'ü'.repeat(100_000)];
const bigText = big.join('');

describe('stageOutput and compareOutput', () => {
  test('staged bytes are the UTF-8 text, whatever the pieces; the hash is of those bytes', () => {
    const root = dir();
    mkdirSync(join(root, 'stage'));
    const staged = join(root, 'stage', 'n0');
    const r = stageOutput(root, root, out('a.txt', big), staged);
    expect(r.changed).toBe(true);
    expect(r.exists).toBe(false);
    const bytes = readFileSync(staged);
    expect(bytes.equals(Buffer.from(bigText, 'utf8'))).toBe(true);
    expect(r.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(outputText(out('a.txt', big))).toBe(bigText);
  });

  test('an output equal to the file on disk is not staged', () => {
    const root = dir();
    writeFileSync(join(root, 'a.txt'), bigText);
    const staged = join(root, 'n0');
    const r = stageOutput(root, root, out('a.txt', big), staged);
    expect(r.changed).toBe(false);
    expect(() => readFileSync(staged)).toThrow(/ENOENT/);
    expect(compareOutput(root, root, out('a.txt', big)).state).toBe('same');
  });

  test.each([
    ['longer on disk', bigText + 'x'],
    ['shorter on disk', bigText.slice(0, -1)],
    ['one character changed after the first batch', bigText.slice(0, 100_000) + 'Z' + bigText.slice(100_001)],
    ['empty on disk', ''],
  ])('a file that differs (%s) is changed, and staged', (_what, disk) => {
    const root = dir();
    writeFileSync(join(root, 'a.txt'), disk);
    expect(compareOutput(root, root, out('a.txt', big)).state).toBe('changed');
    const r = stageOutput(root, root, out('a.txt', big), join(root, 'n0'));
    expect(r.changed).toBe(true);
    expect(r.exists).toBe(true);
    expect(r.head).toBe(disk.slice(0, r.head!.length));
  });

  test('an empty output against an empty file, and against none', () => {
    const root = dir();
    writeFileSync(join(root, 'e.txt'), '');
    expect(compareOutput(root, root, out('e.txt', [])).state).toBe('same');
    expect(compareOutput(root, root, out('none.txt', ['x'])).state).toBe('missing');
  });

  test('a diff is offered only when both sides are at most MAX_DIFF_BYTES', () => {
    const root = dir();
    writeFileSync(join(root, 'small.txt'), 'a\n');
    expect(compareOutput(root, root, out('small.txt', ['b\n']))).toEqual({ state: 'changed', small: true });
    writeFileSync(join(root, 'large.txt'), 'a\n');
    const large = 'y'.repeat(MAX_DIFF_BYTES + 1);
    expect(compareOutput(root, root, out('large.txt', [large]))).toEqual({ state: 'changed', small: false });
  });

  test('a directory where the output goes is refused (MTC3023), nothing staged', () => {
    const root = dir();
    mkdirSync(join(root, 'a.txt'));
    expect(() => stageOutput(root, root, out('a.txt', ['x']), join(root, 'n0'))).toThrow(OutDirError);
    expect(() => readFileSync(join(root, 'n0'))).toThrow(/ENOENT/);
  });
});
