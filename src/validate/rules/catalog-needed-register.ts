import type { ValidationRule } from '../rule.js';
import { catalogCodes } from '../../catalog/codes.js';
import { classOfId, idHex } from '../../catalog/regid.js';
import { compareVersions } from '../../catalog/history.js';
import { historyOf } from '../catalog-support.js';

const BMAP_2 = 0x6030000000160003n;

/** MTC2007: hiding a register QEMU itself needs. */
export const catalogNeededRegister: ValidationRule = {
  name: 'hides-register-qemu-needs',
  codes: [catalogCodes.MTC2007],
  stage: 'model',
  check(ctx) {
    if (!ctx.model) return;
    const h = historyOf(ctx);
    const entries = ctx.model.machines;
    for (let li = 0; li < entries.length; li++) {
      const m = entries[li];
      for (const hd of m.own.hidden) {
        const name = hd.name ?? idHex(hd.id);
        const cls = classOfId(hd.id);
        let why: string | undefined;
        let help = 'remove the rule';
        if (cls === 'core' || cls === 'sve') why = `\`${name}\` is a ${cls} register: QEMU syncs it outside the cpreg list and cannot run without it`;
        const w = h.writable.get(hd.id);
        if (!why && w) {
          // The rule applies to kernels before the register became writable unless its range starts at or after that release.
          const from = hd.kernels?.from;
          if (!from || compareVersions(from, w.since) < 0) {
            why = `\`${name}\` is invariant on kernels before ${w.since}${w.commit ? ` (${w.commit})` : ''}: QEMU must read it to check the CPU`;
            help = `restrict the rule to \`since ${w.since}\`, or use \`allow cpu\` lists`;
          }
        }
        if (!why && hd.id === BMAP_2 && m.effective.allowedCpus.length > 0) {
          why = `\`${m.name}\` has an \`allow cpu\` list: the guest needs the target-implementation-CPU hypercalls that \`${name}\` bits 0-1 enable`;
          help = `use \`tolerate ${name} when value & 0xffffffffffffffff == 0\` under \`target tolerances;\`, or drop the allow list`;
        }
        if (!why) continue;
        ctx.report({
          code: 'MTC2007',
          severity: 'error',
          message: `hiding a register QEMU needs: ${why}`,
          file: hd.source.file,
          span: hd.refSpan,
          label: 'cannot be hidden',
          help,
        });
      }
    }
  },
};
