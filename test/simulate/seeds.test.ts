/**
 * The seed cases of the mailing-list threads (../shared/seeds/) and the
 * TCG pairs test:qemu migrates for real, per QEMU release. Each expected line
 * is QEMU's own, byte for byte, from the code cited or a real run
 * (test/qemu/migrate.qemu.test.ts runs the TCG ones against the binaries).
 */
import { describe, expect, it } from 'vitest';
import { explainPair, simulateMatrix } from '../../src/simulate/engine.js';
import { referenceOutcome } from '../../src/simulate/reference.js';
import type { HostModel, MachineModel, SimulateOptions } from '../../src/simulate/types.js';
import { BMAP2, builtin, DBGDTRTX, kvmHost, machine, opts, PIR, PIRE0, TCR2 } from './helpers.js';

/** Runs the three models, checks they agree on the outcome, returns the detailed result. */
function sim(m: MachineModel, s: HostModel, d: HostModel, o: SimulateOptions = opts()) {
  const r = explainPair(m, s, d, o);
  expect(referenceOutcome(m, s, d, o)).toBe(r.outcome);
  expect(simulateMatrix([m], [s, d], o).outcome(0, 0, 1)).toBe(r.outcome);
  return r;
}

const P = 'qemu-system-aarch64: ';
const POST_LOAD_10_2 = `${P}load of migration failed: Operation not permitted: error while loading state for instance 0x0 of device 'cpu': post load hook failed for: cpu, version_id: 22, minimum_version: 22, ret: -1`;
const POST_LOAD_11_1 = `${P}load of migration failed: Invalid argument: error while loading state for instance 0x0 of device 'cpu': post load hook failed for: cpu, version_id: 22, minimum_version: 22, ret: -1`;

describe('seed: BMAP_2, 6.15 -> 6.14 (backward)', () => {
  const k615 = kvmHost('k6.15', '6.15');
  const k614 = kvmHost('k6.14', '6.14');
  it('the 6.15 list has BMAP_2 and the 6.14 list does not', () => {
    expect(k615.regs).toContain(BMAP2);
    expect(k614.regs).not.toContain(BMAP2);
  });
  it('QEMU 10.2 fails at the length check (target/arm/machine.c:1155 of 10.2.2), with the two lines a real 10.2.2 prints', () => {
    const r = sim(machine('bare'), k615, k614, opts({ qemu: '10.2' }));
    expect(r.outcome).toBe('fail');
    expect(r.lines).toEqual([
      `${P}Invalid value ${k615.regs.length} expecting positive value <= ${k614.regs.length}`,
      `${P}load of migration failed: Invalid argument: error while loading state for instance 0x0 of device 'cpu': Failed to load element of type int32 le for cpreg_vmstate_array_len: -22`,
    ]);
  });
  it('QEMU 10.0 fails at the length check with its four lines (real 10.0.13 runs)', () => {
    const r = sim(machine('bare'), k615, k614, opts({ qemu: '10.0' }));
    expect(r.lines).toEqual([
      `${P}Invalid value ${k615.regs.length} expecting positive value <= ${k614.regs.length}`,
      `${P}Failed to load cpu:cpreg_vmstate_array_len`,
      `${P}error while loading state for instance 0x0 of device 'cpu'`,
      `${P}load of migration failed: Invalid argument`,
    ]);
  });
  it('QEMU 11.1 tolerates BMAP_2 by itself while its value is 0 (target/arm/cpu64.c:789 of 11.1.1)', () => {
    const r = sim(machine('bare'), k615, k614, opts({ qemu: '11.1' }));
    expect(r.outcome).toBe('ok');
    expect(r.accepted).toEqual([{ id: BMAP2, kind: 'source-value' }]);
    expect(r.notes.join(' ')).toContain('target/arm/cpu64.c:789');
  });
  it('QEMU 11.1 fails when a service bit is set, naming it as kvm_print_register_name() does', () => {
    const r = sim(machine('bare'), k615, k614, opts({ qemu: '11.1', regValues: new Map([[BMAP2, 1n]]) }));
    expect(r.outcome).toBe('fail');
    expect(r.rejectedTests).toEqual([BMAP2]);
    expect(r.lines).toEqual([`${P}handle_cpreg_only_in_incoming_stream: fw feat reg 3 in the incoming stream but unknown on the destination: fail migration`, POST_LOAD_11_1]);
  });
  it('the x-mig series: hiding BMAP_2 passes; without a rule its lines name the register, counted from 0', () => {
    expect(sim(machine('virt-10.1'), k615, k614, opts({ qemu: 'x-mig-series' })).outcome).toBe('ok');
    const r = sim(machine('bare'), k615, k614, opts({ qemu: 'x-mig-series' }));
    expect(r.outcome).toBe('fail');
    expect(r.lines[0]).toBe(`${P}kvm_arm_cpu_post_load Unexpected register in input stream: 0 0x6030000000160003 fw feat reg 3`);
  });
  it('the same hide rule does nothing in QEMU 10.2, which has no x-mig properties (domain.md §7)', () => {
    const r = sim(machine('virt-10.1'), k615, k614, opts({ qemu: '10.2' }));
    expect(r.outcome).toBe('fail');
    expect(r.notes.join(" ")).toMatch(/QEMU 10.2 has no x-mig-hidden-regs/);
  });
  it('forward 6.14 -> 6.15: 10.2 says nothing (the register keeps its reset value), 11.1 warns', () => {
    const r = sim(machine('bare'), k614, k615, opts({ qemu: '10.2' }));
    expect(r.outcome).toBe('warn');
    expect(r.missing).toEqual([BMAP2]);
    expect(r.lines).toEqual([]);
    const q = sim(machine('bare'), k614, k615, opts({ qemu: '11.1' }));
    expect(q.lines).toEqual([`${P}warning: handle_cpreg_missing_in_incoming_stream: fw feat reg 3 expected by the destination but not in the incoming stream: skip it`]);
  });
});

