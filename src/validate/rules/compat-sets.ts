import type { ValidationRule } from '../rule.js';
import { structuralCodes } from '../codes.js';
import { collectCompatSets } from '../../resolve/compat-sets.js';
import type { Span } from '../../diagnostics/source.js';

const RULE_WORD: Record<string, string> = { Hide: 'hide', Tolerate: 'tolerate', Allow: 'allow', Requires: 'requires', Use: 'use' };

/**
 * Shared compat sets (issue 15): MTC1028 a rule other than `set` in a set,
 * MTC1030 a set declared twice, MTC1031 a set nothing uses, MTC1032 a set used
 * twice by one machine type. (MTC1029, `use` of an unknown set, is reported
 * by the resolver, which needs the set to resolve the machine type.)
 */
export const compatSets: ValidationRule = {
  name: 'compat-sets',
  codes: [structuralCodes.MTC1028, structuralCodes.MTC1029, structuralCodes.MTC1030, structuralCodes.MTC1031, structuralCodes.MTC1032],
  stage: 'syntax',
  check(ctx) {
    const sets = collectCompatSets(ctx.project);
    for (const d of sets.order) {
      const first = sets.sets.get(d.name)!;
      if (first !== d)
        ctx.report({
          code: 'MTC1030',
          severity: 'error',
          message: `compat set \`${d.name}\` is declared more than once`,
          file: d.file,
          span: d.node.name!.span,
          label: 'declared again here',
          labels: [{ file: first.file, span: first.node.name!.span, message: 'first declared here' }],
          help: 'merge the entries into one `compat` block',
        });
      for (const rule of d.node.body) {
        if (rule.kind === 'SetProperty') continue;
        const word = RULE_WORD[rule.kind] ?? rule.kind;
        ctx.report({
          code: 'MTC1028',
          severity: 'error',
          message: `\`${word}\` is not allowed in compat set \`${d.name}\`: a compat set holds \`set\` rules only`,
          file: d.file,
          span: { start: rule.span.start, end: { ...rule.span.start, offset: rule.span.start.offset + word.length, column: rule.span.start.column + word.length } },
          label: 'not a `set`',
          help: rule.kind === 'Use' ? 'compat sets do not nest: `use` both sets on the machine types' : `write the \`${word}\` rule on the machine types that use the set`,
        });
      }
    }
    const used = new Set<string>();
    for (const f of ctx.project.files)
      for (const st of f.ast.statements) {
        if (st.kind !== 'Machine') continue;
        // Made at the machine type's first `use` (most have none).
        let seen: Map<string, Span> | undefined;
        for (const rule of st.body) {
          if (rule.kind !== 'Use' || !rule.name || rule.name.name === '') continue;
          used.add(rule.name.name);
          seen ??= new Map();
          const prev = seen.get(rule.name.name);
          if (prev)
            ctx.report({
              code: 'MTC1032',
              severity: 'warning',
              message: `\`${st.name?.name ?? '?'}\` uses compat set \`${rule.name.name}\` twice`,
              file: f.path,
              span: rule.name.span,
              label: 'used again here',
              labels: [{ file: f.path, span: prev, message: 'first used here' }],
              help: 'remove the repeated `use`; it adds the same entries again',
            });
          else seen.set(rule.name.name, rule.name.span);
        }
      }
    for (const d of sets.sets.values())
      if (!used.has(d.name))
        ctx.report({
          code: 'MTC1031',
          severity: 'warning',
          message: `compat set \`${d.name}\` is not used by any machine type`,
          file: d.file,
          span: d.node.name!.span,
          label: 'never used',
          help: `apply it with \`use ${d.name};\` in a machine type, or remove it`,
        });
  },
};
