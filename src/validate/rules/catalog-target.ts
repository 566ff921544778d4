import type { ValidationRule } from '../rule.js';
import { catalogCodes } from '../../catalog/codes.js';
import { idHex } from '../../catalog/regid.js';

/** MTC2006: a rule the machine type's QEMU interface cannot express. */
export const catalogTarget: ValidationRule = {
  name: 'not-expressible-in-target',
  codes: [catalogCodes.MTC2006],
  stage: 'model',
  check(ctx) {
    if (!ctx.model) return;
    const entries = ctx.model.machines;
    for (let li = 0; li < entries.length; li++) {
      const m = entries[li];
      if (m.target === 'x-mig')
        for (const t of m.own.tolerated) {
          if (t.kind !== 'source-value') continue;
          ctx.report({
            code: 'MTC2006',
            severity: 'error',
            message: `\`${m.name}\` uses target x-mig, whose x-mig-safe-missing-regs property cannot test the value of \`${t.name ?? idHex(t.id)}\``,
            file: t.source.file,
            span: t.span,
            label: 'value test not expressible with x-mig-* properties',
            help: 'use `target tolerances;` (ToleranceOnlySrcTestValue can test the value), or `hide` the register under x-mig',
          });
        }
      if (m.target === 'tolerances')
        for (const h of m.own.hidden) {
          const name = h.name ?? idHex(h.id);
          ctx.report({
            code: 'MTC2006',
            severity: 'error',
            message: `\`${m.name}\` uses target tolerances, which cannot hide \`${name}\``,
            file: h.source.file,
            span: h.span,
            label: 'cpreg migration tolerances have no hide',
            help: `write \`tolerate ${name} when value & 0xffffffffffffffff == 0\`, the upstream equivalent, or use \`target x-mig;\``,
          });
        }
    }
  },
};
