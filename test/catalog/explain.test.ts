/**
 * `mtc explain LOG`, in process: every template of catalog/qemu/releases.yaml
 * is read back by the log reader, the names QEMU prints decode to the ids it
 * meant, the release guess, and the explanation of the seed log. The real
 * logs through the built CLI are in explain-logs.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explainLog, parseMigrationLog } from '../../src/explain/explain.js';
import { run as runExplain } from '../../src/cli/commands/explain.js';
import { guessRelease, parsePrintedName, type LogEvent } from '../../src/explain/log.js';
import { run as runDecode } from '../../src/cli/commands/decode.js';
import { findProfile, idHex, loadBuiltinCatalog, loadBuiltinHistory } from '../../src/catalog/index.js';
import { loadReleases, renderLine } from '../../src/qemu/releases.js';

const seed = readFileSync(new URL('../fixtures/catalog/seed-002-migration.log', import.meta.url), 'utf8');
const catalog = loadBuiltinCatalog();
const history = loadBuiltinHistory();
const TCR2 = 0x603000000013c103n;
const BMAP2 = 0x6030000000160003n;
const DBGDTRTX = 0x40200000200e0298n;

const summary = (e: LogEvent) => (e.kind === 'missing' || e.kind === 'unexpected' ? `${e.kind} ${e.id.toString(16)}` : e.kind === 'load-failed' ? `load-failed ${e.cause}` : e.kind);

describe('the log reader reads every template of every release', () => {
  const vars = { incoming: 363, local: 276, n: 2, v: 214, i: 213, hex: idHex(TCR2), fn: 'kvm_arm_cpu_post_load', name: 'system register op0:3 op1:0 crn:2 crm:0 op2:3' };
  const cases = loadReleases().flatMap((r) =>
    (
      [
        ...r.messages.lengthFail.map((t) => ['lengthFail', t]),
        ...r.messages.postLoadFail.map((t) => ['postLoadFail', t]),
        ['missing', r.messages.missing],
        ['unexpected', r.messages.unexpected],
        ['traceMissing', r.traceMissing],
        ['traceUnexpected', r.traceUnexpected],
        ['tracePostLoad', r.tracePostLoad],
      ] as [string, string | null | undefined][]
    )
      .filter((x): x is [string, string] => typeof x[1] === 'string')
      .map(([k, t]) => [r.id, k, t] as const),
  );
  it('there are templates of 11.1, the series and 10.x', () => {
    expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(['10.0', '10.2', 'x-mig-series', '11.0', '11.1']));
  });
  it.each(cases)('%s %s', (release, key, template) => {
    const line = renderLine(template, vars);
    const [ev] = parseMigrationLog(line + '\n');
    expect(ev, line).toBeDefined();
    expect(ev!.releases).toContain(release);
    if (key === 'missing' || key === 'unexpected' || key.startsWith('trace') && key !== 'tracePostLoad') {
      expect(ev).toMatchObject({ kind: key.toLowerCase().includes('missing') ? 'missing' : 'unexpected', id: TCR2 });
      if (template.includes('{n}')) expect(ev).toMatchObject({ n: 2 });
      if (template.includes('{v}')) expect(ev).toMatchObject({ v: 214, i: 213 });
    } else if (key === 'tracePostLoad' || template.includes('{incoming}')) {
      expect(ev).toMatchObject({ incoming: 363, local: 276 });
    } else expect(ev!.kind).toBe('load-failed');
  });
});

describe('register names as QEMU prints them', () => {
  it.each([
    ['system register 0x200e0298', DBGDTRTX, 'tcg'],
    ['system register 0x1013c030', 0x603000000013c030n, 'tcg'],
    ['system register 0x200f0803', 0x40200000200f0803n, 'tcg'],
    ['system register op0:3 op1:0 crn:2 crm:0 op2:3', TCR2, 'kvm'],
    ['op0:3 op1:0 crn:2 crm:0 op2:3', TCR2, 'kvm'],
    ['fw feat reg 3', BMAP2, 'kvm'],
    ['core reg 6030000000100000', 0x6030000000100000n, 'kvm'],
    ['demuxed reg 6020000000110002', 0x6020000000110002n, 'kvm'],
    ['40200000200e0298', DBGDTRTX, 'kvm'],
  ] as const)('%s', (name, id, accel) => {
    expect(parsePrintedName(name)).toEqual({ id, accel });
  });
});

describe('explain', () => {
  it('reads the wrapped, quoted seed log, numbered as QEMU numbers it', () => {
    const ev = parseMigrationLog(seed);
    expect(ev.map(summary)).toEqual(['missing 6030000000160003', 'unexpected 603000000013c103', 'unexpected 603000000013c512', 'unexpected 603000000013c513', 'load-failed other', 'load-failed post-load']);
    expect(ev.slice(0, 4).map((e) => (e as { n?: number }).n)).toEqual([0, 0, 1, 2]);
    expect(guessRelease(ev).candidates).toEqual(['x-mig-series']);
  });
  it('explains the seed log and suggests the rule', () => {
    const r = explainLog(seed, catalog, history, { machine: 'virt-10.1' });
    expect(r.release.id).toBe('x-mig-series');
    expect(r.registers.map((x) => [x.name, x.direction, x.remedy, x.range])).toEqual([
      ['KVM_REG_ARM_VENDOR_HYP_BMAP_2', 'missing', 'hide', 'since 6.15'],
      ['TCR2_EL1', 'unexpected', 'tolerate', 'kernel 6.5..6.12'],
      ['PIRE0_EL1', 'unexpected', 'tolerate', 'kernel 6.5..6.12'],
      ['PIR_EL1', 'unexpected', 'tolerate', 'kernel 6.5..6.12'],
    ]);
    expect(r.rule).toContain('target x-mig;');
    expect(r.rule).toContain('machine virt-10.1 {');
    expect(r.rule).toContain('tolerate TCR2_EL1, PIRE0_EL1, PIR_EL1 kernel 6.5..6.12 {');
    expect(r.rule).toContain('hide KVM_REG_ARM_VENDOR_HYP_BMAP_2 since 6.15 {');
    expect(r.registers[1]!.why.join(' ')).toContain('FEAT_TCR2');
  });
  it('uses the value-test form under target tolerances', () => {
    const r = explainLog(seed, catalog, history, { machine: 'virt-10.1', target: 'tolerances' });
    expect(r.rule).toContain('tolerate KVM_REG_ARM_VENDOR_HYP_BMAP_2 when value & 0xffffffffffffffff == 0 since 6.15 {');
  });
  it('names what the length check hides from host profiles, and says when they do not match the log', () => {
    const log = 'qemu-system-aarch64: Invalid value 292 expecting positive value <= 291\nqemu-system-aarch64: Failed to load cpu:cpreg_vmstate_array_len\n';
    const r = explainLog(log, catalog, history, { from: findProfile('n1-6.15')!, to: findProfile('n1-6.13')! });
    expect(r.registers.map((x) => [x.name, x.direction, x.status])).toEqual([['KVM_REG_ARM_VENDOR_HYP_BMAP_2', 'unexpected', 'fails']]);
    expect(r.notes.join('\n')).toContain('line 1: the source sent 292 registers, the destination has 291 (the host profiles list');
  });
  it('explains an invariant MIDR and suggests allow cpu', () => {
    const log = 'qemu-system-aarch64: Could not set register op0:3 op1:0 crn:0 crm:0 op2:0 to c00fac31 (is 413fd0c1)\n';
    const r = explainLog(log, catalog, history, { machine: 'virt-10.1' });
    expect(r.notes[0]).toMatch(/MIDR_EL1 is invariant.*6\.15/);
    expect(r.rule).toContain('allow cpu 0xc00fac31;');
  });
  it('TCG DBGDTRTX in the series form', () => {
    const r = explainLog('kvm_arm_cpu_post_load Unexpected register in input stream: 0 0x40200000200e0298 40200000200e0298\n', catalog, history, {});
    expect(r.registers[0]).toMatchObject({ name: 'DBGDTRTX', remedy: 'tcg' });
    expect(r.rule).toContain('tolerate DBGDTRTX (0x40200000200e0298)');
  });
  it('CLI run prints and returns 0; 1 when nothing is found; 2 on a bad --target', async () => {
    let out = '';
    expect(await runExplain('test/fixtures/catalog/seed-002-migration.log', { machine: 'virt-10.1' }, (s) => (out += s), () => {})).toBe(0);
    expect(out).toContain('Missing: KVM_REG_ARM_VENDOR_HYP_BMAP_2 0x6030000000160003 (fw feat reg 3), line 8');
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
