import type { ValidationRule } from '../rule.js';
import { catalogCodes } from '../../catalog/codes.js';
import { rulesOf } from '../walk.js';
import { refId } from '../../catalog/user-register.js';
import { compareVersions } from '../../catalog/history.js';
import { historyOf, impliedRange } from '../catalog-support.js';

/** MTC2003 (and MTC2008 for unverified facts): a rule's kernel range contradicts the history. */
export const catalogKernelRange: ValidationRule = {
  name: 'kernel-range-contradicts-history',
  codes: [catalogCodes.MTC2003, catalogCodes.MTC2008],
  stage: 'model',
  check(ctx) {
    const h = historyOf(ctx);
    const entries = rulesOf(ctx.project);
    for (let li = 0; li < entries.length; li++) {
      const { file, rule } = entries[li];
      if ((rule.kind !== 'Hide' && rule.kind !== 'Tolerate') || !rule.range) continue;
      const from = rule.range.from?.parts.length ? rule.range.from.text : undefined;
      const to = rule.range.to?.parts.length ? rule.range.to.text : undefined;
      for (const r of rule.registers) {
        const id = refId(ctx.catalog, r);
        if (id === undefined) continue;
        const imp = impliedRange(h, id);
        if (!imp) continue;
        const name = ctx.catalog.lookupId(id)?.name ?? (r.kind === 'RegisterName' ? r.name : 'the register');
        const bad: string[] = [];
        if (from && compareVersions(from, imp.from) !== 0) bad.push(`starts at ${from}, the history says ${imp.from}`);
        // An open-ended range (`since X`) is fine for a register that stays listed; a closed one must end where the history does.
        if (to && imp.to && compareVersions(to, imp.to) !== 0) bad.push(`ends at ${to}, the history says ${imp.to}`);
        if (to && !imp.to) bad.push(`ends at ${to}, but the history has every later kernel listing it`);
        if (bad.length === 0) continue;
        const commits = imp.changes.map((c) => c.commit).filter(Boolean);
        const expected = imp.to ? `kernel ${imp.from}..${imp.to}` : `since ${imp.from}`;
        ctx.report({
          code: imp.unverified ? 'MTC2008' : 'MTC2003',
          severity: imp.unverified ? 'note' : 'warning',
          message: `the kernel range of \`${name}\` ${bad.join(' and ')}${imp.unverified ? ' (the history marks this fact unverified)' : ''}`,
          file,
          span: rule.range.span,
          label: `history: ${expected}${commits.length ? ` (${commits.join(', ')})` : ''}`,
          help: `write \`${expected}\`, or correct the kernel history if it is wrong`,
          fix: { message: `use \`${expected}\``, edits: [{ file, span: rule.range.span, text: expected }] },
        });
      }
    }
  },
};
