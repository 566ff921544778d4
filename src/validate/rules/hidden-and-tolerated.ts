import type { ValidationRule } from '../rule.js';
import { structuralCodes } from '../codes.js';
import { idHex } from '../../catalog/regid.js';

/** MTC1006: a register both hidden and tolerated in a machine type's merged chain. */
export const hiddenAndTolerated: ValidationRule = {
  name: 'hidden-and-tolerated',
  codes: [structuralCodes.MTC1006],
  stage: 'model',
  check(ctx) {
    if (!ctx.model) return;
    const reported = new Set<string>();
    const entries = ctx.model.machines;
    for (let li = 0; li < entries.length; li++) {
      const m = entries[li];
      // Both effective lists are sorted by id: walk them side by side.
      const hidden = m.effective.hidden;
      const tolerated = m.effective.tolerated;
      let j = 0;
      for (const h of hidden) {
        while (j < tolerated.length && tolerated[j].id < h.id) j++;
        if (j === tolerated.length) break;
        const t = tolerated[j];
        if (t.id !== h.id) continue;
        // Report each pair of rules once, at the machine type where the later of them is written.
        const key = `${h.source.file}:${h.span.start.offset}/${t.source.file}:${t.span.start.offset}`;
        if (reported.has(key)) continue;
        reported.add(key);
        const name = h.name ?? idHex(h.id);
        // The primary location is the rule written closer to this machine type (the later one applied).
        const tFirst = m.chain.indexOf(t.origin) <= m.chain.indexOf(h.origin);
        const [primary, other] = tFirst ? [t, h] : [h, t];
        ctx.report({
          code: 'MTC1006',
          severity: 'error',
          message: `\`${name}\` is both hidden and tolerated on machine type \`${m.name}\``,
          file: primary.source.file,
          span: primary.span,
          label: primary === t ? `tolerated here (on \`${t.origin}\`)` : `hidden here (on \`${h.origin}\`)`,
          labels: [
            {
              file: other.source.file,
              span: other.span,
              message: other === h ? `hidden here (on \`${h.origin}\`)` : `tolerated here (on \`${t.origin}\`)`,
            },
          ],
          help: 'a hidden register is never migrated, so it cannot also be tolerated; keep one of the two rules',
        });
      }
    }
  },
};
