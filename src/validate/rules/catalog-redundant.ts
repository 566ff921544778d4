import type { ValidationRule } from '../rule.js';
import { machinesByName } from '../walk.js';
import { catalogCodes } from '../../catalog/codes.js';
import { idHex } from '../../catalog/regid.js';
import type { MachineType } from '../../resolve/model.js';

/** MTC2005: an older machine type repeats a hide/tolerate rule that a newer one in its chain already has. */
export const catalogRedundant: ValidationRule = {
  name: 'redundant-inherited-rule',
  codes: [catalogCodes.MTC2005],
  stage: 'model',
  check(ctx) {
    if (!ctx.model) return;
    const byName = machinesByName(ctx.model);
    const entries = ctx.model.machines;
    for (let li = 0; li < entries.length; li++) {
      const m = entries[li];
      if (m.own.hidden.length === 0 && m.own.tolerated.length === 0) continue;
      const newer = m.chain.slice(1).map((n) => byName.get(n)).filter((x): x is MachineType => x !== undefined);
      for (const hdn of m.own.hidden) {
        const prev = newer.find((n) => n.own.hidden.some((x) => x.id === hdn.id));
        if (!prev) continue;
        const first = prev.own.hidden.find((x) => x.id === hdn.id)!;
        ctx.report({
          code: 'MTC2005',
          severity: 'warning',
          message: `\`${m.name}\` hides \`${hdn.name ?? idHex(hdn.id)}\` again; it inherits that from \`${prev.name}\``,
          file: hdn.source.file,
          span: hdn.refSpan,
          label: 'already inherited',
          labels: [{ file: first.source.file, span: first.refSpan, message: `hidden by ${prev.name} here` }],
          help: 'remove the repeated rule from the older machine type',
        });
      }
      for (const t of m.own.tolerated) {
        const prev = newer.find((n) => n.own.tolerated.some((x) => x.id === t.id && x.kind === t.kind && x.mask === t.mask && x.value === t.value));
        if (!prev) continue;
        const first = prev.own.tolerated.find((x) => x.id === t.id)!;
        ctx.report({
          code: 'MTC2005',
          severity: 'warning',
          message: `\`${m.name}\` tolerates \`${t.name ?? idHex(t.id)}\` again; it inherits that from \`${prev.name}\``,
          file: t.source.file,
          span: t.refSpan,
          label: 'already inherited',
          labels: [{ file: first.source.file, span: first.refSpan, message: `tolerated by ${prev.name} here` }],
          help: 'remove the repeated rule from the older machine type',
        });
      }
    }
  },
};
