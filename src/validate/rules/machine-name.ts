import type { ValidationRule } from '../rule.js';
import { structuralCodes } from '../codes.js';
import { machinesOf } from '../walk.js';

const VALID = /^[a-z][a-z0-9_.-]*$/;

/** MTC1024: a machine type name must be one QEMU accepts and that maps to a C identifier. */
export const machineName: ValidationRule = {
  name: 'invalid-machine-name',
  codes: [structuralCodes.MTC1024],
  stage: 'syntax',
  check(ctx) {
    const entries = machinesOf(ctx.project);
    for (let li = 0; li < entries.length; li++) {
      const { file, machine } = entries[li];
      for (const id of [machine.name, machine.inherits]) {
        if (!id || id.name === '' || VALID.test(id.name)) continue;
        ctx.report({
          code: 'MTC1024',
          severity: 'error',
          message: `\`${id.name}\` is not a valid machine type name`,
          file,
          span: id.span,
          label: 'lower-case letters, digits, `-`, `_` and `.` only',
          help: `QEMU machine types are lower case, such as \`${id.name.toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}\``,
        });
      }
    }
  },
};
