import type { ValidationRule } from '../rule.js';
import { qemuCodes } from '../../qemu/codes.js';
import { locText } from '../../qemu/profile.js';
import { checkedFamilies, targetAt } from '../qemu-support.js';

/**
 * MTC7001 the family's C target needs an interface the chosen QEMU lacks,
 * MTC7004 a tolerance type it does not accept, MTC7012 no place for the
 * tolerance hook.
 */
export const qemuInterface: ValidationRule = {
  name: 'qemu-interface',
  codes: [qemuCodes.MTC7001, qemuCodes.MTC7004, qemuCodes.MTC7012],
  stage: 'model',
  check(ctx) {
    const c = checkedFamilies(ctx);
    if (!c) return;
    const { profile } = c;
    const applied = profile.compatApplied ? ` (compat properties are applied with &error_abort at ${locText(profile.compatApplied)})` : '';
    for (const fam of c.families) {
      const arrays = fam.machines.find((m) => m.target === 'x-mig' && (m.own.hidden.length > 0 || m.own.tolerated.length > 0));
      if (arrays && !profile.interfaces.xMig) {
        const at = targetAt(ctx, arrays);
        ctx.report({
          code: 'MTC7001',
          severity: 'error',
          message: `QEMU ${profile.qemu} has no \`x-mig-hidden-regs\` / \`x-mig-safe-missing-regs\` CPU properties: every \`${fam.family}\` machine type with these rules would abort at start-up`,
          ...(at ?? { file: arrays.source.file }),
          label: 'the x-mig target sets them',
          help: `they exist only in Eric Auger's RFC series (v3 to v6), in no target/arm file of this tree${applied}; build these rules for a tree that carries the series, or port them to \`target tolerances;\` (QEMU 11.1 and later)`,
        });
      }
      const tol = fam.machines.find((m) => m.target === 'tolerances' && m.own.tolerated.length > 0);
      if (!tol) continue;
      const api = profile.interfaces.tolerances;
      if (!api) {
        const at = targetAt(ctx, tol);
        ctx.report({
          code: 'MTC7001',
          severity: 'error',
          message: `QEMU ${profile.qemu} has no cpreg migration tolerances: the \`${fam.family}\` tolerance functions would not compile`,
          ...(at ?? { file: tol.source.file }),
          label: 'the tolerances target calls arm_register_cpreg_mig_tolerance()',
          help: 'arm_register_cpreg_mig_tolerance() is declared in target/arm/internals.h from QEMU 11.1 (RHEL backports it as RHEL-174858); build these rules for such a tree, or scope the family in mtc.yaml (`families: { ' + fam.family + ': { qemu: ">=11.1" } }`)',
        });
        continue;
      }
      for (const m of fam.machines) {
        if (m.target !== 'tolerances') continue;
        for (const t of m.own.tolerated) {
          const type = t.kind === 'source-value' ? 'ToleranceOnlySrcTestValue' : 'ToleranceNotOnBothEnds';
          const info = api.types.find((x) => x.name === type);
          if (info?.accepted) continue;
          ctx.report({
            code: 'MTC7004',
            severity: 'error',
            message: `QEMU ${profile.qemu} ${info ? 'refuses' : 'does not declare'} the tolerance type ${type} this rule needs`,
            file: t.source.file,
            span: t.refSpan,
            label: type,
            help: info
              ? `arm_register_cpreg_mig_tolerance() asserts the type is one it accepts (${api.definition ? locText(api.definition) : api.header}); accepted: ${api.types.filter((x) => x.accepted).map((x) => x.name).join(', ')}`
              : `${api.header} declares ${api.types.map((x) => x.name).join(', ')}`,
          });
        }
      }
      if (fam.family.startsWith('virt') && (!profile.virt.machineClass || !profile.virt.cpuRealize)) {
        const at = targetAt(ctx, tol);
        ctx.report({
          code: 'MTC7012',
          severity: 'error',
          message: `QEMU ${profile.qemu} has no ${!profile.virt.machineClass ? 'struct VirtMachineClass in include/hw/arm/virt.h' : 'vCPU realize in machvirt_init()'} for the tolerance hook`,
          ...(at ?? { file: tol.source.file }),
          help: 'the tolerances target adds a field to VirtMachineClass and calls it for each vCPU in machvirt_init(), before the vCPU is realized',
        });
      }
    }
  },
};
