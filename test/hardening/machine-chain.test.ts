/**
 * Issue 12, case 12 (the rule-language half): a machine type version QEMU
 * cannot take is diagnosed instead of rounded, and `inherits` across
 * families is a located error in `check`. Through the bundled CLI.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';

function project(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mtc-chain-'));
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'a.mtc'), text);
  return dir;
}

describe('case 12: machine types', () => {
  it('`machine virt-99999999999999999999.1` is MTC1026 at its name, and nothing is built', () => {
    const dir = project('machine virt-10.2;\nmachine virt-99999999999999999999.1;\n');
    const check = runBin(['check', 'rules'], dir);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('error[MTC1026]: `virt-99999999999999999999.1` has the version part 99999999999999999999, larger than 2147483647');
    expect(check.stderr).toContain(' --> rules/a.mtc:2:9');
    const build = runBin(['build', 'rules', '--out', 'out'], dir);
    expect(build.code).toBe(1);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    // The largest part QEMU takes is fine.
    expect(runBin(['check', 'rules'], project('machine virt-2147483647.1;\n')).code).toBe(0);
  });

  it('`inherits` across families is MTC1027 at the inherits clause, pointing at the parent', () => {
    const dir = project('machine pc-q35-2.12;\nmachine virt-10.1 inherits pc-q35-2.12;\n');
    const check = runBin(['check', 'rules'], dir);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('error[MTC1027]: `virt-10.1` (family `virt`) inherits `pc-q35-2.12` of another family (`pc-q35`)');
    expect(check.stderr).toContain(' --> rules/a.mtc:2:28');
    expect(check.stderr).toContain('declared here, in family `pc-q35`');
    expect(runBin(['build', 'rules', '--out', 'out'], dir).code).toBe(1);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    // Within one family, `inherits` is fine.
    expect(runBin(['check', 'rules'], project('machine virt-11.0;\nmachine virt-10.2;\nmachine virt-10.1 inherits virt-11.0;\n')).code).toBe(0);
  });
});
