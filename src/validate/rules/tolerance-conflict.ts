import type { ValidationRule } from '../rule.js';
import { machinesByName } from '../walk.js';
import { qemuCodes } from '../../qemu/codes.js';
import { idHex } from '../../catalog/regid.js';
import type { MachineType, ToleratedRegister } from '../../resolve/model.js';

function describe(t: ToleratedRegister): string {
  return t.kind === 'source-value' ? `when value & ${idHex(t.mask ?? 0n)} == ${idHex(t.value ?? 0n)}` : 'on one end only';
}

function same(a: ToleratedRegister, b: ToleratedRegister): boolean {
  return a.kind === b.kind && a.mask === b.mask && a.value === b.value;
}

/** MTC7003: one register tolerated two different ways in one chain (QEMU keeps one tolerance per index). */
export const toleranceConflict: ValidationRule = {
  name: 'tolerance-conflict-in-chain',
  codes: [qemuCodes.MTC7003],
  stage: 'model',
  check(ctx) {
    if (!ctx.model) return;
    const byName = machinesByName(ctx.model);
    const entries = ctx.model.machines;
    for (let li = 0; li < entries.length; li++) {
      const m = entries[li];
      // A conflict is reported on the machine type that writes the later rule: one without tolerances has none.
      if (m.own.tolerated.length === 0) continue;
      // The chain in application order: newest first, this machine type last.
      const chain = [...m.chain].reverse().map((n) => byName.get(n)).filter((x): x is MachineType => x !== undefined);
      const seen = new Map<bigint, { t: ToleratedRegister; by: string }>();
      for (const c of chain)
        for (const t of c.own.tolerated) {
          const prev = seen.get(t.id);
          if (!prev) {
            seen.set(t.id, { t, by: c.name });
            continue;
          }
          // Report each conflict once, on the machine type that writes the later rule.
          if (!same(prev.t, t) && c === m)
            ctx.report({
              code: 'MTC7003',
              severity: 'error',
              message: `\`${m.name}\` tolerates \`${t.name ?? idHex(t.id)}\` ${describe(t)}, but ${prev.by === m.name ? 'also' : `inherits from \`${prev.by}\``} a tolerance of it ${describe(prev.t)}`,
              file: t.source.file,
              span: t.refSpan,
              label: describe(t),
              labels: [{ file: prev.t.source.file, span: prev.t.refSpan, message: `${describe(prev.t)} (${prev.by})` }],
              help: 'QEMU keeps one tolerance per register index (arm_register_cpreg_mig_tolerance() asserts it is registered once); write one tolerance of this register for the whole chain',
            });
        }
    }
  },
};
