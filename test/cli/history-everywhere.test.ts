/**
 * `--history` and `--catalog` reach every command that reads the kernel
 * history or the register catalog: `check` (its own test in check.test.ts),
 * `build` (the same checks), `simulate` (the host profiles' register lists and
 * the names in its messages), `diff` (both trees' checks and the matrix) and
 * `explain` (the explanations). Through the built CLI.
 */
import { describe, expect, it } from 'vitest';
import { tempProject } from '../helpers.js';
import { runBin } from '../support/cli.js';

const mtc = runBin;

/** 6.12 already hides TCR2_EL1, PIRE0_EL1 and PIR_EL1 (as if the 6.13 change had been backported). */
const HIDDEN_IN_612 = [
  'format: 1',
  'releases: []',
  'changes:',
  '  - { register: TCR2_EL1, since: "6.12", when: FEAT_TCR2, commit: 0fcb4eea5345 }',
  '  - { register: PIRE0_EL1, since: "6.12", when: FEAT_S1PIE, commit: a68cddbe47ef }',
  '  - { register: PIR_EL1, since: "6.12", when: FEAT_S1PIE, commit: a68cddbe47ef }',
  '',
].join('\n');

/** A register of the user's own catalog, listed from 6.13 on. */
const MY_CATALOG = ['format: 1', 'registers:', '  - name: MY_IMPDEF_EL1', '    id: "0x603000000013c580"', '    class: sysreg', '    description: an implementation-defined register of a test', ''].join('\n');
const MY_HISTORY = ['format: 1', 'releases: []', 'changes:', '  - { register: MY_IMPDEF_EL1, since: "6.13", when: always, commit: 0123456789ab }', ''].join('\n');

describe('build --history and --catalog', () => {
  const rules = 'machine virt-10.1 {\n  tolerate VBAR_EL1 kernel ..6.18 { reason "r"; }\n}\n';
  const vbarNever = 'format: 1\nreleases: ["7.0"]\nchanges:\n  - register: VBAR_EL1\n    since: "7.0"\n    when: never\n    commit: 0123456789ab\n';
  it('the checks build runs follow the history, as check --history does', () => {
    const root = tempProject({ 'rules/a.mtc': rules, 'history.yaml': vbarNever });
    const plain = mtc(['build'], root);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain('warning[MTC2004]: tolerating `VBAR_EL1` in `virt-10.1` has no effect');
    const withHistory = mtc(['build', '--history', 'history.yaml'], root);
    expect(withHistory.code).toBe(0);
    expect(withHistory.stderr).not.toContain('MTC2004');
    const bad = mtc(['build', '--history', 'missing.yaml'], root);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error[MTC2102]');
  });
  it('a history naming a register of the user\'s catalog needs that catalog (MTC2110 without it)', () => {
    const root = tempProject({ 'rules/a.mtc': 'machine virt-10.1 {\n  hide MY_IMPDEF_EL1 since 6.13 { reason "r"; }\n}\n', 'my.yaml': MY_CATALOG, 'history.yaml': MY_HISTORY });
    const both = mtc(['build', '--catalog', 'my.yaml', '--history', 'history.yaml'], root);
    expect(both.stderr).not.toContain('error[');
    expect(both.code).toBe(0);
    const noCatalog = mtc(['build', '--history', 'history.yaml'], root);
    expect(noCatalog.code).toBe(1);
    expect(noCatalog.stderr).toContain('unknown register `MY_IMPDEF_EL1` in the kernel history');
  });
});

