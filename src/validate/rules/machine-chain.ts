import type { ValidationRule } from '../rule.js';
import { structuralCodes } from '../codes.js';
import { computeChains } from '../../resolve/chain.js';

/** MTC1002, MTC1003, MTC1004, MTC1019, MTC1025, MTC1026, MTC1027: the inheritance chain must be known, acyclic, unambiguous, bounded, within one family, with versions QEMU can take. */
export const machineChain: ValidationRule = {
  name: 'machine-chain',
  codes: [structuralCodes.MTC1002, structuralCodes.MTC1003, structuralCodes.MTC1004, structuralCodes.MTC1019, structuralCodes.MTC1025, structuralCodes.MTC1026, structuralCodes.MTC1027],
  stage: 'syntax',
  check(ctx) {
    for (const p of computeChains(ctx.project).problems) ctx.report(p);
  },
};
