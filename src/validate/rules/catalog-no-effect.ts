import type { ValidationRule } from '../rule.js';
import { catalogCodes } from '../../catalog/codes.js';
import { rulesOf } from '../walk.js';
import { refId } from '../../catalog/user-register.js';
import { classOfId } from '../../catalog/regid.js';
import { historyOf, listedUniformly } from '../catalog-support.js';

/** MTC2004: hiding or tolerating a register that every known kernel lists the same way. */
export const catalogNoEffect: ValidationRule = {
  name: 'rule-without-effect',
  codes: [catalogCodes.MTC2004],
  stage: 'model',
  check(ctx) {
    const h = historyOf(ctx);
    const entries = rulesOf(ctx.project);
    for (let li = 0; li < entries.length; li++) {
      const { file, rule, machine } = entries[li];
      if (rule.kind !== 'Hide' && rule.kind !== 'Tolerate') continue;
      for (const r of rule.registers) {
        const id = refId(ctx.catalog, r);
        if (id === undefined) continue;
        const cls = classOfId(id);
        // Core/SVE: another rule reports them; demux and aarch32 depend on the host cache / QEMU version.
        if (cls !== 'sysreg' && cls !== 'fw' && cls !== 'fw-bmap') continue;
        const u = listedUniformly(h, id);
        if (!u) continue;
        const name = ctx.catalog.lookupId(id)?.name ?? (r.kind === 'RegisterName' ? r.name : 'the register');
        ctx.report({
          code: 'MTC2004',
          severity: 'warning',
          message: `${rule.kind === 'Hide' ? 'hiding' : 'tolerating'} \`${name}\` in \`${machine.name?.name ?? '?'}\` has no effect: ${u === 'always' ? 'every known kernel lists it for every guest' : 'no known kernel lists it for a plain guest'}`,
          file,
          span: r.span,
          label: 'listed the same way by every kernel of the history',
          help: 'remove it, or add the kernel that lists it differently to the history (--history) or use a captured host profile',
        });
      }
    }
  },
};
