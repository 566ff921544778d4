/**
 * The kernel history's flavours and gates: the S1POE hide (mainline 7.0 and
 * its stable backports, gated on the hardware feature and the host kernel's
 * CONFIG_ARM64_POE), SCTLR2_EL1 (6.17, no 6.12.y backport in a release), and
 * distribution kernels described as a flavour plus named backports (RHEL 9).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog, loadBuiltinHistory, loadHistory, loadProfile, profileFromData, registerList } from '../../src/catalog/index.js';
import { catalogCodes } from '../../src/catalog/codes.js';
import { tempProject } from '../helpers.js';
import { runBin } from '../support/cli.js';

const catalog = loadBuiltinCatalog();
const history = loadBuiltinHistory();
const POR_EL1 = 0x603000000013c514n; // (3,0,10,2,4)
const POR_EL0 = 0x603000000013dd14n; // (3,3,10,2,4)
const SCTLR2_EL1 = 0x603000000013c083n;

function host(kernel: string, extra: { features?: readonly string[]; kernel_config?: Readonly<Record<string, boolean>>; backports?: readonly string[] } = {}) {
  return profileFromData(
    {
      name: `h-${kernel}`,
      kernel,
      ...(extra.features ? { features: [...extra.features] } : {}),
      ...(extra.kernel_config ? { kernel_config: { ...extra.kernel_config } } : {}),
      ...(extra.backports ? { backports: [...extra.backports] } : {}),
    },
    'test',
  );
}
const lists = (kernel: string, extra: Parameters<typeof host>[1] = {}) => {
  const l = registerList(host(kernel, extra), catalog, history);
  return { por1: l.includes(POR_EL1), por0: l.includes(POR_EL0), sctlr2: l.includes(SCTLR2_EL1), all: l };
};

describe('the catalog names POR_EL1, POR_EL0 and SCTLR2_EL1 at the ids these tests use', () => {
  it.each([
    ['POR_EL1', POR_EL1],
    ['POR_EL0', POR_EL0],
    ['SCTLR2_EL1', SCTLR2_EL1],
  ] as const)('%s', (name, id) => expect(catalog.lookupName(name)?.id).toBe(id));
});

describe('S1POE hidden when the host kernel lacks CONFIG_ARM64_POE (f66857bafd4f)', () => {
  const S1POE = { features: ['FEAT_S1POE'] };
  const NO_POE = { features: ['FEAT_S1POE'], kernel_config: { CONFIG_ARM64_POE: false } };
  it.each([
    // kernel, profile, listed
    ['6.11', S1POE, false], // before POR (b86c9bea6349, 6.12)
    ['6.12', NO_POE, true], // mainline 6.12: gated on the hardware only
    ['6.12.76-stable', NO_POE, true], // the stable series before the backport
    ['6.12.77-stable', NO_POE, false], // 6.12.77 carries the backport
    ['6.12.77-stable', S1POE, true], // CONFIG_ARM64_POE defaults to y
    ['6.12.77-stable', { features: [] as string[] }, false], // no hardware, no POR
    ['6.15.3-stable', NO_POE, true], // 6.15.y never got it: the 6.12.y entry does not reach it
    ['6.18.16-stable', NO_POE, true],
    ['6.18.17-stable', NO_POE, false],
    ['6.19.7-stable', NO_POE, false],
    ['6.19', NO_POE, true], // mainline 6.19
    ['7.0', NO_POE, false],
    ['7.0', { features: ['FEAT_S1POE'], kernel_config: { CONFIG_ARM64_POE: true } }, true],
  ] as const)('%s %j: POR_EL0/POR_EL1 listed %s', (kernel, extra, listed) => {
    const l = lists(kernel, extra);
    expect([l.por0, l.por1]).toEqual([listed, listed]);
  });
  it('the change says why, with its commits', () => {
    const changes = history.changes.filter((c) => c.register === 'POR_EL1' && c.when.includes('CONFIG_ARM64_POE'));
    expect(changes.map((c) => [c.since, c.flavours ?? null, c.commit])).toEqual([
      ['7.0', null, 'f66857bafd4f'],
      ['6.12.77', ['stable'], '016f1f7ccafd'],
      ['6.18.17', ['stable'], 'f66857bafd4f'],
      ['6.19.7', ['stable'], 'f66857bafd4f'],
    ]);
  });
  it('decode shows the gate', () => {
    const r = runBin(['decode', 'POR_EL1']);
    expect(r.stdout).toContain('since 7.0: FEAT_S1POE & CONFIG_ARM64_POE (f66857bafd4f)');
    expect(r.stdout).toContain('since 6.12.77: FEAT_S1POE & CONFIG_ARM64_POE (016f1f7ccafd) [flavours stable]');
  });
});

describe('SCTLR2_EL1 (075c2dc7367e)', () => {
  it('listed on FEAT_SCTLR2 hosts from 6.17; not in 6.12.y, whose 6.12.77 was released without the queued backport', () => {
    expect(lists('6.17', { features: ['FEAT_SCTLR2'] }).sctlr2).toBe(true);
    expect(lists('6.17', {}).sctlr2).toBe(false);
    expect(lists('6.12.77-stable', { features: ['FEAT_SCTLR2'] }).sctlr2).toBe(false);
    const c = history.changes.find((x) => x.register === 'SCTLR2_EL1')!;
    expect(c).toMatchObject({ since: '6.17', commit: '075c2dc7367e', unverified: true });
    expect(c.note).toContain('6.12.77 was released without it');
  });
});

describe('RHEL 9: 5.14 plus named backports, and el9 flavours', () => {
  const example = join('examples', 'rhel9-host.yaml');
  it('the example profile loads: 5.14.0 with an el9_6 flavour and its backports', () => {
    const { profile, diagnostics } = loadProfile(example, { catalog });
    expect(diagnostics).toEqual([]);
    expect(profile).toMatchObject({ name: 'n1-rhel9.6', kernel: '5.14.0', flavour: '570.12.1.el9_6.aarch64', backports: ['a5905d6af492', '05714cab7d63', '428fd6788d4d', 'b22216e1a617'] });
  });
  it('its list is 5.14\'s (the history\'s oldest, 5.15) plus the four registers of its backports', () => {
    const { profile } = loadProfile(example, { catalog });
    const rhel = registerList(profile!, catalog, history);
    const base = registerList(host('5.14.0'), catalog, history);
    const added = rhel.filter((x) => !base.includes(x)).map((x) => catalog.lookupId(x)?.name);
    expect(added).toEqual(['KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3', 'KVM_REG_ARM_STD_BMAP', 'KVM_REG_ARM_STD_HYP_BMAP', 'KVM_REG_ARM_VENDOR_HYP_BMAP']);
    expect(base.filter((x) => !rhel.includes(x))).toEqual([]);
    // What 6.1 lists for a plain guest, as the history models it.
    expect(rhel).toEqual(registerList(host('6.1'), catalog, history));
  });
  it('a backported change that a later one replaces follows the later one when both are named', () => {
    const tcr2 = 0x603000000013c103n;
    expect(registerList(host('5.14.0-427.el9_4', { backports: ['fbff56068232'] }), catalog, history)).toContain(tcr2);
    expect(registerList(host('5.14.0-427.el9_4', { backports: ['fbff56068232', '0fcb4eea5345'] }), catalog, history)).not.toContain(tcr2);
    expect(registerList(host('5.14.0-427.el9_4', { features: ['FEAT_TCR2'], backports: ['fbff56068232', '0fcb4eea5345'] }), catalog, history)).toContain(tcr2);
  });
  it('history entries for el9 reach every RHEL 9 kernel, entries for el9_6 only RHEL 9.6\'s', () => {
    const dir = tempProject({
      'el9.yaml': [
        'format: 1',
        'releases: []',
        'changes:',
        '  - { register: KVM_REG_ARM_STD_BMAP, since: "5.14.0", when: always, flavours: [el9], note: example }',
        '  - { register: KVM_REG_ARM_VENDOR_HYP_BMAP, since: "5.14.0", when: always, flavours: [el9_6], note: example }',
        '',
      ].join('\n'),
    });
    const { history: h, diagnostics } = loadHistory(join(dir, 'el9.yaml'), { catalog });
    expect(diagnostics).toEqual([]);
    const names = (kernel: string) => registerList(host(kernel), catalog, h).map((x) => catalog.lookupId(x)?.name);
    expect(names('5.14.0-570.12.1.el9_6.aarch64')).toEqual(expect.arrayContaining(['KVM_REG_ARM_STD_BMAP', 'KVM_REG_ARM_VENDOR_HYP_BMAP']));
    expect(names('5.14.0-427.13.1.el9_4.aarch64')).toContain('KVM_REG_ARM_STD_BMAP');
    expect(names('5.14.0-427.13.1.el9_4.aarch64')).not.toContain('KVM_REG_ARM_VENDOR_HYP_BMAP');
    expect(names('5.14.0')).not.toContain('KVM_REG_ARM_STD_BMAP');
  });
  it('MTC2113: a backport the history has no change for is reported, and the profile still loads', () => {
    const dir = tempProject({ 'h.yaml': 'format: 1\nname: h\nkernel: "5.14.0-570.el9_6"\nbackports: [deadbeef1234]\n' });
    const { profile, diagnostics } = loadProfile(join(dir, 'h.yaml'), { catalog });
    expect(profile).toBeDefined();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'MTC2113', severity: 'warning', message: 'host profile: backport `deadbeef1234` is the commit of no change in the kernel history, so it changes nothing' });
    expect(diagnostics[0]!.span?.start.line).toBe(4);
    expect(catalogCodes.MTC2113.severity).toBe('warning');
    const cli = runBin(['explain', '--from', 'h.yaml', '--to', 'n1-6.1'], dir, {}, '');
    expect(cli.code).toBe(0);
    expect(cli.stderr).toContain('warning[MTC2113]: h.yaml:4:13: host profile: backport `deadbeef1234` is the commit of no change in the kernel history');
  });
  it('through the CLI: explain names what the backports add against mainline 5.15', () => {
    const r = runBin(['explain', '--from', example, '--to', 'n1-5.15', '--qemu', '11.1'], process.cwd(), {}, '');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Unexpected: KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3 0x6030000000140003 (fw reg 3)');
    expect(r.stdout).toContain('Unexpected: KVM_REG_ARM_STD_BMAP 0x6030000000160000 (fw feat reg 0)');
    const same = runBin(['explain', '--from', example, '--to', 'n1-6.1'], process.cwd(), {}, '');
    expect(same.stdout).toContain('note: n1-rhel9.6 and n1-6.1 list the same');
  });
  it('the profile schema refuses a malformed backport and a kernel option that is not CONFIG_…', () => {
    const dir = tempProject({});
    writeFileSync(join(dir, 'bad.yaml'), 'format: 1\nname: h\nkernel: "5.14.0"\nbackports: [not-a-commit]\nkernel_config: { ARM64_POE: false }\n');
    const { profile, diagnostics } = loadProfile(join(dir, 'bad.yaml'), { catalog });
    expect(profile).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(['MTC2106', 'MTC2106']);
  });
});
