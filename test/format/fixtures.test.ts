import { describe, expect, test } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt } from './helpers.js';

/**
 * Layout decisions, one fixture pair each: fixtures/<name>.in.mtc formats to
 * fixtures/<name>.out.mtc, and the .out file is already formatted.
 */
const dir = join(import.meta.dirname, 'fixtures');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.in.mtc'))
  .map((f) => f.slice(0, -'.in.mtc'.length))
  .sort();

describe('fixture pairs', () => {
  test('there are fixture pairs, each with its .out file', () => {
    expect(names.length).toBeGreaterThanOrEqual(8);
    for (const n of names) expect(existsSync(join(dir, `${n}.out.mtc`)), n).toBe(true);
  });

  test.each(names)('%s', async (name) => {
    const input = readFileSync(join(dir, `${name}.in.mtc`), 'utf8');
    const expected = readFileSync(join(dir, `${name}.out.mtc`), 'utf8');
    expect(await fmt(input)).toBe(expected);
    expect(await fmt(expected)).toBe(expected);
  });
});

describe('layout details', () => {
  test('CRLF input gives LF output with the same layout', async () => {
    const input = readFileSync(join(dir, 'comments.in.mtc'), 'utf8');
    const expected = readFileSync(join(dir, 'comments.out.mtc'), 'utf8');
    expect(await fmt(input.replace(/\n/g, '\r\n'))).toBe(expected);
  });

  test('a file of comments only keeps them, blank lines included', async () => {
    expect(await fmt('// one\n\n\n// two\n// three   \n')).toBe('// one\n\n// two\n// three\n');
  });

  test('an empty file stays empty', async () => {
    expect(await fmt('')).toBe('');
    expect(await fmt('\n\n')).toBe('');
  });

  test('printWidth from the options decides when a list wraps', async () => {
    const text = 'machine m {\n  hide AAAA, BBBB;\n}\n';
    expect(await fmt(text)).toBe(text);
    expect(await fmt(text, { printWidth: 12 })).toBe('machine m {\n  hide\n    AAAA,\n    BBBB;\n}\n');
  });
});
