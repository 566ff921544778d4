import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTsv } from '../../src/catalog/build/generate.js';
import {
  decodeId,
  describeFields,
  encodeId,
  idHex,
  loadBuiltinCatalog,
  parseQemuName,
  parseRegisterTuple,
  qemuName,
  suggestNames,
} from '../../src/catalog/index.js';

const sys = parseTsv(readFileSync(new URL('../../catalog/data/arm64-sysregs.tsv', import.meta.url), 'utf8'));
const base = parseTsv(readFileSync(new URL('../../catalog/data/kvm-base-reg-list.tsv', import.meta.url), 'utf8'));
const catalog = loadBuiltinCatalog();

describe('every TSV id round-trips', () => {
  const classOf: Record<string, string> = { sysreg: 'sysreg', core: 'core', fw: 'fw', fw_feat_bmap: 'fw-bmap' };
  it.each(sys.map((r) => [r.name, r.kvm_id_hex, r] as const))('sysreg %s %s', (_n, hex, r) => {
    const id = BigInt(hex);
    const d = decodeId(id);
    expect(d).toEqual({ class: 'sysreg', fields: { op0: +r.op0, op1: +r.op1, crn: +r.crn, crm: +r.crm, op2: +r.op2 } });
    expect(encodeId(d!)).toBe(id);
    expect(parseQemuName(qemuName(id))).toBe(id);
    expect(idHex(id)).toBe(hex);
    expect(catalog.lookupId(id)).toBeDefined();
  });
  it.each(base.map((r) => [r.name, r.kvm_id_hex, r.kind] as const))('base %s %s', (_n, hex, kind) => {
    const id = BigInt(hex);
    const d = decodeId(id);
    expect(d?.class).toBe(classOf[kind]);
    expect(encodeId(d!)).toBe(id);
    expect(parseQemuName(qemuName(id))).toBe(id);
    const info = catalog.lookupId(id);
    expect(info?.class).toBe(classOf[kind]);
    expect(catalog.lookupName(info!.name)?.id).toBe(id);
  });
});

describe('QEMU names', () => {
  it.each([
    [0x603000000013c103n, 'op0:3 op1:0 crn:2 crm:0 op2:3'],
    [0x6030000000160003n, 'fw feat reg 3'],
    [0x6030000000140003n, 'fw reg 3'],
    [0x6030000000100040n, 'core reg 6030000000100040'], // %PRIx64, no 0x (target/arm/kvm.c:983 of 11.1.1)
    [0x6020000000110002n, 'demuxed reg 6020000000110002'],
    [0x606000000015ffffn, 'SVE VLS'],
    [0x40200000200e0298n, '40200000200e0298'],
  ])('%s prints as %s', (id, name) => {
    expect(qemuName(id)).toBe(name);
    if (!/^[0-9a-f]+$/.test(name)) expect(parseQemuName(name)).toBe(id);
  });
});

describe('other classes', () => {
  it('SVE Z/P/FFR ids decode and round-trip', () => {
    for (const name of ['SVE_Z0', 'SVE_Z31', 'SVE_P15', 'SVE_FFR', 'SVE_VLS']) {
      const info = catalog.lookupName(name)!;
      const d = decodeId(info.id)!;
      expect(d.class).toBe('sve');
      expect(encodeId(d)).toBe(info.id);
      expect(parseQemuName(qemuName(info.id))).toBe(info.id);
    }
    expect(idHex(catalog.lookupName('SVE_Z1')!.id)).toBe('0x6080000000150020');
    expect(idHex(catalog.lookupName('SVE_P0')!.id)).toBe('0x6050000000150400');
    expect(idHex(catalog.lookupName('SVE_FFR')!.id)).toBe('0x6050000000150600');
  });
  it('AArch32 TCG DBGDTRTX', () => {
    const id = 0x40200000200e0298n;
    expect(decodeId(id)).toEqual({ class: 'aarch32', fields: { ns: true, cp: 14, is64: false, crn: 0, crm: 5, opc1: 3, opc2: 0 } });
    expect(encodeId(decodeId(id)!)).toBe(id);
    expect(catalog.lookupId(id)?.name).toBe('DBGDTRTX');
    expect(parseRegisterTuple('cp14(3,0,5,0)')).toBe(id);
    expect(describeFields(id)).toContain('cp14');
  });
  it('timer CVAL/CNT ids are swapped', () => {
    expect(idHex(catalog.lookupName('KVM_REG_ARM_TIMER_CVAL')!.id)).toBe('0x603000000013df02');
    expect(idHex(catalog.lookupName('KVM_REG_ARM_TIMER_CNT')!.id)).toBe('0x603000000013df1a');
    expect(catalog.lookupName('CNTV_CVAL_EL0')!.name).toBe('KVM_REG_ARM_TIMER_CVAL');
    expect(catalog.lookupName('CNTVCT_EL0')!.name).toBe('KVM_REG_ARM_TIMER_CNT');
    expect(idHex(catalog.lookupName('KVM_REG_ARM_TIMER_CTL')!.id)).toBe('0x603000000013df19');
  });
  it('tuples', () => {
    expect(parseRegisterTuple('sysreg(3, 0, 2, 0, 3)')).toBe(0x603000000013c103n);
    expect(parseRegisterTuple('3,0,2,0,3')).toBe(0x603000000013c103n);
    expect(parseRegisterTuple('S3_0_C2_C0_3')).toBe(0x603000000013c103n);
    expect(parseRegisterTuple('fw-bmap(3)')).toBe(0x6030000000160003n);
    expect(parseRegisterTuple('fw(1)')).toBe(0x6030000000140001n);
    expect(parseRegisterTuple('sysreg(4,0,0,0,0)')).toBeUndefined();
    expect(parseRegisterTuple('nonsense')).toBeUndefined();
  });
  it('rejects ids of no class', () => {
    expect(decodeId(0x7030000000130000n)).toBeUndefined();
    expect(decodeId(0x6030000000990000n)).toBeUndefined();
    expect(decodeId(0x6020000000130000n)).toBeUndefined();
    expect(() => encodeId({ class: 'fw', index: 70000 })).toThrow(RangeError);
  });
});

describe('suggestNames', () => {
  it('finds close names', () => {
    expect(suggestNames(catalog, 'TCR2_EL')[0]).toBe('TCR2_EL1');
    expect(suggestNames(catalog, 'TRC2_EL1')).toContain('TCR2_EL1');
    expect(suggestNames(catalog, 'PIRE0_EL2', 2)).toContain('PIRE0_EL1');
    expect(suggestNames(catalog, 'ZZZZZZZZZZZZZZZZZ')).toEqual([]);
    expect(suggestNames(catalog, 'TCR2_EL1', 0)).toEqual([]);
  });
});
