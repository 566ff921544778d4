import type { ValidationRule } from '../rule.js';
import { qemuCodes } from '../../qemu/codes.js';
import { compatArrayName } from '../../qemu/families.js';
import { checkedFamilies, compareVersion, hasCompat, nameAt } from '../qemu-support.js';

/**
 * Machine types against the chosen tree: MTC7005 missing from the tree,
 * MTC7006 the rules stop before the tree's latest type, MTC7007 compat meant
 * for an older type lands on the tree's latest type (the alias), MTC7011 a
 * type the tree no longer registers, MTC7014 a generated array name the tree
 * already uses.
 */
export const qemuMachineTypes: ValidationRule = {
  name: 'qemu-machine-types',
  codes: [qemuCodes.MTC7005, qemuCodes.MTC7006, qemuCodes.MTC7007, qemuCodes.MTC7011, qemuCodes.MTC7014],
  stage: 'model',
  check(ctx) {
    const c = checkedFamilies(ctx);
    if (!c) return;
    const { profile, qemu } = c;
    for (const fam of c.families) {
      const tree = new Map(fam.tree.machineTypes.map((t) => [t.name, t]));
      const latest = fam.tree.machineTypes.find((t) => t.latest);
      const versions = fam.tree.machineTypes.map((t) => t.version);
      const oldest = versions.reduce((a, b) => (compareVersion(a, b) <= 0 ? a : b), versions[0] ?? []);
      const file = fam.tree.file;
      const naming = qemu.naming(fam.family);
      const taken = new Map(fam.tree.compatArraysDefined.map((a) => [a.name, a.line]));
      let newestPresent: (typeof fam.machines)[number] | undefined;
      for (const m of fam.machines) {
        const at = nameAt(ctx, m.name) ?? { file: m.source.file };
        const t = tree.get(m.name);
        const own = hasCompat(m.own);
        if (!t) {
          const v = m.version ?? [];
          const newer = latest !== undefined && compareVersion(v, latest.version) > 0;
          const older = compareVersion(v, oldest) < 0;
          const where = newer
            ? `newer than ${latest!.name}, the latest \`${fam.family}\` type of QEMU ${profile.qemu}`
            : older
              ? `older than ${fam.tree.machineTypes[fam.tree.machineTypes.length - 1]?.name}, the oldest \`${fam.family}\` type of QEMU ${profile.qemu} (removed from QEMU)`
              : `not defined in ${file} of QEMU ${profile.qemu}`;
          ctx.report({
            code: 'MTC7005',
            severity: own ? 'error' : newer ? 'note' : 'warning',
            message: own ? `\`${m.name}\` carries rules, but it is ${where}: they would reach nothing in this tree` : `\`${m.name}\` is ${where}; it is left out`,
            ...at,
            label: own ? 'not in this QEMU' : 'left out',
            help: own
              ? newer
                ? `build these rules against the QEMU they are written for, or move the rules to a machine type this tree has (its latest is ${latest!.name})`
                : `use a machine type of this tree (${fam.tree.machineTypes.slice(0, 4).map((x) => x.name).join(', ')}, ...)`
              : newer
                ? 'nothing to do: the rules may run ahead of the QEMU they are checked against'
                : 'remove it from the rules, or check its name',
          });
          continue;
        }
        if (!newestPresent) newestPresent = m;
        if (t.registered === false)
          ctx.report({
            code: 'MTC7011',
            severity: 'warning',
            message: `QEMU ${profile.qemu} defines \`${m.name}\` (${file}:${t.line}) but no longer registers it: no guest can use it`,
            ...at,
            help: `machine types older than ${profile.lifecycle.deletionMajor ?? 6} years are not registered (${profile.lifecycle.at ? `${profile.lifecycle.at.file}:${profile.lifecycle.at.line}` : 'boards.h'}); its rules still reach the types that inherit them`,
          });
        if (t.latest && m.inherits !== undefined && hasCompat(m.effective))
          ctx.report({
            code: 'MTC7007',
            severity: 'error',
            message: `\`${m.name}\` inherits compat from \`${m.inherits}\` in the rules, but it is QEMU ${profile.qemu}'s latest type, the \`${fam.tree.alias ?? fam.family}\` alias: every new guest would get that compat`,
            ...at,
            label: `latest in ${file}:${t.registrationLine}`,
            help: `these rules are written for a QEMU where ${m.inherits} exists; build them against that QEMU, or scope the family in mtc.yaml (\`families: { ${fam.family}: { qemu: ">=…" } }\`)`,
          });
        if (naming && hasCompat(m.own)) {
          const name = compatArrayName(naming, m);
          for (const n of [name, `${name}_regs`]) {
            const line = taken.get(n);
            if (line !== undefined)
              ctx.report({
                code: 'MTC7014',
                severity: 'error',
                message: `QEMU ${profile.qemu} already defines \`${n}\` (${file}:${line}), the name mtc gives \`${m.name}\`'s compat array`,
                ...at,
                help: 'the patched file would not compile; rename the tree\'s array or give the family another array prefix',
              });
          }
        }
      }
      if (latest && newestPresent && tree.has(fam.machines[0]!.name) && compareVersion(latest.version, newestPresent.version ?? []) > 0) {
        const at = nameAt(ctx, newestPresent.name) ?? { file: newestPresent.source.file };
        ctx.report({
          code: 'MTC7006',
          severity: 'warning',
          message: `the rules' newest \`${fam.family}\` type is \`${newestPresent.name}\`, but QEMU ${profile.qemu}'s latest is \`${latest.name}\``,
          ...at,
          label: `${latest.name} is newer (${file}:${latest.registrationLine})`,
          help: `declare it, without a body, above this one: \`machine ${latest.name};\``,
        });
      }
    }
  },
};