describe('done when: N1 virt-11.0, 6.15 -> 6.12', () => {
  const n615 = builtin('n1-6.15');
  const n612 = builtin('n1-6.12');
  it('QEMU 10.2 passes and drops BMAP_2 without a word: it sorts after 6.12\'s last register (target/arm/machine.c:1054-1068 of 10.2.2)', () => {
    const r = sim(machine('bare'), n615, n612, opts({ qemu: '10.2' }));
    expect(r.outcome).toBe('dropped');
    expect(r.dropped).toEqual([{ id: BMAP2, value: null }]);
    expect(r.lines).toEqual([]);
    expect(n612.regs.at(-1)! < BMAP2).toBe(true);
  });
  it('QEMU 10.2 says which value is lost when it is known', () => {
    const r = sim(machine('bare'), n615, n612, opts({ qemu: '10.2', regValues: new Map([[BMAP2, 0x3n]]) }));
    expect(r.dropped).toEqual([{ id: BMAP2, value: 0x3n }]);
    expect(r.notes.join(' ')).toContain('KVM_REG_ARM_VENDOR_HYP_BMAP_2 (0x6030000000160003) = 0x3');
  });
  it('QEMU 11.1 tolerates BMAP_2 (value 0), and TCR2/PIRE0/PIR missing from the stream by its own tolerances, silently (cpu64.c:769-789)', () => {
    const r = sim(machine('bare'), n615, n612, opts({ qemu: '11.1' }));
    expect(r.outcome).toBe('warn');
    expect(r.accepted).toEqual([{ id: BMAP2, kind: 'source-value' }]);
    expect(r.missing).toEqual([TCR2, PIRE0, PIR]);
    expect(r.lines).toEqual([]);
  });
});

