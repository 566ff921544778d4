/**
 * `mtc explain` through the built CLI on real QEMU logs
 * (test/fixtures/catalog/logs/, README there): every form a destination
 * prints, the lines mtc prints as QEMU's equal to the log's byte for byte,
 * the inferences on logs that name nothing, and the host profiles.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainCodes } from '../../src/explain/codes.js';
import { tempProject } from '../helpers.js';
import { runBin } from '../support/cli.js';

const LOGS = join('test', 'fixtures', 'catalog', 'logs');
const CAPTURES = join('test', 'fixtures', 'capture');
const log = (name: string) => join(LOGS, name);
const lines = (name: string) => readFileSync(log(name), 'utf8').trimEnd().split('\n');
const capture = (name: string) => join(CAPTURES, `qemu-${name}.profile.yaml`);

describe('the series trace event (issue 13, Done when)', () => {
  it('names DBGDTRTX from exactly this line, and prints it back as the series prints it', () => {
    const line = 'cpu_post_load_unexpected unexpected register in input stream: v=214 index=0x40200000200e0298 (i=214)';
    const r = runBin(['explain'], process.cwd(), {}, line + '\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('QEMU release: x-mig-series (the log\'s lines fit only its templates)');
    expect(r.stdout).toContain('Unexpected: DBGDTRTX 0x40200000200e0298, line 1');
    expect(r.stdout).toContain(`  QEMU x-mig-series prints (with -trace):\n    ${line}\n`);
    expect(r.stdout).toContain('tolerate DBGDTRTX (0x40200000200e0298) {');
  });
  it('reads the same line from a file', () => {
    expect(runBin(['explain', log('series-tcg-trace.log')]).stdout).toContain('Unexpected: DBGDTRTX 0x40200000200e0298, line 1');
  });
});

describe('QEMU 11.1.1 logs', () => {
  it('10.2.2 -> 11.1.1 with -trace: DBGDTRTX tolerated by 11.1 itself, ID_AA64ISAR0_EL1 fails, FPMR missing; every line printed back byte for byte', () => {
    const name = 'qemu-10.2.2-to-11.1.1-max-trace.log';
    const r = runBin(['explain', log(name), '--machine', 'virt-10.2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('QEMU release: 11.1 (the log\'s lines fit only its templates)');
    expect(r.stdout).toContain('Accelerator: TCG');
    expect(r.stdout).toContain('Tolerated: DBGDTRTX 0x40200000200e0298 (system register 0x200e0298), line 2');
    expect(r.stdout).toContain('QEMU 11.1.1 tolerates it by itself for every v7 CPU under any accelerator (target/arm/helper.c:6499');
    expect(r.stdout).toContain('Unexpected: ID_AA64ISAR0_EL1 0x603000000013c030 (system register 0x1013c030), line 3');
    expect(r.stdout).toContain('Missing: FPMR 0x603000000013da22 (system register 0x1013da22), line 4');
    expect(r.stdout).toContain('note: line 1: the source sent 363 registers, the destination has 362');
    // The lines of the registers, as mtc renders them from the 11.1 templates, are the log's.
    for (const l of lines(name).slice(1, 4)) expect(r.stdout).toContain(`\n    ${l}\n`);
    // The suggested rule: target tolerances (11.1's interface), no rule for what QEMU tolerates itself.
    expect(r.stdout).toContain('target tolerances;\n\nmachine virt-10.2 {\n  tolerate ID_AA64ISAR0_EL1 (0x603000000013c030) {');
    expect(r.stdout).toContain('  // DBGDTRTX (0x40200000200e0298): no rule; QEMU tolerates it by itself');
  });

  it('without -trace, with the captured profiles of both ends: DBGDTRTX is absent from the log because 11.1 tolerates it by itself', () => {
    const r = runBin(['explain', log('qemu-10.2.2-to-11.1.1-max.log'), '--from', capture('10.2.2-virt-10.2-max'), '--to', capture('11.1.1-virt-10.2-max')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Tolerated: DBGDTRTX 0x40200000200e0298 (system register 0x200e0298)\n');
    expect(r.stdout).toContain('  - not in the log: QEMU 11.1 tolerates it, which it prints only as a trace event (-trace tolerate_cpreg_only_in_incoming_stream)\n');
    expect(r.stdout).toContain('Unexpected: ID_AA64ISAR0_EL1 0x603000000013c030 (system register 0x1013c030), line 1');
  });

  it('without -trace the same failure is read from the error and the warning alone', () => {
    const r = runBin(['explain', log('qemu-10.2.2-to-11.1.1-max.log')]);
    expect(r.stdout).toContain('Unexpected: ID_AA64ISAR0_EL1 0x603000000013c030 (system register 0x1013c030), line 1');
    expect(r.stdout).toContain('Missing: FPMR 0x603000000013da22 (system register 0x1013da22), line 2');
    expect(r.stdout).not.toContain('DBGDTRTX');
  });

  it('11.1.1 max -> cortex-a57: the 88 registers cortex-a57 lacks, one block, every fail line', () => {
    const name = 'qemu-11.1.1-max-to-cortex-a57-trace.log';
    const r = runBin(['explain', log(name), '--format', 'json']);
    const j = JSON.parse(r.stdout) as { qemu: { release: string }; accel: string; registers: { id: string; status: string; qemuLines: string[]; logLine: number }[] };
    expect(j.qemu.release).toBe('11.1');
    expect(j.accel).toBe('tcg');
    expect(j.registers).toHaveLength(88);
    expect(j.registers.every((x) => x.status === 'fails')).toBe(true);
    expect(j.registers.flatMap((x) => x.qemuLines)).toEqual(lines(name).filter((l) => l.includes('fail migration')));
    expect(j.registers[0]).toMatchObject({ id: '0x40200000200f0803', logLine: 2 });
    const text = runBin(['explain', log(name)]).stdout;
    expect(text).toContain('Unexpected (88):\n  0x40200000200f0803 (system register 0x200f0803), line 2\n');
    expect(text).toContain('  … 68 more (--format json lists every one)');
    expect(text).toContain('the source sent them, the destination does not have them: each fails the migration');
  });

  it('11.1.1 cortex-a57 -> max: only warnings, yet the post-load hook failed: a value that did not load (MTC2203)', () => {
    const r = runBin(['explain', log('qemu-11.1.1-cortex-a57-to-max-trace.log')]);
    expect(r.stdout).toContain('Missing (88):');
    expect(r.stdout).toContain('note[MTC2203]: the CPU\'s post-load hook failed, yet QEMU 11.1 printed no `fail migration` line');
    expect(r.stdout).toContain('write_list_to_cpustate()');
    expect(r.stdout).toContain(' --> test/fixtures/catalog/logs/qemu-11.1.1-cortex-a57-to-max-trace.log:90:');
  });

  it('names under KVM: system register op0:…, fw feat reg, demuxed and core reg without 0x, Could not set register', () => {
    const name = 'qemu-11.1-kvm-constructed.log';
    const r = runBin(['explain', log(name), '--format', 'json']);
    const j = JSON.parse(r.stdout) as { accel: string; registers: { name: string; status: string; qemuName: string; qemuLines: string[] }[]; notes: string[] };
    expect(j.accel).toBe('kvm');
    expect(j.registers.map((x) => [x.name, x.status, x.qemuName])).toEqual([
      ['TCR2_EL1', 'fails', 'system register op0:3 op1:0 crn:2 crm:0 op2:3'],
      ['KVM_REG_ARM_VENDOR_HYP_BMAP_2', 'tolerated', 'fw feat reg 3'],
      ['CCSIDR_L2D', 'missing', 'demuxed reg 6020000000110002'],
      ['CORE_X0', 'missing', 'core reg 6030000000100000'],
    ]);
    expect(j.registers.flatMap((x) => x.qemuLines)).toEqual(lines(name).slice(0, 4));
    expect(j.notes.join('\n')).toContain('MIDR_EL1 is invariant on the destination kernel');
  });
});

describe('QEMU 10.2.2 logs name nothing: what can be inferred', () => {
  it('the length check: at least N registers more, and how to name them (MTC2203)', () => {
    const r = runBin(['explain', log('qemu-10.2.2-max-to-cortex-a57.log')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('QEMU release: 10.2 (the log\'s lines fit only its templates)');
    expect(r.stdout).toContain('note[MTC2203]: QEMU 10.2 refused the register list by its length, before comparing any register: the source sent 363, the destination has 276, so the source lists at least 87 registers the destination does not');
    expect(r.stdout).toContain(' --> test/fixtures/catalog/logs/qemu-10.2.2-max-to-cortex-a57.log:1:22');
    expect(r.stdout).toContain('= help: capture both ends with the guest\'s machine type and CPU: `mtc capture --qemu-binary QEMU -M MACHINE --cpu CPU -o source.yaml`');
    expect(r.stdout).toContain('mtc explain LOG --from source.yaml --to destination.yaml');
  });

  it('the length check with the captured profiles of both ends: the 87 registers, named', () => {
    const r = runBin(['explain', log('qemu-10.2.2-max-to-cortex-a57.log'), '--from', capture('10.2.2-virt-10.2-max'), '--to', capture('10.2.2-virt-10.2-cortex-a57'), '--format', 'json']);
    const j = JSON.parse(r.stdout) as { registers: { status: string }[]; notes: string[]; diagnostics: unknown[] };
    expect(j.registers).toHaveLength(87);
    expect(j.notes).toContain('line 1: the source sent 363 registers, the destination has 276 (as the host profiles list)');
    expect(j.notes.join('\n')).toContain('QEMU 10.2 checks the length first: tcg-qemu-10.2.2-virt-10.2-max sends 363 registers, tcg-qemu-10.2.2-virt-10.2-cortex-a57 has 276');
    expect(j.diagnostics).toEqual([]);
  });

  it('a post-load failure alone: either an incoming register the destination lacks, or a value TCG refused (MTC2203)', () => {
    const r = runBin(['explain', log('qemu-10.2.2-cortex-a57-to-max.log')]);
    expect(r.stdout).toContain('QEMU release: 10.2 (the log\'s lines fit 10.2, 11.0; taking 10.2, give --qemu to choose)');
    expect(r.stdout).toContain('note[MTC2203]: the CPU\'s post-load hook failed and QEMU 10.2 names no register: either the source sent a register this destination does not have');
    expect(r.stdout).toContain('or under TCG a value did not read back as written (write_list_to_cpustate())');
  });

  it('with the captured profiles: no register is missing, so it is a value; the ID registers that differ', () => {
    const r = runBin(['explain', log('qemu-10.2.2-cortex-a57-to-max.log'), '--from', capture('10.2.2-virt-10.2-cortex-a57'), '--to', capture('10.2.2-virt-10.2-max')]);
    expect(r.stdout).toContain('Missing (87):');
    expect(r.stdout).toContain('note: no register of tcg-qemu-10.2.2-virt-10.2-cortex-a57 is missing from tcg-qemu-10.2.2-virt-10.2-max, so the walk did not fail the migration');
    expect(r.stdout).toContain('ID_PFR0_EL1 (tcg-qemu-10.2.2-virt-10.2-cortex-a57 0x0000000000000131, tcg-qemu-10.2.2-virt-10.2-max 0x0000000011020131)');
    expect(r.stdout).not.toContain('MTC2203');
  });

  it('a failure outside the cpreg list (11.1.1 stream into 10.2.2): no rule changes it (MTC2205)', () => {
    const r = runBin(['explain', log('qemu-11.1.1-to-10.2.2-max.log')]);
    expect(r.stdout).toContain("note[MTC2205]: the migration failed outside the CPU register list (error while loading state for instance 0x0 of device 'cpu': VM subsection 'cpu/fpmr' in 'cpu' does not exist)");
  });
});

describe('the series\' own lines', () => {
  it('the seed log: the lines printed back are the log\'s, numbered 0, 1, 2 as QEMU numbers them', () => {
    const r = runBin(['explain', join('test', 'fixtures', 'catalog', 'seed-002-migration.log'), '--machine', 'virt-10.1']);
    for (const l of [
      'qemu-system-aarch64: kvm_arm_cpu_post_load Missing register in input stream: 0 0x6030000000160003 fw feat reg 3',
      'qemu-system-aarch64: kvm_arm_cpu_post_load Unexpected register in input stream: 0 0x603000000013c103 op0:3 op1:0 crn:2 crm:0 op2:3',
      'qemu-system-aarch64: kvm_arm_cpu_post_load Unexpected register in input stream: 1 0x603000000013c512 op0:3 op1:0 crn:10 crm:2 op2:2',
      'qemu-system-aarch64: kvm_arm_cpu_post_load Unexpected register in input stream: 2 0x603000000013c513 op0:3 op1:0 crn:10 crm:2 op2:3',
    ])
      expect(r.stdout).toContain(`\n    ${l}\n`);
  });

  it('--qemu 11.1 on the seed log: 11.1 tolerates all four for -cpu host by itself; a warning that the log is the series\' (MTC2202)', () => {
    const r = runBin(['explain', join('test', 'fixtures', 'catalog', 'seed-002-migration.log'), '--qemu', '11.1']);
    expect(r.stdout).toContain('QEMU release: 11.1 (--qemu)');
    expect(r.stdout).toContain("warning[MTC2202]: the log's lines are QEMU x-mig-series's, not 11.1's: the lines below are what 11.1 prints for the same registers");
    expect(r.stdout).toContain('Tolerated: TCR2_EL1 0x603000000013c103 (system register op0:3 op1:0 crn:2 crm:0 op2:3), line 10');
    expect(r.stdout).toContain('    tolerate_cpreg_only_in_incoming_stream system register op0:3 op1:0 crn:2 crm:0 op2:3 is in incoming stream but not on destination but this is explicitly tolerated');
  });
});

describe('host profiles without a log: what each release does with the N1 pair 6.15 -> 6.12', () => {
  it('QEMU 10.2 passes and drops KVM_REG_ARM_VENDOR_HYP_BMAP_2 without a word (MTC2206)', () => {
    const r = runBin(['explain', '--from', 'n1-6.15', '--to', 'n1-6.12', '--qemu', '10.2'], process.cwd(), {}, '');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Dropped: KVM_REG_ARM_VENDOR_HYP_BMAP_2 0x6030000000160003 (fw feat reg 3)\n');
    expect(r.stdout).toContain('warning[MTC2206]: QEMU 10.2 drops KVM_REG_ARM_VENDOR_HYP_BMAP_2 (0x6030000000160003) from n1-6.15 without a word: the migration to n1-6.12 passes and the guest loses its value');
    expect(r.stdout).toContain('Missing: TCR2_EL1 0x603000000013c103 (op0:3 op1:0 crn:2 crm:0 op2:3)\n');
  });
  it('QEMU 11.1 tolerates it by itself while its value is 0', () => {
    const r = runBin(['explain', '--from', 'n1-6.15', '--to', 'n1-6.12', '--qemu', '11.1'], process.cwd(), {}, '');
    expect(r.stdout).toContain('Tolerated: KVM_REG_ARM_VENDOR_HYP_BMAP_2 0x6030000000160003 (fw feat reg 3)');
    expect(r.stdout).toContain('from the source only while (value & 0xffffffffffffffff) == 0x0000000000000000 (target/arm/cpu64.c:789');
    expect(r.stdout).toContain('    tolerate_cpreg_only_in_incoming_stream fw feat reg 3 is in incoming stream but not on destination but this is explicitly tolerated');
  });
  it('the series reports it, numbered from 0', () => {
    const r = runBin(['explain', '--from', 'n1-6.15', '--to', 'n1-6.12', '--qemu', 'x-mig-series'], process.cwd(), {}, '');
    expect(r.stdout).toContain('    qemu-system-aarch64: kvm_arm_cpu_post_load Unexpected register in input stream: 0 0x6030000000160003 fw feat reg 3\n');
    expect(r.stdout).toContain('    qemu-system-aarch64: kvm_arm_cpu_post_load Missing register in input stream: 2 0x603000000013c513 op0:3 op1:0 crn:10 crm:2 op2:3\n');
  });
});

describe('QEMU 11.1.1\'s assignment bug (MTC2207)', () => {
  it('from both host profiles: a refused register before a tolerated one is forgotten', () => {
    // 6.12 with one more register (S3_0_C1_C4_0, before TCR2_EL1) than 6.13 lists: 11.1 refuses it,
    // then tolerates TCR2_EL1, PIRE0_EL1 and PIR_EL1 (-cpu host), the last of which decides.
    const dir = tempProject({ 'src.yaml': 'format: 1\nname: n1-6.12-plus\nkernel: "6.12"\nadd: ["0x603000000013c0a0"]\n' });
    const r = runBin(['explain', '--from', 'src.yaml', '--to', 'n1-6.13', '--qemu', '11.1'], dir, {}, '');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Unexpected: SCTLRMASK_EL1 0x603000000013c0a0 (system register op0:3 op1:0 crn:1 crm:4 op2:0)');
    expect(r.stdout).toContain(
      "warning[MTC2207]: the migration passes only because of QEMU 11.1.1's assignment bug (target/arm/machine.c:1161 and 1186): PIR_EL1, the last register the destination lacks, is tolerated, which clears the refusal of SCTLRMASK_EL1; its value is lost",
    );
    // Without the last tolerated register after it, the refusal stands.
    const none = runBin(['explain', '--from', 'src.yaml', '--to', 'n1-6.12', '--qemu', '11.1'], dir, {}, '');
    expect(none.stdout).not.toContain('MTC2207');
  });
  it('from a log: a fail line, a later tolerated register, and no load failure (lines written from the 11.1 templates)', () => {
    const log = [
      'qemu-system-aarch64: handle_cpreg_only_in_incoming_stream: system register 0x1013c030 in the incoming stream but unknown on the destination: fail migration',
      'tolerate_cpreg_only_in_incoming_stream system register 0x1013c513 is in incoming stream but not on destination but this is explicitly tolerated',
      '',
    ].join('\n');
    const r = runBin(['explain'], process.cwd(), {}, log);
    expect(r.stdout).toContain('warning[MTC2207]: the migration passes only because of QEMU 11.1.1\'s assignment bug');
    expect(r.stdout).toContain('which clears the refusal of ID_AA64ISAR0_EL1');
    const failed = runBin(['explain'], process.cwd(), {}, log + "qemu-system-aarch64: load of migration failed: Invalid argument: error while loading state for instance 0x0 of device 'cpu': post load hook failed for: cpu, version_id: 22, minimum_version: 22, ret: -1\n");
    expect(failed.stdout).not.toContain('MTC2207');
  });
});

describe('errors', () => {
  it('a log with no QEMU message: MTC2201, exit 1', () => {
    const r = runBin(['explain', 'package.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[MTC2201]: no QEMU migration message in package.json');
    expect(r.stderr).toContain('= help: give the destination\'s log');
  });
  it('an unknown --qemu: MTC2204, exit 2', () => {
    const r = runBin(['explain', log('series-tcg-trace.log'), '--qemu', '9.9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[MTC2204]: --qemu `9.9` is not a QEMU release mtc has a model of');
    expect(r.stderr).toContain('give one of 10.0, 10.2, x-mig-series, 11.0, 11.1');
  });
  it('--from without --to is a usage error', () => {
    const r = runBin(['explain', log('series-tcg-trace.log'), '--from', 'n1-6.15']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give both --from and --to');
  });
  it('every MTC22xx code is one of these tests', () => {
    const src = readFileSync(new URL(import.meta.url), 'utf8');
    for (const code of Object.keys(explainCodes)) expect(src).toContain(`[${code}]`);
  });
});
