import type { ValidationRule } from '../rule.js';
import { structuralCodes } from '../codes.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Span } from '../../diagnostics/source.js';
import { idHex } from '../../catalog/regid.js';

/**
 * MTC1005 (the same register, CPU or requirement twice in one machine type) and
 * MTC1020 (one property set twice). Runs on the resolved model, so that
 * `TCR2_EL1` and `0x603000000013c103` count as the same register.
 */
export const repeatedRule: ValidationRule = {
  name: 'repeated-rule',
  codes: [structuralCodes.MTC1005, structuralCodes.MTC1020],
  stage: 'model',
  check(ctx) {
    if (!ctx.model) return;
    for (const m of ctx.model.machines) {
      // Messages are built only for a repeat; most machine types have none.
      const dup = (what: string, span: Span, first: Span, file: string): Diagnostic => ({
        code: 'MTC1005',
        severity: 'warning',
        message: `${what} is written twice in machine type \`${m.name}\``,
        file,
        span,
        label: 'repeated here',
        labels: [{ file, span: first, message: 'first written here' }],
        help: 'remove the repeated rule; it has no effect',
      });
      const own = m.own;
      if (own.hidden.length > 1) {
        const seen = new Map<bigint, Span>();
        for (const h of own.hidden) {
          const first = seen.get(h.id);
          if (first) ctx.report(dup(`hiding \`${h.name ?? idHex(h.id)}\``, h.refSpan, first, h.source.file));
          else seen.set(h.id, h.refSpan);
        }
      }
      if (own.tolerated.length > 1) {
        const seen = new Map<bigint, Span>();
        for (const t of own.tolerated) {
          const first = seen.get(t.id);
          if (first) ctx.report(dup(`tolerating \`${t.name ?? idHex(t.id)}\``, t.refSpan, first, t.source.file));
          else seen.set(t.id, t.refSpan);
        }
      }
      if (own.allowedCpus.length > 1) {
        const seen = new Map<string, Span>();
        for (const c of own.allowedCpus) {
          const key = `${c.midr}/${c.revidr}/${c.aidr}`;
          const first = seen.get(key);
          if (first) ctx.report(dup(`allowing CPU 0x${c.midr.toString(16)}`, c.span, first, c.source.file));
          else seen.set(key, c.span);
        }
      }
      if (own.properties.length > 1) {
        const props = new Map<string, { value: string; span: Span }>();
        for (const p of own.properties) {
          const key = `${p.driver}.${p.property}`;
          const prev = props.get(key);
          if (!prev) {
            props.set(key, { value: p.value, span: p.span });
            continue;
          }
          ctx.report({
            code: 'MTC1020',
            severity: 'error',
            message: `\`${key}\` is set twice in machine type \`${m.name}\`${prev.value === p.value ? '' : ` (to \`${prev.value}\` and \`${p.value}\`)`}`,
            file: p.source.file,
            span: p.span,
            label: 'set again here',
            labels: [{ file: p.source.file, span: prev.span, message: 'first set here' }],
            help: 'keep one `set` per property and machine type',
          });
        }
      }
    }
  },
};
