import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explainLog, parseMigrationLog, run as runExplain } from '../../src/catalog/commands/explain.js';
import { run as runDecode } from '../../src/catalog/commands/decode.js';
import { findProfile, loadBuiltinCatalog, loadBuiltinHistory } from '../../src/catalog/index.js';

const seed = readFileSync(new URL('../fixtures/catalog/seed-002-migration.log', import.meta.url), 'utf8');
const catalog = loadBuiltinCatalog();
const history = loadBuiltinHistory();

describe('explain', () => {
  it('reads the wrapped, quoted seed log', () => {
    const ev = parseMigrationLog(seed);
    expect(ev.map((e) => (e.kind === 'missing' || e.kind === 'unexpected' ? `${e.kind} ${e.id.toString(16)}` : e.kind))).toEqual([
      'missing 6030000000160003',
      'unexpected 603000000013c103',
      'unexpected 603000000013c512',
      'unexpected 603000000013c513',
    ]);
  });
  it('explains the seed log and suggests the rule', () => {
    const r = explainLog(seed, catalog, history, { machine: 'virt-10.1' });
    expect(r.registers.map((x) => [x.name, x.direction, x.remedy, x.range])).toEqual([
      ['KVM_REG_ARM_VENDOR_HYP_BMAP_2', 'missing', 'hide', 'since 6.15'],
      ['TCR2_EL1', 'unexpected', 'tolerate', 'kernel 6.5..6.12'],
      ['PIRE0_EL1', 'unexpected', 'tolerate', 'kernel 6.5..6.12'],
      ['PIR_EL1', 'unexpected', 'tolerate', 'kernel 6.5..6.12'],
    ]);
    expect(r.rule).toContain('machine virt-10.1 {');
    expect(r.rule).toContain('tolerate TCR2_EL1, PIRE0_EL1, PIR_EL1 kernel 6.5..6.12 {');
    expect(r.rule).toContain('hide KVM_REG_ARM_VENDOR_HYP_BMAP_2 since 6.15 {');
    expect(r.registers[1].why.join(' ')).toContain('FEAT_TCR2');
  });
  it('uses the value-test form under target tolerances', () => {
    const r = explainLog(seed, catalog, history, { machine: 'virt-10.1', target: 'tolerances' });
    expect(r.rule).toContain('tolerate KVM_REG_ARM_VENDOR_HYP_BMAP_2 when value & 0xffffffffffffffff == 0 since 6.15 {');
  });
  it('explains the array-length failure with host profiles', () => {
    const log = 'qemu-system-aarch64: Invalid value 292 expecting positive value <= 291\nqemu-system-aarch64: Failed to load cpu:cpreg_vmstate_array_len\n';
    const r = explainLog(log, catalog, history, { from: findProfile('n1-6.15')!, to: findProfile('n1-6.13')! });
    expect(r.notes[0]).toContain('292');
    expect(r.registers.map((x) => [x.name, x.direction])).toEqual([['KVM_REG_ARM_VENDOR_HYP_BMAP_2', 'unexpected']]);
  });
  it('explains an invariant MIDR and suggests allow cpu', () => {
    const log = 'qemu-system-aarch64: Could not set register op0:3 op1:0 crn:0 crm:0 op2:0 to c00fac31 (is 413fd0c1)\n';
    const r = explainLog(log, catalog, history, { machine: 'virt-10.1' });
    expect(r.notes[0]).toMatch(/MIDR_EL1 is invariant.*6\.15/);
    expect(r.rule).toContain('allow cpu 0xc00fac31;');
  });
  it('TCG DBGDTRTX', () => {
    const r = explainLog('kvm_arm_cpu_post_load Unexpected register in input stream: 0 0x40200000200e0298 40200000200e0298\n', catalog, history, {});
    expect(r.registers[0]).toMatchObject({ name: 'DBGDTRTX', remedy: 'tcg' });
    expect(r.rule).toContain('tolerate DBGDTRTX (0x40200000200e0298)');
  });
  it('CLI run prints and returns 0; 1 when nothing is found', async () => {
    let out = '';
    expect(await runExplain('test/fixtures/catalog/seed-002-migration.log', { machine: 'virt-10.1' }, (s) => (out += s), () => {})).toBe(0);
    expect(out).toContain('Missing: KVM_REG_ARM_VENDOR_HYP_BMAP_2 0x6030000000160003 (fw feat reg 3)');
    expect(out).toContain('Unexpected: PIR_EL1 0x603000000013c513');
    expect(await runExplain('package.json', {}, () => {}, () => {})).toBe(1);
    expect(await runExplain('seed.log', { target: 'bogus' }, () => {}, () => {})).toBe(2);
  });
});

describe('decode', () => {
  it('describes a register with kernels and rule mentions', async () => {
    let out = '';
    const code = await runDecode(['0x603000000013c103'], { format: 'json', rules: ['rules'] }, (s) => (out += s), () => {});
    expect(code).toBe(0);
    const [r] = JSON.parse(out);
    expect(r).toMatchObject({ id: '0x603000000013c103', name: 'TCR2_EL1', class: 'sysreg', qemuName: 'op0:3 op1:0 crn:2 crm:0 op2:3', feature: 'FEAT_TCR2' });
    expect(r.kernels).toContain('6.5..6.12: always listed');
    expect(r.kernels).toContain('6.13..: listed only with FEAT_TCR2');
  });
  it('accepts names, tuples, QEMU names; unknown names exit 1 with suggestions', async () => {
    let out = '';
    let err = '';
    const code = await runDecode(['fw feat reg 3', 'sysreg(3,0,10,2,3)', 'TCR2_EL'], { rules: [] }, (s) => (out += s), (s) => (err += s));
    expect(code).toBe(1);
    expect(out).toContain('KVM_REG_ARM_VENDOR_HYP_BMAP_2  0x6030000000160003');
    expect(out).toContain('PIR_EL1  0x603000000013c513');
    expect(err).toContain('similar names: TCR2_EL1');
  });
});
