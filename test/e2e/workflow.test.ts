/**
 * The maintainer's workflow of the problem statement, end to end through the
 * built CLI: a machine type without rules fails to migrate between the seed
 * kernels; `mtc explain` turns the QEMU log of the thread into a rule; with the
 * rule, `check` is clean, `build` writes the C, `simulate` shows the pairs
 * pass, and `diff` tells the reviewer what the change fixes. The rules use
 * the x-mig target, so every step simulates the QEMU that has it: the RFC
 * series (`--qemu x-mig-series`); QEMU 11.1 would pass these pairs by itself.
 */
import { describe, expect, it } from 'vitest';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempProject } from '../helpers.js';
import { runBin } from '../support/cli.js';

const SEED_LOG = join(process.cwd(), 'test', 'fixtures', 'catalog', 'seed-002-migration.log');

const mtc = runBin;

const REQUIRE = 'virt-10.1: n1-6.12,n1-6.13,n1-6.15 both';

describe('from a failing migration to a reviewed rule', () => {
  it('explain → rule → check → build → simulate → diff', () => {
    const before = tempProject({ 'rules/virt.mtc': 'target x-mig;\n\nmachine virt-11.0;\n\nmachine virt-10.1;\n' });

    // Without rules, the seed kernels do not migrate both ways.
    expect(mtc(['build'], before).code).toBe(0);
    const failing = mtc(['simulate', '--qemu', 'x-mig-series', '--require', REQUIRE], before);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('n1-6.12 → n1-6.13 is fail');
    expect(failing.stdout).toContain('n1-6.15 → n1-6.12 is fail');

    // The log of the upstream thread, explained into a rule for virt-10.1.
    const explained = mtc(['explain', SEED_LOG, '--machine', 'virt-10.1'], before);
    expect(explained.code).toBe(0);
    const rule = explained.stdout.slice(explained.stdout.indexOf('machine virt-10.1 {'));
    expect(rule).toContain('tolerate TCR2_EL1, PIRE0_EL1, PIR_EL1 kernel 6.5..6.12');
    expect(rule).toContain('hide KVM_REG_ARM_VENDOR_HYP_BMAP_2 since 6.15');

    const after = tempProject({});
    cpSync(join(before, 'rules'), join(after, 'rules'), { recursive: true });
    const file = join(after, 'rules', 'virt.mtc');
    writeFileSync(file, readFileSync(file, 'utf8').replace('machine virt-10.1;\n', rule.trimEnd() + '\n'));

    const check = mtc(['check'], after);
    expect(check.stderr).toContain('0 errors');
    expect(check.code).toBe(0);

    expect(mtc(['build'], after).code).toBe(0);
    const c = readFileSync(join(after, 'out', 'c', 'virt.c'), 'utf8');
    expect(c).toContain('"x-mig-hidden-regs"');
    expect(c).toContain('"0x603000000013c103," /* TCR2_EL1 */');

    const passing = mtc(['simulate', '--qemu', 'x-mig-series', '--require', REQUIRE], after);
    expect(passing.stderr).toContain('policy: passed');
    expect(passing.code).toBe(0);

    const review = mtc(['diff', '--base-dir', before, '--head-dir', after, '--qemu', 'x-mig-series', '--format', 'json'], after);
    expect(review.code).toBe(0);
    const report = JSON.parse(review.stdout) as { findings: { rule: string; fixes: string[]; breaks: string[] }[] };
    const codes = report.findings.map((f) => f.rule);
    // Each added rule is one finding that lists the pairs it fixes (pairs that failed now pass).
    expect(codes).toEqual(['MTC5021', 'MTC5021']);
    expect(report.findings.flatMap((f) => f.fixes).length).toBeGreaterThan(0);
    expect(report.findings.flatMap((f) => f.breaks)).toEqual([]); // nothing newly fails
  });
});