describe('seed: TCR2_EL1/PIRE0_EL1/PIR_EL1, 6.12 -> 6.13 (forward)', () => {
  const k612 = builtin('n1-6.12');
  const k613 = builtin('n1-6.13');
  it('QEMU 10.2 fails at the length check', () => {
    expect(sim(machine('bare'), k612, k613, opts({ qemu: '10.2' })).lines[0]).toMatch(/^qemu-system-aarch64: Invalid value \d+ expecting positive value <= \d+$/);
  });
  it('QEMU 11.0 (no length check, taken to walk as 10.2) fails at TCR2_EL1 without naming it', () => {
    const r = sim(machine('bare'), k612, k613, opts({ qemu: '11.0' }));
    expect(r.outcome).toBe('fail');
    expect(r.lines).toEqual([POST_LOAD_10_2]);
    expect(r.notes.join(' ')).toContain('fails at TCR2_EL1');
  });
  it('QEMU 11.1 tolerates all three by itself', () => {
    const r = sim(machine('bare'), k612, k613, opts({ qemu: '11.1' }));
    expect(r.outcome).toBe('ok');
    expect(r.accepted.map((a) => a.id)).toEqual([TCR2, PIRE0, PIR]);
  });
  it('tolerating them again in 11.1 aborts QEMU (arm_register_cpreg_mig_tolerance asserts; MTC7002)', () => {
    const r = sim(machine('rhel-tol'), k612, k613, opts({ qemu: '11.1' }));
    expect(r.outcome).toBe('fail');
    expect(r.notes.join(' ')).toMatch(/QEMU 11.1 already registers by itself.*MTC7002/);
  });
  it('the x-mig series passes with safe-missing rules', () => {
    expect(sim(machine('virt-10.1'), k612, k613, opts({ qemu: 'x-mig-series' })).outcome).toBe('ok');
  });
});

describe('the 11.1.1 assignment bug (target/arm/machine.c:1161 and 1186)', () => {
  const cpu = { midr: 0x413fd0c1n, revidr: 0n, aidr: 0n };
  const h = (name: string, regs: bigint[]): HostModel => ({ name, accel: 'kvm', kernel: '6.12', qemu: null, cpu, regs });
  const UNKNOWN = 0x603000000013c0a0n;
  it('an unexpected register followed by a tolerated one passes, as a bug, and says which register cleared it', () => {
    const r = sim(machine('bare'), h('s', [UNKNOWN, BMAP2]), h('d', []), opts({ qemu: '11.1' }));
    expect(r.outcome).toBe('bug');
    expect(r.clearedBy).toBe(BMAP2);
    expect(r.lines).toEqual([`${P}handle_cpreg_only_in_incoming_stream: system register op0:3 op1:0 crn:1 crm:4 op2:0 in the incoming stream but unknown on the destination: fail migration`]);
  });
  it('in the other order it fails', () => {
    const r = sim(machine('bare'), h('s', [TCR2, UNKNOWN + 0x1000n]), h('d', []), opts({ qemu: '11.1' }));
    expect(r.outcome).toBe('fail');
    expect(r.lines.at(-1)).toBe(POST_LOAD_11_1);
  });
});

