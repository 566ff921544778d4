/**
 * Shared compat sets (issue 15): `compat NAME { set ...; }` and `use NAME;` —
 * parsing, diagnostics with their spans, QEMU's semantics over the chain, the
 * generated C, the JSON document and the formatter.
 */
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/emit/build.js';
import { formatSource } from '../../src/format/format.js';
import { compileFiles, only, parse, tempProject, where } from '../helpers.js';
import { runBin } from '../support/cli.js';
import { compatPropsOf, type BuildDocument } from '../../src/contract/build-document.js';

const SETS = `compat hw_compat_10_1 {
  set virtio-net-device.host_tunnel = off;
  set arm-smmuv3.ril = on;
}

compat hw_compat_10_0 {
  set arm-smmuv3.ril = off { reason "10.0 had no RIL"; }
  set virtio-pci.disable-modern = on optional;
}
`;

const VIRT = `machine virt-10.2;

machine virt-10.1 {
  use hw_compat_10_1;
}

machine virt-10.0 {
  use hw_compat_10_0;
  set arm-smmuv3.ril = maybe;
}
`;

function build(files: Record<string, string>) {
  const r = compileFiles(files);
  expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return { r, gen: generate(r.model!) };
}

describe('syntax', () => {
  it('parses a set, `optional` after the value and `optional` as a value word', () => {
    const p = parse('compat s {\n  set a.b = on optional;\n  set a.c = optional;\n}\nmachine v-1.0 { use s { reason "r"; } }\n');
    expect(p.diagnostics).toEqual([]);
    const [set, machine] = p.ast.statements;
    expect(set!.kind).toBe('CompatSet');
    if (set!.kind !== 'CompatSet' || machine!.kind !== 'Machine') throw new Error('shape');
    const [a, b] = set.body;
    expect(a).toMatchObject({ kind: 'SetProperty', driver: 'a', property: 'b', value: { name: 'on' }, optional: { name: 'optional' } });
    expect(b).toMatchObject({ kind: 'SetProperty', property: 'c', value: { name: 'optional' } });
    expect((b as { optional?: unknown }).optional).toBeUndefined();
    expect(machine.body[0]).toMatchObject({ kind: 'Use', name: { name: 's' } });
  });

  it('a compat set missing its `}` is a located error', () => {
    const p = parse('compat s {\n  set a.b = on;\n');
    const [d] = only(p.diagnostics, 'MTC0004');
    expect(d!.message).toBe('expected `}` to close compat set `s`, found end of file');
    expect(where(d!)).toBe('2:16-2:16');
  });
});

describe('diagnostics', () => {
  it('MTC1028: only `set` rules in a compat set, located at the keyword', () => {
    const r = compileFiles({ 'a.mtc': 'compat s {\n  hide TCR2_EL1 { reason "r"; }\n  use t;\n}\nmachine v-1.0 { use s; }\n' });
    const ds = only(r.diagnostics, 'MTC1028');
    expect(ds.map((d) => `${where(d)} ${d.message}`)).toEqual([
      '2:3-2:7 `hide` is not allowed in compat set `s`: a compat set holds `set` rules only',
      '3:3-3:6 `use` is not allowed in compat set `s`: a compat set holds `set` rules only',
    ]);
    expect(ds[1]!.help).toBe('compat sets do not nest: `use` both sets on the machine types');
  });

  it('MTC1029: `use` of an undeclared set, with a suggestion and a fix', () => {
    const r = compileFiles({ 'a.mtc': 'compat hw_compat_10_1 { set a.b = c; }\nmachine virt-10.1 {\n  use hw_compat_10_2;\n}\n' });
    const [d] = only(r.diagnostics, 'MTC1029');
    expect(d!.message).toBe('`hw_compat_10_2` is not a compat set of this project');
    expect(where(d!)).toBe('3:7-3:21');
    expect(d!.help).toBe('did you mean `hw_compat_10_1`?');
    expect(d!.fix?.edits[0]?.text).toBe('hw_compat_10_1');
  });

  it('MTC1030: a set declared twice, across files, with the first labelled', () => {
    const r = compileFiles({ 'a.mtc': 'compat s { set a.b = c; }\nmachine v-1.0 { use s; }\n', 'b.mtc': '\ncompat s { set a.b = d; }\n' });
    const [d] = only(r.diagnostics, 'MTC1030');
    expect(d!.file).toBe('b.mtc');
    expect(where(d!)).toBe('2:8-2:9');
    expect(d!.labels?.[0]).toMatchObject({ file: 'a.mtc', message: 'first declared here' });
  });

  it('MTC1031: a set nothing uses (warning); MTC1032: a set used twice by one machine type', () => {
    const r = compileFiles({ 'a.mtc': 'compat s { set a.b = c; }\ncompat unused { set a.b = d; }\nmachine v-1.0 {\n  use s;\n  use s;\n}\n' });
    const [u] = only(r.diagnostics, 'MTC1031');
    expect(u).toMatchObject({ severity: 'warning', message: 'compat set `unused` is not used by any machine type' });
    expect(where(u!)).toBe('2:8-2:14');
    const [t] = only(r.diagnostics, 'MTC1032');
    expect(t).toMatchObject({ severity: 'warning', message: '`v-1.0` uses compat set `s` twice' });
    expect(where(t!)).toBe('5:7-5:8');
  });

  it('the rules of a set are checked like a machine type\'s: a managed register array (MTC3003), a bad property (MTC1023)', () => {
    const r = compileFiles({ 'a.mtc': 'compat s {\n  set arm-cpu.x-mig-hidden-regs = "1";\n  set nodot = 1;\n}\nmachine v-1.0 { use s; }\n' });
    expect(where(only(r.diagnostics, 'MTC3003')[0]!)).toBe('2:7-2:32');
    expect(where(only(r.diagnostics, 'MTC1023')[0]!)).toBe('3:7-3:12');
  });
});

