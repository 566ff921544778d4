import { describe, expect, test } from 'vitest';
import { generateProject, modelOf, PROJECTS, cFiles } from './helpers.js';
import { applyToObject, parseGenerated, runOptions, type CUnit } from './c-model.js';
import type { MachineType } from '../../src/resolve/model.js';
import { compatPropsOf, type BuildDocument } from '../../src/contract/build-document.js';

/**
 * Options function name, derived independently of the emitter from QEMU's
 * naming: `virt_machine_10_1_options`, RHEL's `virt_rhel_machine_9_6_0_options`
 * (its boards.h inserts `rhel` into every symbol), `pc_q35_machine_2_11_options`.
 */
function optionsFn(m: MachineType): string {
  const rhel = m.family.endsWith('-rhel');
  const fam = (rhel ? m.family.slice(0, -'-rhel'.length) : m.family).replace(/[^a-z0-9]+/g, '_');
  return `${fam}${rhel ? '_rhel' : ''}_machine_${m.version!.join('_')}_options`;
}

const hex = (id: bigint) => '0x' + id.toString(16).padStart(16, '0');

function unitFor(family: string, files: [string, string][]): CUnit {
  const f = files.find(([p]) => p === `c/${family}.c`);
  expect(f, `c/${family}.c is generated`).toBeDefined();
  // Shared compat sets live in their own file, as hw/core/machine.c holds QEMU's: link it in.
  const sets = files.find(([p]) => p === 'c/compat-sets.c');
  return parseGenerated((sets ? sets[1] + '\n' : '') + f![1]);
}

describe.each(PROJECTS)('QEMU chain model over the generated C (%s)', (project) => {
  const model = modelOf([project]);
  const generated = generateProject(project);
  const files = cFiles(generated);
  const effective = compatPropsOf(JSON.parse(generated.files.get('mtc-build.json')!) as BuildDocument);

  for (const m of model.machines) {
    test(`${m.name}: arrays set once with the merged list, scalars last-wins, tolerances merged`, () => {
      const unit = unitFor(m.family, files);
      const applied = runOptions(unit, optionsFn(m));
      // Set-once: each (driver, array property) at most once in mc->compat_props, and the
      // CPU object sees it exactly once (applyToObject throws like QEMU on a second set).
      const counts = new Map<string, number>();
      for (const p of applied.compat) counts.set(`${p.driver}.${p.property}`, (counts.get(`${p.driver}.${p.property}`) ?? 0) + 1);
      for (const [key, n] of counts) if (/x-mig-/.test(key)) expect(n, key).toBe(1);
      const arm = applyToObject(applied.compat, 'arm-cpu');
      if (m.target === 'x-mig') {
        const hidden = m.effective.hidden.map((h) => h.id);
        const tolerated = m.effective.tolerated.map((t) => t.id);
        const expectList = (prop: string, ids: bigint[]) => {
          if (ids.length === 0) expect(arm.has(prop), prop).toBe(false);
          else {
            const value = arm.get(prop)!;
            expect(value).toMatch(/^0x[0-9a-f]{16}(,0x[0-9a-f]{16})*$/);
            const got = value.split(',').map((s) => BigInt(s));
            expect(got).toEqual([...new Set(ids)].sort((a, b) => (a < b ? -1 : 1)));
          }
        };
        expectList('x-mig-hidden-regs', hidden);
        expectList('x-mig-safe-missing-regs', tolerated);
        expect(applied.hook).toBeUndefined();
      } else {
        expect([...arm.keys()].filter((k) => k.startsWith('x-mig-'))).toEqual([]);
        const calls = applied.hook ? unit.tolerances.get(applied.hook)! : [];
        expect(calls.map((c) => [hex(c.id), c.type, hex(c.mask), hex(c.value)])).toEqual(
          m.effective.tolerated.map((t) =>
            t.kind === 'one-end'
              ? [hex(t.id), 'ToleranceNotOnBothEnds', hex(0n), hex(0n)]
              : [hex(t.id), 'ToleranceOnlySrcTestValue', hex(t.mask!), hex(t.value!)],
          ),
        );
      }
      // The build document's compat properties (compatPropsOf) are the replayed C's list, entry by entry, in order (shared sets included).
      expect(applied.compat.map((p) => ({ 'qom-type': p.driver, property: p.property, value: p.value }))).toEqual(effective.get(m.name));
      // Last wins: every effective property has its value on an object of its driver.
      for (const p of m.effective.properties) expect(applyToObject(applied.compat, p.driver).get(p.property), `${p.driver}.${p.property}`).toBe(p.value);
    });
  }

  test('every shipped machine type has an options function and a registration', () => {
    for (const m of model.machines) {
      const unit = unitFor(m.family, files);
      expect(unit.options.has(optionsFn(m)), m.name).toBe(true);
      expect(unit.registrations.some((r) => r.includes(`(${m.version!.join(',')})`)), m.name).toBe(true);
    }
  });
});

test('the model catches a double set (plain compat_props_add of merged arrays)', () => {
  const virt = cFiles(generateProject('examples/x-mig-series')).find(([p]) => p === 'c/virt.c')![1];
  const naive = parseGenerated(virt.replace(/virt_compat_props_replace\(mc/g, 'compat_props_add(mc'));
  expect(() => applyToObject(runOptions(naive, 'virt_machine_10_1_options').compat, 'arm-cpu')).toThrow(/may not be set more than once/);
});

