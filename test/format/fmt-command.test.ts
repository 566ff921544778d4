import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runFmt, type FmtIo } from '../../src/cli/commands/fmt.js';
import { main } from '../../src/cli/main.js';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(import.meta.dirname, 'fixtures');

function captureIo(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: FmtIo = { cwd, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), color: false };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('mtc fmt --check rules/', () => {
  test('the shipped rules are formatted (implementation)', async () => {
    const c = captureIo(root);
    const code = await runFmt(['rules/'], { check: true }, c.io);
    expect(c.out() + c.err()).toBe('');
    expect(code).toBe(0);
  });

  test('the shipped rules are formatted (through the CLI entry point)', async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      expect(await main(['fmt', '--check', 'rules/'])).toBe(0);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('mtc fmt on a scratch directory', () => {
  let dir: string;
  const messy = readFileSync(join(fixtures, 'comments.in.mtc'), 'utf8');
  const tidy = readFileSync(join(fixtures, 'comments.out.mtc'), 'utf8');
  const broken = 'machine virt-10.1 {\n  hide TCR2_EL1 since 6.15\n  hide @ PIR_EL1;\n';

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mtc-fmt-'));
    mkdirSync(join(dir, 'rules', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'rules', 'a.mtc'), messy);
    writeFileSync(join(dir, 'rules', 'sub', 'b.mtc'), tidy);
    writeFileSync(join(dir, 'rules', 'notes.txt'), 'not a rule file  ');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('--check lists unformatted files, exits 1 and changes nothing', async () => {
    const c = captureIo(dir);
    expect(await runFmt([], { check: true }, c.io)).toBe(1);
    expect(c.out()).toBe('rules/a.mtc\n');
    expect(c.err()).toContain('error[MTC6001]: 1 file is not formatted');
    expect(readFileSync(join(dir, 'rules', 'a.mtc'), 'utf8')).toBe(messy);
  });

  test('without --check rewrites in place, leaving no temporary file; then --check passes', async () => {
    const c = captureIo(dir);
    expect(await runFmt(['rules'], {}, c.io)).toBe(0);
    expect(c.out()).toBe('rules/a.mtc\n');
    expect(readFileSync(join(dir, 'rules', 'a.mtc'), 'utf8')).toBe(tidy);
    expect(readFileSync(join(dir, 'rules', 'sub', 'b.mtc'), 'utf8')).toBe(tidy);
    expect(readdirSync(join(dir, 'rules')).sort()).toEqual(['a.mtc', 'notes.txt', 'sub']);
    const again = captureIo(dir);
    expect(await runFmt(['rules'], { check: true }, again.io)).toBe(0);
  });

  test('a file with syntax errors is left untouched and its diagnostics are printed', async () => {
    writeFileSync(join(dir, 'rules', 'bad.mtc'), broken);
    for (const check of [true, false]) {
      const c = captureIo(dir);
      expect(await runFmt(['rules/bad.mtc'], { check }, c.io)).toBe(1);
      expect(readFileSync(join(dir, 'rules', 'bad.mtc'), 'utf8')).toBe(broken);
      expect(c.err()).toContain('error[MTC0001]');
      expect(c.err()).toContain('--> rules/bad.mtc:3:8');
      expect(c.err()).toContain('error[MTC6003]');
      expect(c.out()).toBe('');
    }
  });

  test('other files are still formatted when one has errors', async () => {
    writeFileSync(join(dir, 'rules', 'bad.mtc'), broken);
    const c = captureIo(dir);
    expect(await runFmt(['rules'], {}, c.io)).toBe(1);
    expect(readFileSync(join(dir, 'rules', 'a.mtc'), 'utf8')).toBe(tidy);
    expect(readFileSync(join(dir, 'rules', 'bad.mtc'), 'utf8')).toBe(broken);
  });

  test('a path that does not exist is a usage error (exit 2)', async () => {
    const c = captureIo(dir);
    expect(await runFmt(['nowhere/'], { check: true }, c.io)).toBe(2);
    expect(c.err()).toContain('error[MTC6002]');
  });

  test('an unknown option is a usage error (exit 2)', async () => {
    expect(await main(['fmt', '--chek', join(dir, 'rules')])).toBe(2);
  });
});