describe('semantics: QEMU order over the chain', () => {
  const { r, gen } = build({ 'sets.mtc': SETS, 'virt.mtc': VIRT });
  type Prop = { driver: string; property: string; value: string; origin: string; compatSet?: string; optional?: boolean };
  const doc = JSON.parse(gen.files.get('mtc-build.json')!) as {
    rules: unknown[];
    machineTypes: { name: string; uses?: string[]; effective: { properties: number[] } }[];
  };
  const effective = compatPropsOf(doc as unknown as BuildDocument);
  // The build document lists every rule once; a machine type's sets are indexes into it.
  const mt = (n: string) => {
    const m = doc.machineTypes.find((x) => x.name === n)!;
    return { ...m, compatProps: effective.get(n)!, effective: { properties: m.effective.properties.map((i) => doc.rules[i] as Prop) } };
  };

  it('compatProps: each used set in `use` order, then the own `set`s, newest machine type first (as query-machines lists them)', () => {
    expect(mt('virt-10.0').compatProps.map((p) => `${p['qom-type']}.${p.property}=${p.value}`)).toEqual([
      'virtio-net-device.host_tunnel=off',
      'arm-smmuv3.ril=on',
      'arm-smmuv3.ril=off',
      'virtio-pci.disable-modern=on',
      'arm-smmuv3.ril=maybe',
    ]);
    expect(mt('virt-10.1').compatProps).toHaveLength(2);
    expect(mt('virt-10.2').compatProps).toEqual([]);
  });

  it('effective properties: scalars last-wins over the whole chain, entries tagged with their set and `optional`', () => {
    expect(mt('virt-10.0').effective.properties.map((p) => [p.driver, p.property, p.value, p.origin, p.compatSet ?? '-', p.optional ?? false])).toEqual([
      ['arm-smmuv3', 'ril', 'maybe', 'virt-10.0', '-', false],
      ['virtio-net-device', 'host_tunnel', 'off', 'virt-10.1', 'hw_compat_10_1', false],
      ['virtio-pci', 'disable-modern', 'on', 'virt-10.0', 'hw_compat_10_0', true],
    ]);
    expect(mt('virt-10.1').effective.properties.find((p) => p.property === 'ril')?.value).toBe('on');
    expect(mt('virt-10.0').uses).toEqual(['hw_compat_10_0']);
    expect(mt('virt-10.2').uses).toBeUndefined();
  });

  it('the model lists each set with its users', () => {
    expect(r.model!.compatSets!.map((s) => `${s.name}: ${s.usedBy.join(',')} (${s.entries.length})`)).toEqual([
      'hw_compat_10_0: virt-10.0 (2)',
      'hw_compat_10_1: virt-10.1 (2)',
    ]);
  });

  it('C: the sets once, as QEMU writes hw_compat arrays, and each options function adds them before its own array', () => {
    expect(gen.files.get('c/compat-sets.c')).toContain(
      [
        '/* Compat set hw_compat_10_0 (sets.mtc:6), used by virt-10.0. */',
        'GlobalProperty hw_compat_10_0[] = {',
        '    /* 10.0 had no RIL */',
        '    { "arm-smmuv3", "ril", "off" },',
        '    { "virtio-pci", "disable-modern", "on", .optional = true },',
        '};',
        'const size_t hw_compat_10_0_len = G_N_ELEMENTS(hw_compat_10_0);',
      ].join('\n'),
    );
    const virt = gen.files.get('c/virt.c')!;
    expect(virt).toContain('extern GlobalProperty hw_compat_10_1[];\nextern const size_t hw_compat_10_1_len;');
    expect(virt).toContain(
      [
        'static void virt_machine_10_0_options(MachineClass *mc)',
        '{',
        '    virt_machine_10_1_options(mc);',
        '    compat_props_add(mc->compat_props, hw_compat_10_0, hw_compat_10_0_len);',
        '    compat_props_add(mc->compat_props, arm_virt_compat_10_0,',
        '                     arm_virt_compat_10_0_len);',
        '}',
      ].join('\n'),
    );
  });

  it('docs: an entry from a set says which set, `optional`, and which value it overrides; the inherited entries are not repeated', () => {
    const md = gen.files.get('docs/virt.md')!;
    expect(md).toContain('|set `virtio-pci.disable-modern = on` — compat set `hw_compat_10_0`, optional|||');
    expect(md).toContain('|set `arm-smmuv3.ril = off` — compat set `hw_compat_10_0`; overrides `on` of [virt-10.1](#virt-101) \\(compat set `hw_compat_10_1`\\)|10.0 had no RIL||');
    expect(md).toContain('|set `arm-smmuv3.ril = maybe` — overrides `off` of compat set `hw_compat_10_0`|||');
    expect(md).toContain('|use `hw_compat_10_0` \\(2 entries\\)|||');
    // virt-10.1's entry is written once, on virt-10.1; virt-10.0 counts it.
    expect(md.match(/virtio-net-device\.host_tunnel/g)).toHaveLength(1);
    expect(md).toContain('Inherits [virt-10.1](#virt-101). In effect: 3 properties, 2 its own.');
  });
});

