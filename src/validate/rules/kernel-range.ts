import type { ValidationRule } from '../rule.js';
import { structuralCodes } from '../codes.js';
import { rulesOf } from '../walk.js';
import { compareVersions } from '../../syntax/literals.js';

/** MTC1012: a kernel range must not be empty. */
export const kernelRange: ValidationRule = {
  name: 'empty-kernel-range',
  codes: [structuralCodes.MTC1012],
  stage: 'syntax',
  check(ctx) {
    const entries = rulesOf(ctx.project);
    for (let li = 0; li < entries.length; li++) {
      const { file, rule } = entries[li];
      const r = rule.range;
      if (!r?.from?.parts.length || !r.to?.parts.length) continue;
      if (compareVersions(r.from.parts, r.to.parts) <= 0) continue;
      ctx.report({
        code: 'MTC1012',
        severity: 'error',
        message: `kernel range ${r.from.text}..${r.to.text} is empty`,
        file,
        span: r.span,
        label: 'lower bound above upper bound',
        help: `ranges are inclusive, lowest first: \`kernel ${r.to.text}..${r.from.text}\``,
        fix: { message: 'swap the bounds', edits: [{ file, span: r.span, text: `kernel ${r.to.text}..${r.from.text}` }] },
      });
    }
  },
};
