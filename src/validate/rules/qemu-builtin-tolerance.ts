import type { ValidationRule } from '../rule.js';
import { qemuCodes } from '../../qemu/codes.js';
import { locText, type BuiltinTolerance } from '../../qemu/profile.js';
import { checkedFamilies, targetAt } from '../qemu-support.js';

function who(b: BuiltinTolerance): string {
  const cpus = b.scope.cpus === 'host' ? '-cpu host (and -cpu max under a hardware accelerator)' : b.scope.cpus === 'v7' ? 'every v7 CPU' : 'every CPU';
  const accels = b.scope.accels.includes('any') ? 'any accelerator' : b.scope.accels.map((a) => a.toUpperCase()).join(', ');
  return `for ${cpus} under ${accels}`;
}

function testText(b: BuiltinTolerance): string {
  return b.type === 'ToleranceOnlySrcTestValue' ? `${b.type}, accepted when (value & ${b.mask}) == ${b.value}` : b.type;
}

/**
 * MTC7002 a rule tolerates a register QEMU already tolerates by itself
 * (registering it again aborts QEMU), MTC7010 QEMU registers a tolerance
 * mtc cannot evaluate.
 */
export const qemuBuiltinTolerance: ValidationRule = {
  name: 'qemu-builtin-tolerance',
  codes: [qemuCodes.MTC7002, qemuCodes.MTC7010],
  stage: 'model',
  check(ctx) {
    const c = checkedFamilies(ctx);
    if (!c || !c.profile.interfaces.tolerances) return;
    const { profile } = c;
    const api = profile.interfaces.tolerances!;
    const byId = new Map<string, BuiltinTolerance>();
    for (const b of profile.tolerances) if (b.id !== null && !byId.has(b.id)) byId.set(b.id, b);
    const unknown = profile.tolerances.filter((b) => b.id === null);
    for (const fam of c.families) {
      const users = fam.machines.filter((m) => m.target === 'tolerances' && m.own.tolerated.length > 0);
      if (users.length === 0) continue;
      if (unknown.length > 0) {
        const at = targetAt(ctx, users[0]!);
        ctx.report({
          code: 'MTC7010',
          severity: 'warning',
          message: `QEMU ${profile.qemu} registers ${unknown.length} tolerance${unknown.length === 1 ? '' : 's'} whose register mtc cannot work out, so it cannot tell whether a rule duplicates ${unknown.length === 1 ? 'it' : 'them'}`,
          ...(at ?? { file: users[0]!.source.file }),
          help: `check by hand: ${unknown.map((b) => `\`${b.expression}\` at ${locText(b.at)}`).join('; ')}`,
        });
      }
      for (const m of users) {
        for (const t of m.own.tolerated) {
          const b = byId.get('0x' + t.id.toString(16).padStart(16, '0'));
          if (!b) continue;
          const name = t.name ?? b.expression;
          ctx.report({
            code: 'MTC7002',
            severity: 'error',
            message: `QEMU ${profile.qemu} already tolerates ${name} by itself (${locText(b.at)}, ${b.function ?? 'top level'}(), ${who(b)}): registering it again aborts QEMU`,
            file: t.source.file,
            span: t.refSpan,
            label: `QEMU registers ${testText(b)}`,
            help: `arm_register_cpreg_mig_tolerance() asserts an index is registered once${api.assertOnce ? ` (${locText(api.assertOnce)})` : ''}, so this machine type would abort QEMU when the vCPU is created; remove ${name} from the rule${t.kind === 'source-value' && b.type !== 'ToleranceOnlySrcTestValue' ? '' : ''}: QEMU already accepts it (${testText(b)})`,
          });
        }
      }
    }
  },
};
