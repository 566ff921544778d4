import { describe, expect, it } from 'vitest';
import {
  findProfile,
  idHex,
  loadBuiltinCatalog,
  loadBuiltinHistory,
  loadBuiltinProfiles,
  loadProfile,
  profileFromData,
  registerList,
  type HostProfile,
} from '../../src/catalog/index.js';

const catalog = loadBuiltinCatalog();
const history = loadBuiltinHistory();
const TCR2 = 0x603000000013c103n;
const PIRE0 = 0x603000000013c512n;
const PIR = 0x603000000013c513n;
const BMAP2 = 0x6030000000160003n;
const WA3 = 0x6030000000140003n;
const STD_BMAP = 0x6030000000160000n;
const POR_EL1 = 0x603000000013c514n;
const DBGDTRTX = 0x40200000200e0298n;

const list = (name: string) => registerList(findProfile(name)!, catalog, history);
const kernel = (k: string, features: string[] = []): HostProfile =>
  profileFromData({ name: `k${k}`, kernel: k, features }, 'test');

describe('registerList', () => {
  it('is sorted, unique, and has no core or SVE ids', () => {
    const l = list('n1-6.12');
    expect([...l].sort((a, b) => (a < b ? -1 : 1))).toEqual(l);
    expect(new Set(l).size).toBe(l.length);
    expect(l.some((id) => (id & 0xfff0000n) === 0x100000n || (id & 0xfff0000n) === 0x150000n)).toBe(false);
    expect(l).toContain(0x603000000013c000n); // MIDR_EL1
    expect(l).toContain(0x6020000000110000n); // CCSIDR demux L1D
  });
  it('follows the kernel history of domain.md §5', () => {
    const has = (k: string, id: bigint, f: string[] = []) => registerList(kernel(k, f), catalog, history).includes(id);
    expect(has('5.15', WA3)).toBe(false);
    expect(has('5.17', WA3)).toBe(true);
    expect(has('5.18', STD_BMAP)).toBe(false);
    expect(has('5.19', STD_BMAP)).toBe(true);
    expect(has('6.4', TCR2)).toBe(false);
    for (const v of ['6.5', '6.6', '6.12']) for (const id of [TCR2, PIRE0, PIR]) expect(has(v, id)).toBe(true);
    for (const id of [TCR2, PIRE0, PIR]) expect(has('6.13', id)).toBe(false);
    expect(has('6.13', TCR2, ['FEAT_TCR2'])).toBe(true);
    expect(has('6.13', PIR, ['S1PIE'])).toBe(true);
    expect(has('6.13', PIR, ['FEAT_TCR2'])).toBe(false);
    expect(has('6.14', BMAP2)).toBe(false);
    expect(has('6.15', BMAP2)).toBe(true);
    expect(has('6.12', POR_EL1)).toBe(false);
    expect(has('6.12', POR_EL1, ['FEAT_S1POE'])).toBe(true);
    expect(has('6.11', POR_EL1, ['FEAT_S1POE'])).toBe(false);
    expect(has('6.9', 0x603000000013da22n, ['FEAT_FP8'])).toBe(true); // FPMR (unverified)
    expect(has('6.12.40', TCR2)).toBe(true);
  });
  it('the stable flavour carries the WORKAROUND_3 backport', () => {
    const p = profileFromData({ name: 's', kernel: '5.15.100-stable' }, 't');
    expect(p.flavour).toBe('stable');
    expect(registerList(p, catalog, history)).toContain(WA3);
  });
  it('6.12 → 6.15 differ exactly by the seed registers', () => {
    const a = new Set(list('n1-6.12'));
    const b = new Set(list('n1-6.15'));
    expect([...a].filter((x) => !b.has(x)).map(idHex)).toEqual([TCR2, PIRE0, PIR].map(idHex));
    expect([...b].filter((x) => !a.has(x)).map(idHex)).toEqual([idHex(BMAP2)]);
  });
  it('TCG lists from the history follow the DBGDTRTX timeline (domain.md §7): 10.1 to 11.0 send it, 10.0.13 and 11.1 do not', () => {
    const tcg = (qemu: string) => registerList(profileFromData({ name: `tcg-${qemu}`, accel: 'tcg', qemu }, 't'), catalog, history);
    expect(tcg('10.0.13')).not.toContain(DBGDTRTX);
    expect(tcg('10.1')).toContain(DBGDTRTX);
    expect(tcg('11.0.2')).toContain(DBGDTRTX);
    expect(tcg('11.1')).not.toContain(DBGDTRTX);
    // The captures of the real binaries agree.
    expect(list('tcg-10.0.13-a57')).not.toContain(DBGDTRTX);
    expect(list('tcg-10.2.2-a57')).toContain(DBGDTRTX);
    expect(list('tcg-11.1.1-a57')).not.toContain(DBGDTRTX);
  });
  it('add/remove corrections and captured lists', () => {
    const p = profileFromData({ name: 'x', kernel: '6.12', remove: ['TCR2_EL1'], add: ['0x603000000013c083'] }, 't');
    const l = registerList(p, catalog, history);
    expect(l).not.toContain(TCR2);
    expect(l).toContain(0x603000000013c083n);
    const cap = profileFromData({ name: 'c', registers: ['0x6030000000100000', 'TCR2_EL1'] }, 't');
    expect(registerList(cap, catalog, history)).toEqual([TCR2]);
    expect(() => registerList(profileFromData({ name: 'u', kernel: '6.1', add: ['NOPE_EL1'] }, 't'), catalog, history)).toThrow(/NOPE_EL1/);
  });
  it('ships the built-in profiles', () => {
    const names = loadBuiltinProfiles().map((p) => p.name);
    for (const n of ['n1-5.15', 'n1-6.1', 'n1-6.6', 'n1-6.12', 'n1-6.13', 'n1-6.15', 'n1-6.18', 'ampereone-6.12', 'tcg-10.0.13-a57', 'tcg-10.0.13-max', 'tcg-10.2.2-a57', 'tcg-10.2.2-max', 'tcg-11.1.1-a57', 'tcg-11.1.1-max'])
      expect(names).toContain(n);
    expect(findProfile('ampereone-6.12')!.cpu!.midr).toBe(0xc00fac31);
    expect(findProfile('n1-6.12')!.cpu!.midr).toBe(0x413fd0c1);
  });
});

