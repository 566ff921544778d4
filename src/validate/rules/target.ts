import type { ValidationRule } from '../rule.js';
import { structuralCodes } from '../codes.js';
import { closest } from '../../util/words.js';
import type { Span } from '../../diagnostics/source.js';

const TARGETS = ['x-mig', 'tolerances'];

/** MTC1013 unknown `target`, MTC1014 more than one `target` in a file. */
export const target: ValidationRule = {
  name: 'target',
  codes: [structuralCodes.MTC1013, structuralCodes.MTC1014],
  stage: 'syntax',
  check(ctx) {
    for (const f of ctx.project.files) {
      let first: Span | undefined;
      for (const st of f.ast.statements) {
        if (st.kind !== 'Target' || !st.name) continue;
        if (first) {
          ctx.report({
            code: 'MTC1014',
            severity: 'error',
            message: 'a file has at most one `target`',
            file: f.path,
            span: st.span,
            label: 'second target',
            labels: [{ file: f.path, span: first, message: 'first target' }],
            help: 'put machine types that need the other target in a file of their own',
          });
        } else first = st.span;
        if (!TARGETS.includes(st.name.name)) {
          const s = closest(st.name.name, TARGETS);
          ctx.report({
            code: 'MTC1013',
            severity: 'error',
            message: `unknown target \`${st.name.name}\``,
            file: f.path,
            span: st.name.span,
            label: 'not a C target',
            help: s ? `did you mean \`${s}\`?` : 'targets are `x-mig` (CPU array properties) and `tolerances` (cpreg tolerances)',
          });
        }
      }
    }
  },
};
