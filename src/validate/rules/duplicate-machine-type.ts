import type { ValidationRule } from '../rule.js';
import { structuralCodes } from '../codes.js';
import { machinesOf } from '../walk.js';
import type * as A from '../../syntax/ast.js';

/** MTC1001: a machine type declared twice anywhere in the rule tree. */
export const duplicateMachineType: ValidationRule = {
  name: 'duplicate-machine-type',
  codes: [structuralCodes.MTC1001],
  stage: 'syntax',
  check(ctx) {
    const first = new Map<string, { file: string; name: A.Identifier }>();
    const entries = machinesOf(ctx.project);
    for (let li = 0; li < entries.length; li++) {
      const { file, machine } = entries[li];
      const name = machine.name;
      if (!name || name.name === '') continue;
      const prev = first.get(name.name);
      if (!prev) {
        first.set(name.name, { file, name });
        continue;
      }
      ctx.report({
        code: 'MTC1001',
        severity: 'error',
        message: `machine type \`${name.name}\` is declared more than once`,
        file,
        span: name.span,
        label: 'declared again here',
        labels: [{ file: prev.file, span: prev.name.span, message: 'first declared here' }],
        help: 'merge the rules of both declarations into one `machine` block',
      });
    }
  },
};
