/**
 * Host profiles read from the real streams: golden files (what `mtc capture`
 * prints for each fixture, given what QMP told the fixture script), readable
 * by the profile loader and by `mtc simulate` next to the built-in profiles.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpregLists } from '../../src/capture/cpreg.js';
import { buildProfile, defaultProfileName, renderProfileYaml, type CaptureMeta } from '../../src/capture/profile.js';
import { parseStream } from '../../src/capture/savevm.js';
import { loadBuiltinCatalog } from '../../src/catalog/index.js';
import { loadProfile, registerList } from '../../src/catalog/profile.js';
import { loadBuiltinHistory } from '../../src/catalog/history.js';
import { idHex } from '../../src/catalog/regid.js';
import { runBin } from '../support/cli.js';
import { fixtureDir, fixtureNames, manifest, stream } from './support.js';

/** What the live capture knows from QMP, as the fixture script recorded it. */
export function metaOf(name: string): CaptureMeta {
  const m = manifest.fixtures[name];
  const v = m.query_version.qemu;
  return {
    accel: 'tcg',
    qemuVersion: `${v.major}.${v.minor}.${v.micro}`,
    cpu: m.cpu,
    cpuType: m.cpus[0]['qom-type'],
    midr: m.midr,
    machine: m.machine_qom_type.replace(/-machine$/, ''),
  };
}

function profileYaml(name: string): string {
  const b = stream(name);
  const p = parseStream(b);
  return renderProfileYaml(buildProfile(p, cpregLists(b, p), metaOf(name)), loadBuiltinCatalog());
}

const goldenPath = (name: string) => `${fixtureDir}${name}.profile.yaml`;

describe.each(fixtureNames)('%s', (name) => {
  const yaml = profileYaml(name);

  it('equals the golden profile (UPDATE_GOLDEN=1 rewrites it)', () => {
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(goldenPath(name), yaml);
    expect(existsSync(goldenPath(name)), `missing ${goldenPath(name)}`).toBe(true);
    expect(yaml).toBe(readFileSync(goldenPath(name), 'utf8'));
  });

  it('loads as a host profile whose register list is exactly the captured list', () => {
    const r = loadProfile(goldenPath(name));
    expect(r.diagnostics).toEqual([]);
    const b = stream(name);
    const [cpu0] = cpregLists(b, parseStream(b));
    expect(registerList(r.profile!, loadBuiltinCatalog(), loadBuiltinHistory()).map(idHex)).toEqual(cpu0.indexes.map(idHex));
    const data = parse(yaml) as { values: Record<string, string>; cpu: { midr: string }; qemu: string; accel: string; capture: Record<string, unknown> };
    expect(Object.keys(data.values)).toEqual(cpu0.indexes.map(idHex));
    expect(Object.values(data.values).map((v) => BigInt(v))).toEqual(cpu0.values);
    expect(Number(data.cpu.midr)).toBe(manifest.fixtures[name].midr);
    expect([data.accel, data.qemu]).toEqual(['tcg', manifest.fixtures[name].qemu]);
    expect(data.capture.vcpus).toBe(manifest.fixtures[name].smp);
  });
});

