import { codeTable } from '../diagnostics/codes.js';

/** Checks against the chosen QEMU (MTC70xx): a tree read with --qemu-tree, a built-in profile (--qemu), or mtc.yaml's `qemu`. */
export const qemuCodes = codeTable({
  MTC7001: {
    name: 'qemu-interface-missing',
    severity: 'error',
    summary: 'The family\'s C target needs an interface the chosen QEMU does not have',
    docs: 'The `x-mig` register arrays (`hide`, `tolerate` with `target x-mig;`) set the CPU properties `x-mig-hidden-regs` / `x-mig-safe-missing-regs` of Eric Auger\'s RFC series, which no released QEMU has: compat properties are applied with `&error_abort`, so every machine type of the family would abort QEMU at start-up. The `tolerances` target calls `arm_register_cpreg_mig_tolerance()`, which QEMU has from 11.1 (and RHEL as a backport); on an older tree the patch would not compile. The help names the QEMU file and line that show it. Build the family against a tree that has the interface, or scope the family to such trees in mtc.yaml (`families: { virt: { qemu: ">=11.1" } }`).',
  },
  MTC7002: {
    name: 'qemu-tolerance-duplicate',
    severity: 'error',
    summary: 'A rule tolerates a register that QEMU already tolerates by itself',
    docs: 'QEMU 11.1 registers tolerances of its own: TCR2_EL1, PIRE0_EL1, PIR_EL1 and VENDOR_HYP_BMAP_2 for every `-cpu host` vCPU under KVM (target/arm/cpu64.c), and the bogus DBGDTRTX index for every v7 CPU (target/arm/helper.c). `arm_register_cpreg_mig_tolerance()` asserts that an index is registered once (target/arm/cpu.c), so a machine type that registers one of them again aborts QEMU when the vCPU is created. Remove the rule: QEMU already has it (the help says with which test).',
  },
  MTC7003: {
    name: 'tolerance-conflict-in-chain',
    severity: 'error',
    summary: 'Two machine types of one chain tolerate the same register differently',
    docs: 'QEMU keeps one tolerance per register index and asserts it is registered once. mtc registers each machine type\'s tolerances merged over its chain, one call per index, so two different tolerances of one index in one chain (on one end only in `virt-11.0`, with a value test in `virt-10.2`) cannot both hold: the older one would silently replace the newer one. Write one tolerance per register per chain.',
  },
  MTC7004: {
    name: 'qemu-tolerance-type-refused',
    severity: 'error',
    summary: 'The chosen QEMU does not accept the tolerance type a rule needs',
    docs: 'A plain `tolerate` becomes `ToleranceNotOnBothEnds`, `tolerate ... when value & MASK == VALUE` becomes `ToleranceOnlySrcTestValue`. QEMU 11.1 declares five types but asserts that only these two are registered (target/arm/cpu.c); a tree that lacks one of them, or refuses it, would not compile or would abort.',
  },
  MTC7005: {
    name: 'qemu-machine-type-missing',
    severity: 'error',
    summary: 'A machine type of the rules does not exist in the chosen QEMU',
    docs: 'The patch can only add to options functions the tree has. A machine type that carries rules but is missing from the tree would lose them (and, when it is newer than the tree\'s latest, pass them on to the tree\'s latest type, the alias). A machine type without rules that is newer than the tree\'s latest is only left out, with a note: rules may run ahead of the QEMU they are built against. A machine type missing between the tree\'s oldest and newest is a typo or a type the tree never had.',
  },
  MTC7006: {
    name: 'qemu-newest-not-latest',
    severity: 'warning',
    summary: 'The rules stop before the tree\'s latest machine type',
    docs: 'QEMU\'s latest machine type is the alias (`virt`) and carries no compat; the rules\' newest machine type should be it, written without a body (`machine virt-11.1;`). When the tree has newer machine types than the rules know, nobody has decided whether they need the compat of the older ones. Declare the tree\'s latest type.',
  },
  MTC7007: {
    name: 'qemu-compat-on-latest',
    severity: 'error',
    summary: 'Compat written for an older machine type would land on the tree\'s latest type, the alias',
    docs: 'The rules treat this machine type as an older one (they declare a newer type it inherits from), but in the chosen QEMU it is the latest type and the unversioned alias (`-M virt`). Its compat would change every new guest. This is what happens when rules written for a newer QEMU are built against an older tree: build against the QEMU the rules are for, or scope the family in mtc.yaml.',
  },
  MTC7008: {
    name: 'qemu-family-left-out',
    severity: 'error',
    summary: 'The chosen QEMU does not define the machine family',
    docs: 'A family the tree does not define gets no patch. When the family belongs to another kind of tree (RHEL\'s `virt-rhel` on upstream QEMU) or to other QEMU versions (mtc.yaml `families: { virt: { qemu: ">=11.1" } }`), it is left out with a note and its checks against this QEMU are skipped; otherwise it is an error.',
  },
  MTC7009: {
    name: 'qemu-naming-unknown',
    severity: 'error',
    summary: 'mtc does not know how QEMU names the machine types of a family',
    docs: 'C names (options functions, registration macros, their arity) are read from the QEMU tree, or come from a preset the project chooses in mtc.yaml (`families: { virt-rhel: { preset: rhel } }`; presets `upstream`: virt, pc-q35, pc-i440fx; `rhel`: virt-rhel). They are never guessed. Build with `--qemu-tree` of a tree that defines the family, or give it a preset.',
  },
  MTC7010: {
    name: 'qemu-tolerance-unreadable',
    severity: 'warning',
    summary: 'QEMU registers a tolerance whose register mtc cannot work out',
    docs: 'mtc evaluates the index argument of QEMU\'s own `arm_register_cpreg_mig_tolerance()` calls (`ARM64_SYS_REG(...)`, `KVM_REG_ARM_FW_FEAT_BMAP_REG(n)`, `cpreg_to_kvm_id(ENCODE_CP_REG(...))`, and locals set to those). When it meets another form, it cannot tell whether a rule duplicates that tolerance; check the call the help names by hand.',
  },
  MTC7011: {
    name: 'qemu-machine-type-unregistered',
    severity: 'warning',
    summary: 'The chosen QEMU defines the machine type but no longer registers it',
    docs: 'QEMU stops registering versioned machine types six years after their release (`MACHINE_VER_DELETION_MAJOR`, include/hw/core/boards.h); their options functions stay in the source because newer types\' functions are called from theirs, but no guest can use them. Rules for such a type only matter through the types that inherit them.',
  },
  MTC7012: {
    name: 'qemu-hook-unplaceable',
    severity: 'error',
    summary: 'The tolerance hook has no place in the chosen QEMU tree',
    docs: 'The tolerances target adds a `set_cpreg_mig_tolerances` field at the end of struct VirtMachineClass (include/hw/arm/virt.h) and calls it for each vCPU in machvirt_init() before the vCPU is realized. When the tree has no such struct or call site, or already has the hook, the patch is refused.',
  },
  MTC7013: {
    name: 'qemu-version-arity',
    severity: 'error',
    summary: 'A machine type has more or fewer version numbers than its family\'s registration macro takes',
    docs: 'Upstream `DEFINE_VIRT_MACHINE(10, 1)` takes two numbers, RHEL\'s `DEFINE_VIRT_MACHINE(9, 6, 0)` three. A machine type written with another count has no options function of that name in QEMU.',
  },
  MTC7014: {
    name: 'qemu-name-taken',
    severity: 'error',
    summary: 'A C name mtc would generate is already defined in the QEMU tree',
    docs: 'mtc names its compat arrays `arm_virt_compat_10_1` (`pc_q35_compat_10_1`, ...). If the tree already defines a GlobalProperty array of that name, the patched file would not compile.',
  },
  MTC7021: {
    name: 'qemu-unknown-version',
    severity: 'error',
    summary: 'No built-in profile for the QEMU version asked for',
    docs: '`--qemu VERSION` (or `qemu:` in mtc.yaml) names a built-in profile: 10.0 (10.0.13), 10.2 (10.2.2) or 11.1 (11.1.1), generated from the real trees. For another QEMU, give its tree with `--qemu-tree DIR` (unreadable trees are MTC3011), or print its profile with `mtc qemu-profile DIR`.',
  },
});
