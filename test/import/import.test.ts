/**
 * `mtc import` on small trees written here (the real trees are in
 * test/qemu-tree/import.test.ts): what it reads from an options function and
 * a GlobalProperty array, and every diagnostic it gives.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importTree, reportMarkdown, valueText } from '../../src/import/import.js';
import { tempProject } from '../helpers.js';
import { runBin } from '../support/cli.js';

const VIRT = `#include "hw/arm/virt.h"

static GlobalProperty arm_virt_compat_defaults[] = {
    { TYPE_VIRTIO_IOMMU_PCI, "aw-bits", "48" },
};
static const size_t arm_virt_compat_defaults_len =
    G_N_ELEMENTS(arm_virt_compat_defaults);

static void arm_virt_compat_default_set(MachineClass *mc)
{
    compat_props_add(mc->compat_props, arm_virt_compat_defaults,
                     arm_virt_compat_defaults_len);
}

#define DEFINE_VIRT_MACHINE_IMPL(latest, ...) \\
    static void MACHINE_VER_SYM(class_init, virt, __VA_ARGS__)( \\
        ObjectClass *oc, const void *data) \\
    { \\
        MachineClass *mc = MACHINE_CLASS(oc); \\
        arm_virt_compat_default_set(mc); \\
        MACHINE_VER_SYM(options, virt, __VA_ARGS__)(mc); \\
    }
#define DEFINE_VIRT_MACHINE_AS_LATEST(major, minor) \\
    DEFINE_VIRT_MACHINE_IMPL(true, major, minor)
#define DEFINE_VIRT_MACHINE(major, minor) \\
    DEFINE_VIRT_MACHINE_IMPL(false, major, minor)

static void virt_machine_2_1_options(MachineClass *mc)
{
}
DEFINE_VIRT_MACHINE_AS_LATEST(2, 1)

static void virt_machine_2_0_options(MachineClass *mc)
{
    VirtMachineClass *vmc = VIRT_MACHINE_CLASS(OBJECT_CLASS(mc));

    virt_machine_2_1_options(mc);
    compat_props_add(mc->compat_props, hw_compat_2_0, hw_compat_2_0_len);
    /* a flag rules cannot carry */
    vmc->no_foo = true;
    if (vmc->bar) {
        mc->baz = 2;
    }
}
DEFINE_VIRT_MACHINE(2, 0)
`;

const MACHINE = `GlobalProperty hw_compat_2_0[] = {
    /* Optional because not all devices have it */
    { "virtio-pci", "disable-modern", "on",  .optional = true },
    { TYPE_VIRTIO_NET, "host_tunnel", "off" }, /* on its line */
    { "a" "-" TYPE_X86_CPU, VIRTIO_QUEUE_SIZE_OVERRIDE, "4k" },
    { "drv", "prop", "quoted \\"value\\"" },
};
const size_t hw_compat_2_0_len = G_N_ELEMENTS(hw_compat_2_0);
`;

const HEADERS = {
  'include/hw/virtio/virtio-net.h': '#define TYPE_VIRTIO_NET "virtio-net-device"\n',
  'include/hw/virtio/virtio-iommu.h': '#define TYPE_VIRTIO_IOMMU_PCI "virtio-iommu-pci"\n',
  'include/hw/virtio/virtio-bus.h': '#define VIRTIO_QUEUE_SIZE_OVERRIDE "x-override-queue-size"\n',
  'target/i386/cpu-qom.h': '#ifdef TARGET_X86_64\n#define TYPE_X86_CPU "x86_64-cpu"\n#else\n#define TYPE_X86_CPU "i386-cpu"\n#endif\n',
};

function tree(files: Record<string, string> = {}): string {
  return tempProject({ VERSION: '2.1.0\n', 'hw/arm/virt.c': VIRT, 'hw/core/machine.c': MACHINE, ...HEADERS, ...files });
}

describe('importTree', () => {
  const r = importTree(tree());

  it('writes the machine types newest first, the family default on the newest, each options function\'s arrays as `use`', () => {
    expect(r.diagnostics).toEqual([]);
    expect(r.files.get('virt.mtc')).toBe(
      [
        '// Imported by `mtc import` from QEMU 2.1.0, hw/arm/virt.c: every virt machine type the tree',
        '// registers, newest first, with the compat arrays its options function adds, in order.',
        '// C statements of the options functions that rules cannot express stay in the tree (see the report).',
        'include "compat.mtc";',
        '',
        'machine virt-2.1 {',
        '  use arm_virt_compat_defaults {',
        '    reason "hw/arm/virt.c: added by the class init of every virt machine type, before its options function; first in every chain";',
        '  }',
        '}',
        '',
        'machine virt-2.0 {',
        '  use hw_compat_2_0;',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('writes each array as a compat set: macros resolved (string joins, TARGET_ conditionals), comments as reasons, `.optional` kept', () => {
    expect(r.files.get('compat.mtc')).toContain(
      [
        '// hw/arm/virt.c:3',
        'compat arm_virt_compat_defaults {',
        '  set virtio-iommu-pci.aw-bits = 48;',
        '}',
        '',
        '// hw/core/machine.c:1',
        'compat hw_compat_2_0 {',
        '  set virtio-pci.disable-modern = on optional {',
        '    reason "Optional because not all devices have it";',
        '  }',
        '  set virtio-net-device.host_tunnel = off {',
        '    reason "on its line";',
        '  }',
        '  set a-x86_64-cpu.x-override-queue-size = "4k";',
        '  set drv.prop = "quoted \\"value\\"";',
        '}',
      ].join('\n'),
    );
  });

  it('reports the C statements the rules cannot carry, with their lines, and the macros with where they are defined', () => {
    expect(r.report.notExpressed).toEqual([
      { machine: 'virt-2.0', file: 'hw/arm/virt.c', line: 40, statement: 'vmc->no_foo = true;' },
      { machine: 'virt-2.0', file: 'hw/arm/virt.c', line: 41, statement: 'if (vmc->bar) { mc->baz = 2; }' },
    ]);
    expect(r.report.macros.map((m) => `${m.name}=${m.value}@${m.at}`)).toEqual([
      'TYPE_VIRTIO_IOMMU_PCI=virtio-iommu-pci@include/hw/virtio/virtio-iommu.h:1',
      'TYPE_VIRTIO_NET=virtio-net-device@include/hw/virtio/virtio-net.h:1',
      'TYPE_X86_CPU=x86_64-cpu@target/i386/cpu-qom.h:2',
      'VIRTIO_QUEUE_SIZE_OVERRIDE=x-override-queue-size@include/hw/virtio/virtio-bus.h:1',
    ]);
    const md = reportMarkdown(r.report);
    expect(md).toContain('| `virt-2.0` | hw/arm/virt.c:40 | `vmc->no_foo = true;` |');
    expect(md).toContain('| `hw_compat_2_0` | hw/core/machine.c:1 | 4 | 1 | virt-2.0 |');
  });

  it('is byte-deterministic', () => {
    const again = importTree(tree());
    expect([...again.files]).toEqual([...r.files]);
    expect(reportMarkdown(again.report)).toBe(reportMarkdown(r.report));
  });

  it('values: bare words and decimal numbers stay bare, anything else is a string', () => {
    expect(['on', 'optional', '48', '0x11', '4k', 'set', 'a b', ''].map(valueText)).toEqual(['on', 'optional', '48', '"0x11"', '"4k"', '"set"', '"a b"', '""']);
  });
});

describe('a base options function the newest type calls (hw/i386/pc_q35.c:355-384, pc_q35_machine_options)', () => {
  it('its compat arrays are the newest type\'s, in place; the call itself is reported', () => {
    const base = VIRT.replace(
      'static void virt_machine_2_1_options(MachineClass *mc)\n{\n}',
      'static void virt_base_options(MachineClass *m)\n{\n    m->x = 1;\n    compat_props_add(m->compat_props, base_compat, base_compat_len);\n}\n\nstatic void virt_machine_2_1_options(MachineClass *mc)\n{\n    virt_base_options(mc);\n}',
    );
    const r = importTree(tree({ 'hw/arm/virt.c': base, 'hw/core/machine.c': MACHINE + 'GlobalProperty base_compat[] = {\n    { "b", "p", "v" },\n};\n' }));
    expect(r.diagnostics).toEqual([]);
    expect(r.report.families[0]!.machines.map((m) => `${m.name}: ${m.uses.join(', ')}`)).toEqual(['virt-2.1: arm_virt_compat_defaults, base_compat', 'virt-2.0: hw_compat_2_0']);
    expect(r.report.notExpressed[0]).toMatchObject({ machine: 'virt-2.1', statement: 'virt_base_options(mc);' });
  });
});

describe('diagnostics', () => {
  it('MTC7101: a family the tree does not define', () => {
    const r = importTree(tree(), { families: ['sbsa-ref'] });
    expect(r.diagnostics.map((d) => `${d.code} ${d.message} | ${d.help}`)).toEqual(['MTC7101 QEMU 2.1.0 defines no machine family `sbsa-ref` | the tree defines: virt (in hw/arm/virt.c)']);
    expect(r.files.size).toBe(0);
  });

  it('MTC7102: an array the options function adds that no file mtc reads defines; nothing is written', () => {
    const r = importTree(tree({ 'hw/core/machine.c': '' }));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['MTC7102']);
    expect(r.diagnostics[0]!.message).toBe('the compat array `hw_compat_2_0` that virt-2.0 adds is not defined in hw/arm/virt.c, hw/core/machine.c, hw/i386/pc.c');
    expect(r.files.size).toBe(0);
  });

  it('MTC7103: an entry with a macro the headers do not define, or an expression; nothing is written', () => {
    const r = importTree(tree({ 'hw/core/machine.c': MACHINE.replace('TYPE_VIRTIO_NET', 'TYPE_NOWHERE').replace('"drv"', 'drv_name()') }));
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      "MTC7103 cannot read an entry of `hw_compat_2_0` (hw/core/machine.c:4): the driver `TYPE_NOWHERE` is not defined in the tree's headers (include, target/arm, target/i386, hw)",
      'MTC7103 cannot read an entry of `hw_compat_2_0` (hw/core/machine.c:6): the driver `drv_name()` is neither a string literal nor a macro',
    ]);
    expect(r.files.size).toBe(0);
  });

  it('MTC7104: an entry the rule language cannot write is left out with a warning and listed in the report', () => {
    const r = importTree(tree({ 'hw/core/machine.c': MACHINE.replace('"drv"', '"my.drv"') }));
    expect(r.diagnostics.map((d) => `${d.code} ${d.severity}`)).toEqual(['MTC7104 warning']);
    expect(r.report.skippedEntries).toEqual([{ array: 'hw_compat_2_0', file: 'hw/core/machine.c', line: 6, why: 'the driver `my.drv` contains a dot, which `set driver.property` cannot separate from the property' }]);
    expect(r.files.get('compat.mtc')).not.toContain('my.drv');
  });
});

describe('the command', () => {
  it('writes the files and the report, and the rules check clean and are formatted', () => {
    const dir = tempProject({});
    const t = tree();
    const run = runBin(['import', '--qemu-tree', t, '--out', join(dir, 'rules'), '--report', join(dir, 'report.md')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('imported 2 machine types and 2 shared compat sets from QEMU 2.1.0');
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('# mtc import: QEMU 2.1.0');
    const check = runBin(['check', join(dir, 'rules')]);
    expect(check.stderr).toContain('2 files checked: 0 errors, 0 warnings');
    expect(runBin(['fmt', '--check', join(dir, 'rules')], dir).code).toBe(0);
    // A second import over different files is refused unless --force.
    const changed = tree({ 'hw/core/machine.c': MACHINE.replace('"off"', '"on"') });
    const again = runBin(['import', '--qemu-tree', changed, '--out', join(dir, 'rules'), '--report', join(dir, 'report.md')]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists and differs from what import writes; nothing was written');
    expect(runBin(['import', '--qemu-tree', changed, '--out', join(dir, 'rules'), '--report', join(dir, 'report.md'), '--force']).code).toBe(0);
  });

  it('a directory that is not a QEMU tree: MTC3011, exit 1', () => {
    const run = runBin(['import', '--qemu-tree', tempProject({ 'x.txt': '' })]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error\[MTC3011\]: cannot read the QEMU tree: missing: this does not look like a QEMU source tree \(VERSION\)/);
  });
});