describe('profile details', () => {
  it('names registers in comments: the catalog name, else the generic sysreg name', () => {
    const y = readFileSync(goldenPath('qemu-10.2.2-virt-10.2-max'), 'utf8');
    expect(y).toContain('  - "0x40200000200e0298"  # DBGDTRTX\n');
    expect(y).toContain('  - "0x603000000013c006"  # REVIDR_EL1\n');
    expect(y).toMatch(/ {2}- "0x603000000013e081" {2}# S3_4_C1_C0_1\n/);
  });

  it('the default name is made of accelerator, QEMU version, machine type and CPU', () => {
    expect(defaultProfileName({ accel: 'tcg', qemuVersion: '10.2.2', cpu: 'max' }, 'virt-10.2')).toBe('tcg-qemu-10.2.2-virt-10.2-max');
    expect(defaultProfileName({ accel: 'kvm', qemuVersion: '11.1.1', cpu: 'host', kernel: '6.12.40-stable' }, 'virt')).toBe('kvm-6.12.40-stable-qemu-11.1.1-virt-host');
    expect(defaultProfileName({ accel: 'tcg', cpu: 'max,sve=off' }, undefined)).toBe('tcg-qemu-max_sve_off');
    expect(defaultProfileName({ accel: 'tcg', qemuVersion: '10.2.2', cpu: 'max' }, 'virt-10.2', 2)).toBe('tcg-qemu-10.2.2-virt-10.2-max-smp2');
  });

  it('a KVM capture lists MIDR_EL1 itself: the cpu block comes from the migrated values', () => {
    const b = stream('qemu-10.2.2-virt-10.2-max');
    const p = parseStream(b);
    const [l] = cpregLists(b, p);
    const withMidr = { ...l, indexes: [...l.indexes, 0x603000000013c000n].sort((x, y) => (x < y ? -1 : 1)) };
    const values = withMidr.indexes.map((id) => (id === 0x603000000013c000n ? 0x413fd0c1n : l.values[l.indexes.indexOf(id)]));
    const prof = buildProfile(p, [{ ...withMidr, values }], { accel: 'kvm', qemuVersion: '10.2.2', cpu: 'host', kernel: '6.12.40-stable' });
    expect(prof.cpu).toEqual({ name: 'host', midr: '0x413fd0c1', revidr: '0x00000000', aidr: '0x00000000' });
    expect(prof.kernel).toBe('6.12.40-stable');
    expect(prof.description).toBe('captured by mtc capture: QEMU 10.2.2 -M virt-10.2 -cpu host -accel kvm, kernel 6.12.40-stable');
  });

  it('`values` for a register that is not in `registers` is refused (MTC2106)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtc-prof-'));
    try {
      const f = join(dir, 'p.yaml');
      writeFileSync(f, 'format: 1\nname: p\naccel: tcg\nqemu: "10.2.2"\nregisters: ["0x603000000013c006"]\nvalues:\n  "0x603000000013c807": "0x0"\n');
      const r = loadProfile(f);
      expect(r.profile).toBeUndefined();
      expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([['MTC2106', 'host profile: `values` has 0x603000000013c807, which is not in `registers`']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mtc simulate reads captured profiles next to a built-in one', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mtc-capture-sim-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const hosts = ['qemu-10.2.2-virt-10.2-max', 'qemu-10.2.2-virt-10.2-cortex-a57'].map(goldenPath);

  it('--hosts with the built-in tcg-10.0.13-a57 profile: a matrix of all three; max → cortex-a57 fails with the line real QEMU 10.2.2 printed', () => {
    const out = join(dir, 'sim.json');
    const r = runBin(['simulate', '--hosts', 'catalog/hosts/tcg-10.0.13-a57.yaml', ...hosts, '--machine', 'virt-10.2', '--format', 'json', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rep = JSON.parse(readFileSync(out, 'utf8')) as { hosts: { name: string }[] };
    expect(rep.hosts.map((h) => h.name).sort()).toEqual(['tcg-10.0.13-a57', 'tcg-qemu-10.2.2-virt-10.2-cortex-a57', 'tcg-qemu-10.2.2-virt-10.2-max']);
    const text = runBin(['simulate', '--hosts', 'catalog/hosts/tcg-10.0.13-a57.yaml', ...hosts, '--machine', 'virt-10.2']);
    expect(text.code).toBe(0);
    const cell = text.stdout.split('✗ tcg-qemu-10.2.2-virt-10.2-max → tcg-qemu-10.2.2-virt-10.2-cortex-a57: fails\n')[1];
    expect(cell, text.stdout).toBeDefined();
    const real = manifest.loads.find((l) => l.from === 'qemu-10.2.2-virt-10.2-max' && l.to === 'qemu-10.2.2-virt-10.2-cortex-a57')!;
    expect(cell.split('\n')[0].trim()).toBe(real.stderr[0]);
    // Each captured host migrates to itself.
    expect(text.stdout).not.toMatch(/✗ (tcg-qemu-10\.2\.2-\S+) → \1:/);
  });
});
