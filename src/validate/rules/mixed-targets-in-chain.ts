import type { ValidationRule } from '../rule.js';
import { machinesByName } from '../walk.js';
import { buildCheckCodes } from '../build-codes.js';
import { computeChains } from '../../resolve/chain.js';

/**
 * MTC3002: a machine type inherits from one that uses the other C target.
 * Every older options function calls the next newer one, so a chain uses one
 * QEMU interface. The files may differ (each file has its own `target`), so
 * only the resolved model shows it; `mtc build` refuses it through this rule.
 */
export const mixedTargetsInChain: ValidationRule = {
  name: 'mixed-targets-in-chain',
  codes: [buildCheckCodes.MTC3002],
  stage: 'model',
  check(ctx) {
    if (!ctx.model) return;
    const decls = computeChains(ctx.project).machines;
    const byName = machinesByName(ctx.model);
    const entries = ctx.model.machines;
    for (let li = 0; li < entries.length; li++) {
      const m = entries[li];
      const parent = m.inherits !== undefined ? byName.get(m.inherits) : undefined;
      if (!parent || parent.target === m.target) continue;
      const decl = decls.get(m.name);
      const parentDecl = decls.get(parent.name);
      const at = decl?.node.inherits ?? decl?.node.name;
      ctx.report({
        code: 'MTC3002',
        severity: 'error',
        message: `\`${m.name}\` (target ${m.target}) inherits from \`${parent.name}\` (target ${parent.target})`,
        file: m.source.file,
        ...(at ? { span: at.span } : {}),
        label: `inherits from \`${parent.name}\`, which uses target ${parent.target}`,
        ...(parentDecl?.node.name ? { labels: [{ file: parentDecl.file, span: parentDecl.node.name.span, message: `target ${parent.target}` }] } : {}),
        help: 'use one `target` for every machine type of a chain: move the machine types into files with the same `target` statement',
      });
    }
  },
};
