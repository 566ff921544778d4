import { describe, expect, it } from 'vitest';
import { explainPair, simulateMatrix } from '../../src/simulate/engine.js';
import { referencePair } from '../../src/simulate/reference.js';
import type { HostModel, MachineModel, SimulateOptions } from '../../src/simulate/types.js';
import { BMAP2, builtin, DBGDTRTX, kvmHost, machine, opts, PIR, PIRE0, TCR2 } from './helpers.js';

/** Runs all three implementations and checks they agree, then returns the full result. */
function sim(m: MachineModel, s: HostModel, d: HostModel, o: SimulateOptions = opts()) {
  const r = explainPair(m, s, d, o);
  const ref = referencePair(m, s, d, o);
  expect(r.outcome).toBe(ref.outcome);
  expect(r.lines).toEqual(ref.lines);
  expect(simulateMatrix([m], [s, d], o).outcome(0, 0, 1)).toBe(r.outcome);
  return r;
}

const P = 'qemu-system-aarch64: ';

describe('seed: BMAP_2, 6.15 -> 6.14 (backward)', () => {
  const k615 = kvmHost('k6.15', '6.15');
  const k614 = kvmHost('k6.14', '6.14');
  it('the 6.15 list has BMAP_2 and the 6.14 list does not', () => {
    expect(k615.regs).toContain(BMAP2);
    expect(k614.regs).not.toContain(BMAP2);
  });
  it('fails without a rule: QEMU 10.2 at the length check', () => {
    const r = sim(machine('bare'), k615, k614);
    expect(r.outcome).toBe('fail');
    expect(r.lines.slice(0, 2)).toEqual([
      `${P}Invalid value ${k615.regs.length} expecting positive value <= ${k614.regs.length}`,
      `${P}Failed to load cpu:cpreg_vmstate_array_len`,
    ]);
  });
  it('fails without a rule: QEMU 11.0 names the register', () => {
    const r = sim(machine('bare'), k615, k614, opts({ qemu: '11.0' }));
    expect(r.outcome).toBe('fail');
    expect(r.lines[0]).toBe(`${P}kvm_arm_cpu_post_load Unexpected register in input stream: 0 0x6030000000160003 fw feat reg 3`);
    expect(r.lines.at(-1)).toBe(`${P}load of migration failed: Operation not permitted`);
  });
  it('passes with a hide rule (x-mig-hidden-regs), both generations', () => {
    for (const qemu of ['10.2', '11.0'] as const) expect(sim(machine('virt-10.1'), k615, k614, opts({ qemu })).outcome).toBe('ok');
  });
  it('passes with a source-value tolerance while the value is 0, fails when a service bit is set', () => {
    for (const qemu of ['10.2', '11.0'] as const) {
      const ok = sim(machine('rhel-tol'), k615, k614, opts({ qemu }));
      expect(ok.outcome).toBe('ok');
      expect(ok.accepted).toEqual([{ id: BMAP2, kind: 'source-value' }]);
    }
    const bad = sim(machine('rhel-tol'), k615, k614, opts({ qemu: '11.0', regValues: new Map([[BMAP2, 1n]]) }));
    expect(bad.outcome).toBe('fail');
    expect(bad.rejectedTests).toEqual([BMAP2]);
    expect(bad.lines[0]).toContain('Unexpected register in input stream: 0 0x6030000000160003 fw feat reg 3');
  });
  it('forward 6.14 -> 6.15 passes with a warning: BMAP_2 keeps its reset value', () => {
    const r = sim(machine('bare'), k614, k615);
    expect(r.outcome).toBe('warn');
    expect(r.missing).toEqual([BMAP2]);
    expect(r.lines).toEqual([`${P}kvm_arm_cpu_post_load Missing register in input stream: 0 0x6030000000160003 fw feat reg 3`]);
  });
});

describe('seed: TCR2_EL1/PIRE0_EL1/PIR_EL1, 6.12 -> 6.13 (forward)', () => {
  const k612 = builtin('n1-6.12');
  const k613 = builtin('n1-6.13');
  it('fails forward without a rule (10.2: length; 11.0: three unexpected registers)', () => {
    expect(sim(machine('bare'), k612, k613).lines[0]).toMatch(/Invalid value \d+ expecting positive value <= \d+/);
    const r = sim(machine('bare'), k612, k613, opts({ qemu: '11.0' }));
    expect(r.outcome).toBe('fail');
    expect(r.unexpected).toEqual([TCR2, PIRE0, PIR]);
    expect(r.lines.slice(0, 3)).toEqual([
      `${P}kvm_arm_cpu_post_load Unexpected register in input stream: 0 0x603000000013c103 op0:3 op1:0 crn:2 crm:0 op2:3`,
      `${P}kvm_arm_cpu_post_load Unexpected register in input stream: 0 0x603000000013c512 op0:3 op1:0 crn:10 crm:2 op2:2`,
      `${P}kvm_arm_cpu_post_load Unexpected register in input stream: 0 0x603000000013c513 op0:3 op1:0 crn:10 crm:2 op2:3`,
    ]);
  });
  it('passes with a safe-missing rule (x-mig) and with one-end tolerances', () => {
    for (const name of ['virt-10.1', 'rhel-tol'])
      for (const qemu of ['10.2', '11.0'] as const) expect(sim(machine(name), k612, k613, opts({ qemu })).outcome).toBe('ok');
  });
  it('QEMU 10.2 without room for tolerated registers still fails at the length check', () => {
    const r = sim(machine('virt-10.1'), k612, k613, opts({ toleratedRoom: false }));
    expect(r.outcome).toBe('fail');
    expect(r.lines[1]).toBe(`${P}Failed to load cpu:cpreg_vmstate_array_len`);
  });
  it('backward 6.13 -> 6.12 warns (missing registers keep reset values)', () => {
    const r = sim(machine('bare'), k613, k612);
    expect(r.outcome).toBe('warn');
    expect(r.missing).toEqual([TCR2, PIRE0, PIR]);
  });
});