describe('simulate --history and --catalog', () => {
  const project = () => tempProject({ 'rules/virt.mtc': 'target x-mig;\n\nmachine virt-11.0;\n', 'history.yaml': HIDDEN_IN_612, 'my.yaml': MY_CATALOG, 'mine.yaml': MY_HISTORY });
  it('the host profiles\' register lists follow the history', () => {
    const root = project();
    expect(mtc(['build'], root).code).toBe(0);
    // The x-mig series: no tolerance of its own, so 6.12 → 6.13 fails unless 6.12 hides the registers too.
    const args = ['simulate', '--qemu', 'x-mig-series', '--hosts', 'n1-6.12', 'n1-6.13', '--machine', 'virt-11.0', '--format', 'json'];
    const cell = (out: string) => (JSON.parse(out) as { machineTypes: { cells: { source: string; destination: string; outcome: string }[] }[] }).machineTypes[0]!.cells.find((c) => c.source === 'n1-6.12' && c.destination === 'n1-6.13')!.outcome;
    const hosts = (out: string) => (JSON.parse(out) as { hosts: { name: string; registers: number }[] }).hosts.map((h) => h.registers);
    const plain = mtc(args, root);
    expect(cell(plain.stdout)).toBe('fail');
    const withHistory = mtc([...args, '--history', 'history.yaml'], root);
    expect(cell(withHistory.stdout)).toBe('ok');
    expect(hosts(withHistory.stdout)).toEqual([hosts(plain.stdout)[0]! - 3, hosts(plain.stdout)[1]]);
  });
  it('a register of the user\'s catalog, listed by the user\'s history, is named in the simulator\'s messages', () => {
    const root = project();
    expect(mtc(['build'], root).code).toBe(0);
    const args = ['simulate', '--hosts', 'n1-6.13', 'n1-6.12', '--machine', 'virt-11.0', '--format', 'json'];
    expect(mtc(args, root).stdout).not.toContain('MY_IMPDEF_EL1');
    const r = mtc([...args, '--catalog', 'my.yaml', '--history', 'mine.yaml'], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('MY_IMPDEF_EL1 (0x603000000013c580)');
  });
  it('an unreadable history is a usage error (exit 2) with its code', () => {
    const root = project();
    expect(mtc(['build'], root).code).toBe(0);
    const r = mtc(['simulate', '--history', 'missing.yaml'], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[MTC2102]');
  });
});

describe('diff --history', () => {
  it('the matrix of both trees follows the history: a rule fixes fewer pairs when 6.12 already hides the registers', () => {
    const root = tempProject({
      'base/rules/virt.mtc': 'target x-mig;\n\nmachine virt-11.0;\n',
      'head/rules/virt.mtc': 'target x-mig;\n\nmachine virt-11.0 {\n  tolerate TCR2_EL1, PIRE0_EL1, PIR_EL1 kernel 6.5..6.12 { reason "r"; }\n}\n',
      'history.yaml': HIDDEN_IN_612,
    });
    const fixes = (out: string) => (JSON.parse(out) as { findings: { rule: string; fixes: string[] }[] }).findings.flatMap((f) => f.fixes);
    const plain = mtc(['diff', '--base-dir', 'base', '--head-dir', 'head', '--qemu', 'x-mig-series', '--format', 'json'], root);
    const withHistory = mtc(['diff', '--base-dir', 'base', '--head-dir', 'head', '--qemu', 'x-mig-series', '--format', 'json', '--history', 'history.yaml'], root);
    expect(plain.code).toBe(0);
    expect(withHistory.code).toBe(0);
    expect(fixes(plain.stdout).join(' ')).toContain('n1-6.12 → n1-6.13');
    expect(fixes(withHistory.stdout).join(' ')).not.toContain('n1-6.12 → n1-6.13');
    expect(fixes(withHistory.stdout).length).toBeLessThan(fixes(plain.stdout).length);
    const bad = mtc(['diff', '--base-dir', 'base', '--head-dir', 'head', '--history', 'missing.yaml'], root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error[MTC2102]');
  });
});

describe('explain --history and --catalog', () => {
  it('the explanation and the register names follow them', () => {
    const root = tempProject({ 'my.yaml': MY_CATALOG, 'mine.yaml': MY_HISTORY });
    const log = 'qemu-system-aarch64: handle_cpreg_only_in_incoming_stream: system register op0:3 op1:0 crn:11 crm:0 op2:0 in the incoming stream but unknown on the destination: fail migration\n';
    const plain = mtc(['explain'], root, {}, log);
    expect(plain.stdout).toContain('Unexpected: 0x603000000013c580');
    const r = mtc(['explain', '--catalog', 'my.yaml', '--history', 'mine.yaml', '--machine', 'virt-10.1'], root, {}, log);
    expect(r.stdout).toContain('Unexpected: MY_IMPDEF_EL1 0x603000000013c580 (system register op0:3 op1:0 crn:11 crm:0 op2:0), line 1');
    expect(r.stdout).toContain('since Linux 6.13: listed for every guest (commit 0123456789ab)');
    expect(r.stdout).toContain('tolerate MY_IMPDEF_EL1 when value & 0xffffffffffffffff == 0 since 6.13 {');
  });
});