describe('TCG pairs migrated for real (test/qemu/migrate.qemu.test.ts)', () => {
  const h = builtin;
  it('10.0.13 does not send DBGDTRTX, 10.2.2 does, and 11.1.1 no longer does', () => {
    expect(h('tcg-10.0.13-a57').regs).not.toContain(DBGDTRTX);
    expect(h('tcg-10.2.2-a57').regs).toContain(DBGDTRTX);
    expect(h('tcg-11.1.1-a57').regs).not.toContain(DBGDTRTX);
  });
  it('10.0.13 -> 10.2.2 cortex-a57 fails: DBGDTRTX is missing and TCG writes an undefined value (helper.c:270 g_new)', () => {
    const r = sim(machine('bare'), h('tcg-10.0.13-a57'), h('tcg-10.2.2-a57'));
    expect(r.outcome).toBe('fail');
    expect(r.lines).toEqual([POST_LOAD_10_2]);
    expect(r.notes.join(' ')).toContain('never fills its value list');
  });
  it('10.2.2 -> 10.0.13 cortex-a57 fails at the length check, 276 > 275', () => {
    expect(sim(machine('bare'), h('tcg-10.2.2-a57'), h('tcg-10.0.13-a57')).lines[0]).toBe(`${P}Invalid value 276 expecting positive value <= 275`);
  });
  it('10.2.2 -> 11.1.1 max: 11.1 names ID_AA64ISAR0_EL1 by its cpreg id, warns about FPMR, tolerates DBGDTRTX (helper.c:6499)', () => {
    const r = sim(machine('bare'), h('tcg-10.2.2-max'), h('tcg-11.1.1-max'));
    expect(r.outcome).toBe('fail');
    expect(r.lines).toEqual([
      `${P}handle_cpreg_only_in_incoming_stream: system register 0x1013c030 in the incoming stream but unknown on the destination: fail migration`,
      `${P}warning: handle_cpreg_missing_in_incoming_stream: system register 0x1013da22 expected by the destination but not in the incoming stream: skip it`,
      POST_LOAD_11_1,
    ]);
    expect(r.accepted).toEqual([{ id: DBGDTRTX, kind: 'one-end' }]);
  });
  it('11.1.1 -> 10.2.2 is refused outside the cpreg list, and says what real runs printed', () => {
    const r = sim(machine('bare'), h('tcg-11.1.1-a57'), h('tcg-10.2.2-a57'));
    expect(r.outcome).toBe('fail');
    expect(r.lines).toEqual([]);
    expect(r.notes.join(' ')).toContain("vmstate.c:185: vmstate_load_state: Assertion `first_elem || !n_elems || !size' failed.");
  });
  it('KVM and TCG hosts never pair', () => {
    expect(sim(machine('bare'), h('tcg-10.2.2-a57'), h('n1-6.12')).outcome).toBe('unsupported');
  });
});

describe('seed: different MIDRs before and after 6.15', () => {
  const altra612 = kvmHost('altra-6.12', '6.12', 0x413fd0c1);
  const one612 = kvmHost('one-6.12', '6.12', 0xc00fac31);
  const altra615 = kvmHost('altra-6.15', '6.15', 0x413fd0c1);
  const one615 = kvmHost('one-6.15', '6.15', 0xc00fac31);
  const v2 = kvmHost('v2-6.15', '6.15', 0x410fd4f1);
  it('before 6.15 the invariant MIDR write fails with write_list_to_kvmstate()\'s message (target/arm/kvm.c:987-1001 of 10.2.2)', () => {
    const r = sim(machine('bare'), one612, altra612, opts({ qemu: '10.2' }));
    expect(r.outcome).toBe('fail');
    expect(r.lines).toEqual([`${P}Could not set register op0:3 op1:0 crn:0 crm:0 op2:0 to c00fac31 (is 413fd0c1)`, POST_LOAD_10_2]);
    const req = { ...machine('rhel-cpus'), requiresKernel: null };
    expect(sim(req, one612, altra612).outcome).toBe('fail');
  });
  it('QEMU 10.0 has no kvm_print_register_name(): the write fails without a line of its own', () => {
    const r = sim(machine('bare'), one612, altra612, opts({ qemu: '10.0' }));
    expect(r.outcome).toBe('fail');
    expect(r.lines).toEqual([`${P}error while loading state for instance 0x0 of device 'cpu'`, `${P}load of migration failed: Operation not permitted`]);
  });
  it('from 6.15 the write succeeds: unsafe unless both CPUs are allowed', () => {
    expect(sim(machine('bare'), one615, altra615).outcome).toBe('unsafe');
    expect(sim(machine('rhel-cpus'), one615, altra615).outcome).toBe('ok');
    expect(sim(machine('rhel-cpus'), v2, altra615).outcome).toBe('unsafe');
  });
  it('hosts below the minimum kernel are unsupported, not failures', () => {
    const r = sim(machine('rhel-cpus'), one612, altra615);
    expect(r.outcome).toBe('unsupported');
    expect(r.notes[0]).toMatch(/below rhel-cpus's minimum kernel 6.15/);
  });
});
