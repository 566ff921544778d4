import type { ValidationRule } from '../rule.js';
import { structuralCodes } from '../codes.js';
import { rulesOf } from '../walk.js';

/** MTC1007: `allow cpu` takes a 32-bit MIDR_EL1 with a non-zero implementer (architecture 0xf expected). */
export const invalidMidr: ValidationRule = {
  name: 'invalid-midr',
  codes: [structuralCodes.MTC1007],
  stage: 'syntax',
  check(ctx) {
    const entries = rulesOf(ctx.project);
    for (let li = 0; li < entries.length; li++) {
      const { file, rule } = entries[li];
      if (rule.kind !== 'Allow' || !rule.midr || rule.midr.value === undefined) continue;
      const v = rule.midr.value;
      const span = rule.midr.span;
      if (v > 0xffffffffn) {
        ctx.report({
          code: 'MTC1007',
          severity: 'error',
          message: `MIDR \`${rule.midr.text}\` does not fit in 32 bits`,
          file,
          span,
          label: 'wider than MIDR_EL1',
          help: 'MIDR_EL1 is implementer[31:24] variant[23:20] architecture[19:16] partnum[15:4] revision[3:0], e.g. `0x413fd0c1`',
        });
        continue;
      }
      if (v >> 24n === 0n) {
        ctx.report({
          code: 'MTC1007',
          severity: 'error',
          message: `MIDR \`${rule.midr.text}\` has implementer 0`,
          file,
          span,
          label: 'bits [31:24] are zero',
          help: 'the implementer code is the top byte: 0x41 Arm, 0x48 HiSilicon, 0x4e NVIDIA, 0x51 Qualcomm, 0x61 Apple, 0xc0 Ampere',
        });
        continue;
      }
      if (((v >> 16n) & 0xfn) !== 0xfn) {
        ctx.report({
          code: 'MTC1007',
          severity: 'warning',
          message: `MIDR \`${rule.midr.text}\` has architecture field 0x${((v >> 16n) & 0xfn).toString(16)}, not 0xf`,
          file,
          span,
          label: 'bits [19:16]',
          help: 'every Armv8 and later CPU reports 0xf here; check the value was copied whole',
        });
      }
    }
  },
};
