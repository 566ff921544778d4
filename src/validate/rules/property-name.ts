import type { ValidationRule } from '../rule.js';
import { structuralCodes } from '../codes.js';
import { rulesOf } from '../walk.js';

/** MTC1023: `set` needs `driver.property`, as `-global` does. */
export const propertyName: ValidationRule = {
  name: 'invalid-property',
  codes: [structuralCodes.MTC1023],
  stage: 'syntax',
  check(ctx) {
    const entries = rulesOf(ctx.project);
    for (let li = 0; li < entries.length; li++) {
      const { file, rule } = entries[li];
      if (rule.kind !== 'SetProperty' || !rule.target || rule.target.name === '') continue;
      if (rule.driver && rule.property) continue;
      ctx.report({
        code: 'MTC1023',
        severity: 'error',
        message: `\`${rule.target.name}\` is not of the form driver.property`,
        file,
        span: rule.target.span,
        label: 'missing the driver',
        help: 'write the QOM type, a dot, then the property: `set arm-cpu.pauth = off;`',
      });
    }
  },
};
