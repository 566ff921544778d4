import type { ValidationRule } from '../rule.js';
import { structuralCodes } from '../codes.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Span } from '../../diagnostics/source.js';
import { idHex } from '../../catalog/regid.js';
import type { AllowedCpu, MachineType, PropertySetting } from '../../resolve/model.js';

/**
 * Calls `repeat(first, again)` for each entry equal to an earlier one, with the
 * first of them. A machine type writes few rules of a kind: those are compared
 * pairwise; a long list goes through a map of `key`s (equal exactly when `same`).
 */
function repeats<T, K>(list: readonly T[], same: (a: T, b: T) => boolean, key: (x: T) => K, repeat: (first: T, again: T) => void): void {
  if (list.length <= 16) {
    for (let i = 1; i < list.length; i++)
      for (let j = 0; j < i; j++)
        if (same(list[j], list[i])) {
          repeat(list[j], list[i]);
          break;
        }
    return;
  }
  const seen = new Map<K, T>();
  for (const x of list) {
    const k = key(x);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, x);
    else repeat(first, x);
  }
}

function dup(m: MachineType, what: string, span: Span, first: Span, file: string): Diagnostic {
  return {
    code: 'MTC1005',
    severity: 'warning',
    message: `${what} is written twice in machine type \`${m.name}\``,
    file,
    span,
    label: 'repeated here',
    labels: [{ file, span: first, message: 'first written here' }],
    help: 'remove the repeated rule; it has no effect',
  };
}

const sameId = (a: { readonly id: bigint }, b: { readonly id: bigint }) => a.id === b.id;
const idKey = (x: { readonly id: bigint }) => x.id;
const sameCpu = (a: AllowedCpu, b: AllowedCpu) => a.midr === b.midr && a.revidr === b.revidr && a.aidr === b.aidr;
const cpuKey = (c: AllowedCpu) => `${c.midr}/${c.revidr}/${c.aidr}`;
const sameProperty = (a: PropertySetting, b: PropertySetting) => a.driver === b.driver && a.property === b.property;
const propertyKey = (p: PropertySetting) => `${p.driver}.${p.property}`;

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
    const entries = ctx.model.machines;
    for (let li = 0; li < entries.length; li++) {
      const m = entries[li];
      // Messages are built only for a repeat; most machine types have none.
      const own = m.own;
      if (own.hidden.length > 1)
        repeats(own.hidden, sameId, idKey, (first, h) =>
          ctx.report(dup(m, `hiding \`${h.name ?? idHex(h.id)}\``, h.refSpan, first.refSpan, h.source.file)),
        );
      if (own.tolerated.length > 1)
        repeats(own.tolerated, sameId, idKey, (first, t) =>
          ctx.report(dup(m, `tolerating \`${t.name ?? idHex(t.id)}\``, t.refSpan, first.refSpan, t.source.file)),
        );
      if (own.allowedCpus.length > 1)
        repeats(own.allowedCpus, sameCpu, cpuKey, (first, c) =>
          ctx.report(dup(m, `allowing CPU 0x${c.midr.toString(16)}`, c.span, first.span, c.source.file)),
        );
      if (own.properties.length > 1)
        repeats(own.properties, sameProperty, propertyKey, (prev, p) =>
          ctx.report({
            code: 'MTC1020',
            severity: 'error',
            message: `\`${p.driver}.${p.property}\` is set twice in machine type \`${m.name}\`${prev.value === p.value ? '' : ` (to \`${prev.value}\` and \`${p.value}\`)`}`,
            file: p.source.file,
            span: p.span,
            label: 'set again here',
            labels: [{ file: p.source.file, span: prev.span, message: 'first set here' }],
            help: 'keep one `set` per property and machine type',
          }),
        );
    }
  },
};
