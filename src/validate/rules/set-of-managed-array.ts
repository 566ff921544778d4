import type { ValidationRule } from '../rule.js';
import { buildCheckCodes } from '../build-codes.js';
import { MANAGED_ARRAY_PROPS } from '../../qemu/families.js';
import { rulesOf } from '../walk.js';

/**
 * MTC3003: `set arm-cpu.x-mig-hidden-regs = …` writes a register array that
 * `hide`/`tolerate` manage (the emitter sets each once per machine type, and
 * QEMU aborts when an array property is set twice).
 */
export const setOfManagedArray: ValidationRule = {
  name: 'set-of-managed-array',
  codes: [buildCheckCodes.MTC3003],
  stage: 'syntax',
  check(ctx) {
    const entries = rulesOf(ctx.project);
    for (let li = 0; li < entries.length; li++) {
      const { file, rule } = entries[li];
      if (rule.kind !== 'SetProperty' || !rule.target || !rule.driver || !rule.property) continue;
      if (!MANAGED_ARRAY_PROPS.includes(rule.property)) continue;
      const verb = rule.property.includes('hidden') ? 'hide' : 'tolerate';
      ctx.report({
        code: 'MTC3003',
        severity: 'error',
        message: `\`set ${rule.driver}.${rule.property}\` would set a register array that mtc already sets once per machine type`,
        file,
        span: rule.target.span,
        label: `managed by \`hide\` and \`tolerate\``,
        help: `write \`${verb} REG\` for each register instead (mtc merges them over the chain and sets \`${rule.property}\` once)`,
      });
    }
  },
};
