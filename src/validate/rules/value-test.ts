import type { ValidationRule } from '../rule.js';
import { structuralCodes } from '../codes.js';
import { rulesOf } from '../walk.js';

/** MTC1021: `when value & MASK == VALUE` must be satisfiable and not trivially true. */
export const valueTest: ValidationRule = {
  name: 'value-test',
  codes: [structuralCodes.MTC1021],
  stage: 'syntax',
  check(ctx) {
    const entries = rulesOf(ctx.project);
    for (let li = 0; li < entries.length; li++) {
      const { file, rule } = entries[li];
      if (rule.kind !== 'Tolerate' || !rule.test) continue;
      const mask = rule.test.mask?.value;
      const value = rule.test.value?.value;
      if (mask === undefined || value === undefined) continue;
      if ((value & ~mask) !== 0n) {
        ctx.report({
          code: 'MTC1021',
          severity: 'error',
          message: `the test can never pass: value 0x${value.toString(16)} has bits outside mask 0x${mask.toString(16)}`,
          file,
          span: rule.test.span,
          label: 'never true',
          help: `clear the bits outside the mask: \`== 0x${(value & mask).toString(16)}\``,
        });
      } else if (mask === 0n) {
        ctx.report({
          code: 'MTC1021',
          severity: 'warning',
          message: 'the test always passes: the mask is 0',
          file,
          span: rule.test.span,
          label: 'always true',
          help: 'use a mask that selects the bits to test, e.g. `0xffffffffffffffff`',
        });
      }
    }
  },
};
