import type { ValidationRule } from '../rule.js';
import { catalogCodes } from '../../catalog/codes.js';
import { rulesOf } from '../walk.js';
import { encodeSysreg, idHex, parseGenericSysregName } from '../../catalog/regid.js';

/** MTC2002: `NAME (0x…)` where the catalog gives NAME another id. */
export const catalogIdMismatch: ValidationRule = {
  name: 'register-id-mismatch',
  codes: [catalogCodes.MTC2002],
  stage: 'model',
  check(ctx) {
    const entries = rulesOf(ctx.project);
    for (let li = 0; li < entries.length; li++) {
      const { file, rule } = entries[li];
      if (rule.kind !== 'Hide' && rule.kind !== 'Tolerate') continue;
      for (const r of rule.registers) {
        if (r.kind !== 'RegisterName' || !r.expectedId || r.expectedId.value === undefined) continue;
        const info = ctx.catalog.lookupName(r.name);
        const g = info ? undefined : parseGenericSysregName(r.name);
        const id = info?.id ?? (g ? encodeSysreg(g) : undefined);
        if (id === undefined || id === r.expectedId.value) continue;
        const other = ctx.catalog.lookupId(r.expectedId.value);
        ctx.report({
          code: 'MTC2002',
          severity: 'error',
          message: `\`${r.name}\` is ${idHex(id)}, not ${r.expectedId.text}${other ? ` (that is \`${other.name}\`)` : ''}`,
          file,
          span: r.expectedId.span,
          label: `the catalog says ${idHex(id)}`,
          help: 'correct the id or the name',
          fix: { message: `use ${idHex(id)}`, edits: [{ file, span: r.expectedId.span, text: idHex(id) }] },
        });
      }
    }
  },
};
