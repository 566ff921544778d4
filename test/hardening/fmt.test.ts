/**
 * Issue 12, case 8: `mtc fmt` on a hostile tree. Through the bundled CLI.
 * - a file that is not UTF-8 is refused (as `check` refuses it), byte for byte untouched;
 * - a symlinked rule file is formatted through (the symlink stays), never one pointing out of the root;
 * - `.prettierrc.cjs` and other JavaScript configs are never executed, nor plugins named in a static one;
 * - file names with escape sequences reach the terminal escaped.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';

const MESSY = 'machine virt-10.1 {\n      hide   TCR2_EL1 { reason "r"; }\n}\n';
const TIDY = 'machine virt-10.1 {\n  hide TCR2_EL1 {\n    reason "r";\n  }\n}\n';

function tree(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mtc-fmt-hostile-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return dir;
}

describe('case 8: mtc fmt', () => {
  it('refuses a file that is not UTF-8 (MTC0011 at the first bad byte), leaving its bytes as they were', () => {
    const latin1 = Buffer.concat([Buffer.from('// caf'), Buffer.from([0xe9]), Buffer.from('\n' + MESSY)]);
    const dir = tree({ 'rules/latin1.mtc': latin1, 'rules/ok.mtc': MESSY });
    for (const args of [['fmt', '--check', 'rules'], ['fmt', 'rules']]) {
      const r = runBin(args, dir);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/error\[MTC0011\]: file is not valid UTF-8 \(first bad byte at byte offset \d+\)\n --> rules\/latin1\.mtc:1:/);
      expect(r.stderr).toContain('error[MTC6003]: file is not valid UTF-8; it is left untouched');
      expect(readFileSync(join(dir, 'rules/latin1.mtc')).equals(latin1)).toBe(true);
    }
    // The good file next to it was formatted (the check can pass).
    expect(readFileSync(join(dir, 'rules/ok.mtc'), 'utf8')).toBe(TIDY);
    expect(runBin(['check', 'rules'], dir).stderr).toContain('MTC0011');
  });

  it('formats a symlinked rule file through its target: the symlink stays a symlink', () => {
    const dir = tree({ 'shared/real.mtc': MESSY, 'rules/own.mtc': TIDY });
    symlinkSync('../shared/real.mtc', join(dir, 'rules/link.mtc'));
    const r = runBin(['fmt', 'rules'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('rules/link.mtc\n');
    expect(lstatSync(join(dir, 'rules/link.mtc')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'rules/link.mtc'))).toBe('../shared/real.mtc');
    expect(readFileSync(join(dir, 'shared/real.mtc'), 'utf8')).toBe(TIDY);
    // Named on the command line: the same.
    writeFileSync(join(dir, 'shared/real.mtc'), MESSY);
    expect(runBin(['fmt', 'rules/link.mtc'], dir).code).toBe(0);
    expect(lstatSync(join(dir, 'rules/link.mtc')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'shared/real.mtc'), 'utf8')).toBe(TIDY);
  });

  it('never writes through a symlink out of the project root', () => {
    const outside = tree({ 'victim.mtc': MESSY });
    const dir = tree({ 'rules/own.mtc': MESSY });
    symlinkSync(join(outside, 'victim.mtc'), join(dir, 'rules/evil.mtc'));
    for (const args of [['fmt', 'rules'], ['fmt', 'rules/evil.mtc']]) {
      const r = runBin(args, dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('error[MTC6002]: `rules/evil.mtc` is a symlink to a file outside the project root');
      expect(readFileSync(join(outside, 'victim.mtc'), 'utf8')).toBe(MESSY);
      expect(lstatSync(join(dir, 'rules/evil.mtc')).isSymbolicLink()).toBe(true);
    }
  });

  it('never executes .prettierrc.cjs, prettier.config.js or a plugin named in a static config', () => {
    const marker = (name: string) => `require('node:fs').writeFileSync(${JSON.stringify(join(tmpdir(), `mtc-pwned-${process.pid}-`))} + ${JSON.stringify(name)}, 'ran');\nmodule.exports = { printWidth: 20 };\n`;
    const pwned = (name: string) => existsSync(join(tmpdir(), `mtc-pwned-${process.pid}-${name}`));
    for (const [file, content] of [
      ['.prettierrc.cjs', marker('rc-cjs')],
      ['prettier.config.js', marker('config-js')],
    ] as const) {
      const dir = tree({ [file]: content, 'rules/a.mtc': MESSY, 'package.json': '{ "type": "commonjs" }\n' });
      const r = runBin(['fmt', 'rules'], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`warning[MTC6005]: ${file} is a Prettier config written in JavaScript or TypeScript; mtc fmt does not run it`);
      expect(readFileSync(join(dir, 'rules/a.mtc'), 'utf8')).toBe(TIDY); // the default layout, not printWidth 20
    }
    expect(pwned('rc-cjs') || pwned('config-js')).toBe(false);
    // A static config: its layout options are used, its plugins never loaded.
    const dir = tree({ '.prettierrc': JSON.stringify({ printWidth: 12, plugins: ['./evil.cjs'] }), 'evil.cjs': marker('plugin'), 'rules/a.mtc': 'machine m {\n  hide AAAA, BBBB;\n}\n' });
    const r = runBin(['fmt', 'rules'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'rules/a.mtc'), 'utf8')).toBe('machine m {\n  hide\n    AAAA,\n    BBBB;\n}\n');
    expect(pwned('plugin')).toBe(false);
  });

  it('file names with escape sequences are shown escaped, in the list and in diagnostics', () => {
    const evil = 'a\u001b[2J\u001b]0;owned\u0007b.mtc';
    const dir = tree({ [`rules/${evil}`]: MESSY, [`rules/bad${evil}`]: 'machine {\n' });
    for (const args of [['fmt', '--check', 'rules'], ['fmt', 'rules']]) {
      const r = runBin(args, dir);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toMatch(/[\u001b\u0007]/);
      expect(r.stdout).toContain('rules/a<U+001B>[2J<U+001B>]0;owned<U+0007>b.mtc');
    }
  });
});
