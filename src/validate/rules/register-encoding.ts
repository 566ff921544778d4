import type { ValidationRule } from '../rule.js';
import { structuralCodes } from '../codes.js';
import { rulesOf } from '../walk.js';
import { sysregLimits } from '../../catalog/regid.js';

const FIELDS = ['op0', 'op1', 'CRn', 'CRm', 'op2'] as const;
const LIMITS = [sysregLimits.op0, sysregLimits.op1, sysregLimits.crn, sysregLimits.crm, sysregLimits.op2];

/** MTC1022: `sysreg(op0, op1, CRn, CRm, op2)` needs five fields in range. */
export const registerEncoding: ValidationRule = {
  name: 'invalid-encoding',
  codes: [structuralCodes.MTC1022],
  stage: 'syntax',
  check(ctx) {
    const entries = rulesOf(ctx.project);
    for (let li = 0; li < entries.length; li++) {
      const { file, rule } = entries[li];
      if (rule.kind !== 'Hide' && rule.kind !== 'Tolerate') continue;
      for (const r of rule.registers) {
        if (r.kind !== 'RegisterTuple') continue;
        if (r.fields.length !== 5) {
          ctx.report({
            code: 'MTC1022',
            severity: 'error',
            message: `\`sysreg\` takes 5 fields, found ${r.fields.length}`,
            file,
            span: r.span,
            label: 'wrong number of fields',
            help: 'write `sysreg(op0, op1, CRn, CRm, op2)`, e.g. `sysreg(3, 0, 2, 0, 3)` for TCR2_EL1',
          });
          continue;
        }
        r.fields.forEach((f, i) => {
          if (f.value === undefined || f.value <= BigInt(LIMITS[i])) return;
          ctx.report({
            code: 'MTC1022',
            severity: 'error',
            message: `${FIELDS[i]} is ${f.value}, more than its maximum ${LIMITS[i]}`,
            file,
            span: f.span,
            label: `${FIELDS[i]} is 0..${LIMITS[i]}`,
            help: 'op0 0-3, op1 0-7, CRn 0-15, CRm 0-15, op2 0-7',
          });
        });
      }
    }
  },
};