describe('formatter', () => {
  it('formats sets and uses canonically, keeps comments, and is idempotent', async () => {
    const text = 'compat  s{set a.b=on   optional;// why\nset a.c = "x y"{reason "r";}}\nmachine v-1.0{use s;use  s2 ;}\ncompat s2 {}\n';
    const once = await formatSource(text, 'a.mtc');
    if (!once.ok) throw new Error('format failed');
    expect(once.formatted).toBe(
      'compat s {\n  set a.b = on optional; // why\n  set a.c = "x y" {\n    reason "r";\n  }\n}\n\nmachine v-1.0 {\n  use s;\n  use s2;\n}\n\ncompat s2 {}\n',
    );
    const twice = await formatSource(once.formatted, 'a.mtc');
    expect(twice.ok && twice.formatted).toBe(once.formatted);
  });
});

describe('mtc diff', () => {
  it('an edit of a shared set is one rule change reaching every machine type that uses it, in every family', () => {
    const files = (ril: string) => ({
      'rules/sets.mtc': `compat s {\n  set arm-smmuv3.ril = ${ril};\n}\n`,
      'rules/virt.mtc': 'machine virt-11.1;\n\nmachine virt-11.0 {\n  use s;\n}\n',
      'rules/pc.mtc': 'machine pc-q35-11.1;\n\nmachine pc-q35-11.0 {\n  use s;\n}\n\nmachine pc-q35-10.2;\n',
      'rules/mtc.yaml': 'qemu: "11.1"\nfamilies:\n  virt: { preset: upstream }\n  pc-q35: { preset: upstream }\n',
    });
    const base = tempProject(files('on'));
    const head = tempProject(files('off'));
    const run = runBin(['diff', '--base-dir', base, '--head-dir', head]);
    expect(run.stdout).toContain('3 changes from 1 rule change in 3 machine types');
    expect(run.stdout).toMatch(/property arm-smmuv3\.ril changed from on to off {2}\(.*rules\/sets\.mtc:2:3\)\n {6}machine types: pc-q35-11\.0, pc-q35-10\.2 \(inherits it\), virt-11\.0 \(inherits it\)/);
  });
});
