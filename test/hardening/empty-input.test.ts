/**
 * Issue 12, case 7: an input with no rule files is an error for `check` and
 * `build` (MTC9005), and never wipes the outputs. Through the bundled CLI.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mtc-empty-'));
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'virt.mtc'), 'machine virt-10.2;\nmachine virt-10.1 {\n  hide KVM_REG_ARM_VENDOR_HYP_BMAP_2 since 6.15 { reason "r"; }\n}\n');
  mkdirSync(join(dir, 'emptydir'));
  mkdirSync(join(dir, 'notes'));
  writeFileSync(join(dir, 'notes', 'README.md'), 'no rules here\n');
  return dir;
}

const snapshot = (dir: string) => new Map(readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((p) => [p, (() => { try { return readFileSync(join(dir, p), 'utf8'); } catch { return '<dir>'; } })()]));

describe('case 7: no rule files', () => {
  it('`mtc build emptydir --out out` fails with MTC9005 and leaves every output in place', () => {
    const dir = project();
    expect(runBin(['build', 'rules', '--out', 'out'], dir).code).toBe(0);
    const before = snapshot(join(dir, 'out'));
    expect(before.size).toBeGreaterThan(4);
    for (const input of ['emptydir', 'notes']) {
      const r = runBin(['build', input, '--out', 'out'], dir);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`error[MTC9005]: no rule files (*.mtc) in \`${input}\``);
      expect(r.stderr).toContain('= help: give the directory that holds the rule files');
      expect(r.stderr).not.toContain('removed');
      expect(snapshot(join(dir, 'out'))).toEqual(before);
    }
  });

  it('`mtc check emptydir` fails with MTC9005 instead of checking nothing', () => {
    const dir = project();
    for (const format of ['human', 'json']) {
      const r = runBin(['check', 'emptydir', '--format', format], dir);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toContain('MTC9005');
    }
    // The check can pass: the same command on the rules directory.
    expect(runBin(['check', 'rules'], dir).code).toBe(0);
  });
});
