import type { ValidationRule } from '../rule.js';
import { qemuCodes } from '../../qemu/codes.js';
import { familiesOf, nameAt, qemuOf } from '../qemu-support.js';

/**
 * MTC7009 a family with no naming (no tree entry, no preset), MTC7013 a
 * machine type whose version has the wrong number of parts for its family's
 * macro, MTC7008 a family the chosen QEMU does not define (a note when
 * mtc.yaml scopes it to other trees or versions).
 */
export const qemuFamily: ValidationRule = {
  name: 'qemu-family',
  codes: [qemuCodes.MTC7008, qemuCodes.MTC7009, qemuCodes.MTC7013],
  stage: 'model',
  check(ctx) {
    const qemu = qemuOf(ctx);
    if (!qemu || !ctx.model) return;
    const profile = qemu.profile;
    for (const { family, machines } of familiesOf(ctx.model)) {
      const newest = machines[0]!;
      const at = nameAt(ctx, newest.name);
      const naming = qemu.naming(family);
      if (!naming) {
        ctx.report({
          code: 'MTC7009',
          severity: 'error',
          message: `mtc does not know how QEMU names the machine types of family \`${family}\``,
          ...(at ?? { file: newest.source.file }),
          label: profile ? `QEMU ${profile.qemu} does not define it` : 'no tree and no preset for this family',
          help: `build with --qemu-tree DIR of a tree that defines it, or give it a preset in mtc.yaml: \`families: { ${family}: { preset: upstream } }\` (presets: upstream for virt, pc-q35, pc-i440fx; rhel for virt-rhel)`,
        });
        continue;
      }
      for (const m of machines) {
        const n = m.version?.length ?? 0;
        if (n !== naming.arity) {
          const mAt = nameAt(ctx, m.name);
          ctx.report({
            code: 'MTC7013',
            severity: 'error',
            message: `\`${m.name}\` has ${n} version number${n === 1 ? '' : 's'}, but ${naming.macro}() takes ${naming.arity}`,
            ...(mAt ?? { file: m.source.file }),
            label: `${naming.from === 'tree' ? `as QEMU ${profile?.qemu} writes it` : `preset \`${naming.preset}\``}`,
            help: `write the version with ${naming.arity} numbers, as in \`${naming.typePrefix}${naming.typeInfix}${Array.from({ length: naming.arity }, (_, i) => (i === 0 ? '10' : '0')).join('.')}\``,
          });
        }
      }
      if (!profile || profile.families.some((f) => f.name === family)) {
        const scope = qemu.scope(family);
        if (!scope.in)
          ctx.report({
            code: 'MTC7008',
            severity: 'note',
            message: `family \`${family}\` is left out of the checks and the patch for QEMU ${profile!.qemu}: ${scope.why}`,
            ...(at ?? { file: newest.source.file }),
            help: 'nothing to do if that is intended; otherwise change `families` in mtc.yaml',
          });
        continue;
      }
      const scope = qemu.scope(family);
      const defined = profile.families.map((f) => `\`${f.name}\``).join(', ');
      ctx.report(
        scope.in
          ? {
              code: 'MTC7008',
              severity: 'error',
              message: `QEMU ${profile.qemu} does not define the machine family \`${family}\``,
              ...(at ?? { file: newest.source.file }),
              label: 'no such family in this QEMU',
              help: `it defines ${defined || 'no versioned family mtc knows'} (${profile.families.map((f) => f.file).join(', ') || 'no machine file'}); if the family is for another kind of tree, say so in mtc.yaml: \`families: { ${family}: { preset: rhel } }\``,
            }
          : {
              code: 'MTC7008',
              severity: 'note',
              message: `family \`${family}\` is left out of the checks and the patch for QEMU ${profile.qemu}: ${scope.why}`,
              ...(at ?? { file: newest.source.file }),
              help: 'nothing to do if that is intended; otherwise change `families` in mtc.yaml',
            },
      );
    }
  },
};