describe('captured register lists', () => {
  it('reads selftest-style text', () => {
    const text = '# kernel: 6.12.8\n0x603000000013c103\n\tARM64_SYS_REG(3, 0, 10, 2, 2),\t/* PIRE0_EL1 */\nKVM_REG_ARM_FW_FEAT_BMAP_REG(3),\nKVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | 0x0\n603000000013c513 PIR_EL1\n';
    const r = loadProfile('host.txt', { text });
    expect(r.diagnostics).toEqual([]);
    expect(r.profile!.kernel).toBe('6.12.8');
    expect(registerList(r.profile!, catalog, history)).toEqual([TCR2, PIRE0, PIR, BMAP2]);
  });
  it('reports a bad line with its span', () => {
    const r = loadProfile('host.txt', { text: '0x603000000013c103\n  banana\n' });
    expect(r.profile).toBeUndefined();
    expect(r.diagnostics[0].code).toBe('MTC2111');
    expect(r.diagnostics[0].span!.start).toMatchObject({ line: 2, column: 3 });
    expect(r.diagnostics[0].span!.end).toMatchObject({ line: 2, column: 9 });
  });
  it('reads JSON', () => {
    const r = loadProfile('h.json', { text: '{"name":"h","kernel":"6.15","registers":["0x6030000000160003", "603000000013c103"]}' });
    expect(r.diagnostics).toEqual([]);
    expect(registerList(r.profile!, catalog, history)).toEqual([TCR2, BMAP2]);
    // A 64-bit id as a JSON number has lost precision: refused.
    const lossy = loadProfile('h.json', { text: '[6931039826524241923]' });
    expect(lossy.diagnostics[0].code).toBe('MTC2111');
  });
  it('reads a YAML profile and locates errors', () => {
    const ok = loadProfile('p.yaml', { text: 'format: 1\nname: p\nkernel: "6.13"\nfeatures: [FEAT_TCR2]\n' });
    expect(registerList(ok.profile!, catalog, history)).toContain(TCR2);
    const bad = loadProfile('p.yaml', { text: 'format: 1\nname: p\nkernel: 6.13\ncpu: { midr: banana }\n' });
    expect(bad.diagnostics.length).toBeGreaterThan(0);
    expect(bad.diagnostics[0]).toMatchObject({ code: 'MTC2106' });
    expect(bad.diagnostics.map((d) => d.span!.start.line)).toContain(3);
  });
});