describe('seed: TCG DBGDTRTX across QEMU 10.0 / 10.1', () => {
  const q100 = builtin('tcg-qemu-10.0');
  const q101 = builtin('tcg-qemu-10.1');
  it('QEMU 10.0 migrates the index, 10.1 does not', () => {
    expect(q100.regs).toContain(DBGDTRTX);
    expect(q101.regs).not.toContain(DBGDTRTX);
  });
  it('10.0 -> 10.1 fails without a rule and passes with a safe-missing rule', () => {
    const r = sim(machine('bare'), q100, q101);
    expect(r.outcome).toBe('fail');
    expect(r.lines[0]).toBe(`${P}Invalid value ${q100.regs.length} expecting positive value <= ${q101.regs.length}`);
    expect(sim(machine('virt-10.2'), q100, q101).outcome).toBe('ok');
  });
  it('names the index in plain hex from a QEMU 11 destination', () => {
    const q11 = { ...q101, name: 'tcg-11', qemu: '11.0' };
    const r = sim(machine('bare'), q100, q11);
    expect(r.qemu).toBe('11.0');
    expect(r.lines[0]).toBe(`${P}cpu_post_load Unexpected register in input stream: 0 0x40200000200e0298 40200000200e0298`);
  });
  it('10.1 -> 10.0 passes with a warning', () => {
    expect(sim(machine('bare'), q101, q100).outcome).toBe('warn');
  });
  it('KVM and TCG hosts never pair', () => {
    expect(sim(machine('bare'), q100, builtin('n1-6.12')).outcome).toBe('unsupported');
  });
});

describe('seed: different MIDRs before and after 6.15', () => {
  const altra612 = kvmHost('altra-6.12', '6.12', 0x413fd0c1);
  const one612 = kvmHost('one-6.12', '6.12', 0xc00fac31);
  const altra615 = kvmHost('altra-6.15', '6.15', 0x413fd0c1);
  const one615 = kvmHost('one-6.15', '6.15', 0xc00fac31);
  const v2 = kvmHost('v2-6.15', '6.15', 0x410fd4f1);
  it('before 6.15 the invariant MIDR write fails with QEMU\'s message', () => {
    const r = sim(machine('bare'), one612, altra612);
    expect(r.outcome).toBe('fail');
    expect(r.lines[0]).toBe(`${P}Could not set register op0:3 op1:0 crn:0 crm:0 op2:0 to c00fac31 (is 413fd0c1)`);
    // Even with both CPUs allowed, the old kernel rejects the write.
    const req = { ...machine('rhel-cpus'), requiresKernel: null };
    expect(sim(req, one612, altra612).outcome).toBe('fail');
  });
  it('from 6.15 the write succeeds: unsafe unless both CPUs are allowed', () => {
    expect(sim(machine('bare'), one615, altra615).outcome).toBe('unsafe');
    expect(sim(machine('rhel-cpus'), one615, altra615).outcome).toBe('ok');
    expect(sim(machine('rhel-cpus'), v2, altra615).outcome).toBe('unsafe');
  });
  it('a 6.15 source to a 6.12 destination fails on the older kernel', () => {
    const r = sim(machine('virt-10.1'), one615, altra612);
    expect(r.outcome).toBe('fail');
    expect(r.lines).toContain(`${P}Could not set register op0:3 op1:0 crn:0 crm:0 op2:0 to c00fac31 (is 413fd0c1)`);
    // The missing TCR2/PIR lines come first (the walk), then the failed write.
    expect(r.lines.findIndex((l) => l.includes('Missing register'))).toBeLessThan(r.lines.findIndex((l) => l.includes('Could not set')));
  });
  it('hosts below the minimum kernel are unsupported, not failures', () => {
    const r = sim(machine('rhel-cpus'), one612, altra615);
    expect(r.outcome).toBe('unsupported');
    expect(r.notes[0]).toMatch(/below rhel-cpus's minimum kernel 6.15/);
  });
});
