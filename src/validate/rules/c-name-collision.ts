import type { ValidationRule } from '../rule.js';
import type { Label } from '../../diagnostics/diagnostic.js';
import { buildCheckCodes } from '../build-codes.js';
import { compatArrayName, optionsFnName, toleranceFnName } from '../../qemu/families.js';
import { namingOf } from '../qemu-support.js';
import { computeChains } from '../../resolve/chain.js';

/**
 * MTC3004: two machine types whose generated C identifiers are the same
 * (`virt-10.1` and `virt-10.01` both give `virt_machine_10_1_options`). Every C name a
 * machine type can have is claimed (options function, compat array, tolerance
 * function), also one it does not need yet, so that adding a rule later never
 * turns a clean tree into a collision.
 */
export const cNameCollision: ValidationRule = {
  name: 'c-name-collision',
  codes: [buildCheckCodes.MTC3004],
  stage: 'model',
  check(ctx) {
    if (!ctx.model) return;
    const decls = computeChains(ctx.project).machines;
    const owner = new Map<string, string>();
    const reported = new Set<string>();
    const entries = ctx.model.machines;
    for (let li = 0; li < entries.length; li++) {
      const m = entries[li];
      // Families without names are MTC7009's; their machine types have no C names to collide.
      const n = namingOf(ctx, m.family);
      if (!n) continue;
      for (const ident of [optionsFnName(n, m), compatArrayName(n, m), toleranceFnName(n, m)]) {
        const prev = owner.get(ident);
        if (prev === undefined) {
          owner.set(ident, m.name);
          continue;
        }
        if (prev === m.name || reported.has(`${prev}\u0000${m.name}`)) continue;
        reported.add(`${prev}\u0000${m.name}`);
        const here = decls.get(m.name);
        const there = decls.get(prev);
        const labels: Label[] = there?.node.name ? [{ file: there.file, span: there.node.name.span, message: `\`${prev}\` gives the same name` }] : [];
        ctx.report({
          code: 'MTC3004',
          severity: 'error',
          message: `machine types \`${prev}\` and \`${m.name}\` both map to the C name \`${ident}\``,
          file: m.source.file,
          ...(here?.node.name ? { span: here.node.name.span } : {}),
          label: `C name \`${ident}\``,
          labels,
          help: 'rename one of them: C names are made from the version numbers, so `virt-10.1` and `virt-10.01` give the same functions',
        });
      }
    }
  },
};
