import { codeTable } from '../diagnostics/codes.js';

/**
 * Diagnostic codes of the catalog stage: MTC2001-MTC2099 validation of rules
 * against the catalog and kernel history, MTC2100-MTC2199 catalog, history
 * and profile file errors.
 */
export const catalogCodes = codeTable({
  MTC2001: {
    name: 'unknown-register',
    severity: 'error',
    summary: 'a register name the catalog does not know',
    docs: 'The rule names a register that is neither in the built-in catalog nor in a `--catalog` file, and is not an Arm generic name (`S3_0_C2_C0_3`). The message suggests the closest known names, e.g. `TCR2_EL` → "there is a register with a similar name: `TCR2_EL1`". Fix the spelling, write the raw id, or add the register to a catalog file.',
  },
  MTC2002: {
    name: 'register-id-mismatch',
    severity: 'error',
    summary: 'a register name and the id written next to it disagree',
    docs: 'In `TCR2_EL1 (0x603000000013c103)` the id in parentheses is the id the author expects; when the catalog gives the name another id, one of the two is wrong. Example: `PIR_EL1 (0x603000000013c512)` is the id of PIRE0_EL1. The fix replaces the id with the catalog\'s.',
  },
  MTC2003: {
    name: 'kernel-range-contradicts-history',
    severity: 'warning',
    summary: "a rule's kernel range disagrees with the kernel history",
    docs: 'A `since`/`kernel A..B` range documents the kernels that list the register differently. When the built-in (or `--history`) kernel history says the change happened in another release, the range is probably wrong, e.g. `hide KVM_REG_ARM_VENDOR_HYP_BMAP_2 since 6.16` while the history records 6.15 (commit c0000e58c74e; QEMU cover letters said 6.16). Facts marked unverified in the history give a note instead.',
  },
  MTC2004: {
    name: 'rule-without-effect',
    severity: 'warning',
    summary: 'hiding or tolerating a register that every known kernel lists the same way',
    docs: 'Hiding or tolerating only matters for a register some host lists and another does not. When every kernel and feature combination of the history lists the register (or none does), the rule changes nothing for KVM migration, e.g. `tolerate SCTLR_EL1`. Remove it, or correct the kernel history if a real host behaves differently.',
  },
  MTC2005: {
    name: 'redundant-inherited-rule',
    severity: 'warning',
    summary: 'an older machine type repeats a rule it already inherits',
    docs: 'Every machine type inherits the compat entries of each newer type in its chain (domain.md §2). A rule written again on an older type, with the same register and effect, is redundant; for list-valued x-mig properties the generator merges them anyway. Remove the repeated rule from the older machine type.',
  },
  MTC2006: {
    name: 'not-expressible-in-target',
    severity: 'error',
    summary: 'a rule the selected QEMU interface cannot express',
    docs: 'The `x-mig` target (CPU array properties `x-mig-hidden-regs` / `x-mig-safe-missing-regs`) has no value test, so `tolerate REG when value & MASK == VALUE` cannot be emitted there: use `target tolerances;` (ToleranceOnlySrcTestValue). The `tolerances` target (upstream cpreg migration tolerances) cannot hide a register: `tolerate REG when value & 0xffffffffffffffff == 0` is the upstream equivalent of hiding BMAP_2.',
  },
  MTC2007: {
    name: 'hides-register-qemu-needs',
    severity: 'error',
    summary: 'hiding a register QEMU itself needs',
    docs: 'Some registers cannot be hidden from QEMU: core registers (synced separately, never in the cpreg list); MIDR_EL1, REVIDR_EL1 and AIDR_EL1 on kernels before 6.15, where they are invariant and QEMU checks them; and KVM_REG_ARM_VENDOR_HYP_BMAP_2 in a machine type with an `allow cpu` list, because the guest then needs the target-implementation-CPU hypercalls that BMAP_2 bits 0-1 enable (seeds/001).',
  },
  MTC2008: {
    name: 'unverified-history-fact',
    severity: 'note',
    summary: 'a rule relies on a kernel-history fact marked unverified',
    docs: 'The history entry the rule matches is marked `unverified: true` (e.g. SCTLR2_EL1 in 6.17, FPMR in 6.9/6.10). Check the kernel tree and correct catalog/kernels.yaml or pass a `--history` file.',
  },
  MTC2101: {
    name: 'catalog-file-too-large',
    severity: 'error',
    summary: 'a catalog, history or profile file is larger than the limit',
    docs: 'Catalog files are refused by size before they are read (default limit 16 MiB), so a huge or endless file cannot exhaust memory. Split the file or raise the limit.',
  },
  MTC2102: {
    name: 'catalog-file-unreadable',
    severity: 'error',
    summary: 'a catalog, history or profile file cannot be read or is not UTF-8',
    docs: 'The file does not exist, is not a regular file, or is not valid UTF-8.',
  },
  MTC2103: {
    name: 'catalog-yaml-syntax',
    severity: 'error',
    summary: 'a catalog, history or profile file is not valid YAML',
    docs: 'The YAML parser rejected the file (bad indentation, unclosed quote, duplicate key, a tab...). The span points at the offending text.',
  },
  MTC2104: {
    name: 'catalog-unsafe-key',
    severity: 'error',
    summary: 'a key such as `__proto__` in a catalog file',
    docs: 'Keys `__proto__`, `constructor` and `prototype` are refused in catalog, history and profile files: they could alter object prototypes in tools that read the data naively, and are never meaningful here.',
  },
  MTC2105: {
    name: 'catalog-yaml-aliases',
    severity: 'error',
    summary: 'too many YAML aliases (alias bomb)',
    docs: 'YAML anchors and aliases can make a small file expand to billions of nodes ("billion laughs"). mtc refuses files that resolve more than 100 aliases; catalog data never needs them.',
  },
  MTC2106: {
    name: 'catalog-schema',
    severity: 'error',
    summary: 'a catalog, history or profile file does not match its schema',
    docs: 'The file parsed but a value has the wrong type, a required key is missing or a key is unknown. The schemas are in schema/ (catalog.schema.json, catalog-kernels.schema.json, profile.schema.json); the span points at the YAML node.',
  },
  MTC2107: {
    name: 'catalog-duplicate-id',
    severity: 'error',
    summary: 'two entries of one catalog file have the same id',
    docs: 'Within one file each id appears once. To override a built-in entry, give it in your own file (later files replace earlier ones); do not list it twice.',
  },
  MTC2108: {
    name: 'catalog-duplicate-name',
    severity: 'error',
    summary: 'two entries of one catalog file share a name or alias',
    docs: 'A name or alias must identify one register within a file (names are case-insensitive).',
  },
  MTC2109: {
    name: 'catalog-bad-id',
    severity: 'error',
    summary: 'an id that is not a valid register id of its class',
    docs: 'The id does not decode to the class written next to it (for example `class: fw` with a sysreg id), or is not a valid arm64/arm register id at all.',
  },
  MTC2110: {
    name: 'catalog-unknown-register',
    severity: 'error',
    summary: 'a history or profile file names a register the catalog does not know',
    docs: 'Kernel history and host profiles refer to registers by catalog name or by id. Use an id, fix the name, or add the register to a catalog file.',
  },
  MTC2111: {
    name: 'register-list-capture',
    severity: 'error',
    summary: 'a captured register list has a line that is not a register id',
    docs: 'A captured list has one id per line (`0x603000000013c103`, optionally with a name after it, as printed by KVM selftests), `#` comments, or is JSON (an array of ids or `{ "registers": [...] }`).',
  },
  MTC2112: {
    name: 'register-list-empty',
    severity: 'error',
    summary: 'a captured register list has no register ids',
    docs: 'The file is empty, or holds only comments and lines mtc skips (core and SVE registers, which QEMU does not migrate through the cpreg list). A real host lists several hundred registers; a host with none would fail every migration for no real reason, so the profile is refused. Capture the list on the host (KVM_GET_REG_LIST; the KVM get-reg-list selftest prints it) and write one id per line.',
  },
  MTC2113: {
    name: 'profile-unknown-backport',
    severity: 'warning',
    summary: 'a host profile names a backport the kernel history has no change for',
    docs: 'A host profile\'s `backports:` lists upstream commits its kernel carries although its version is older (a RHEL 9 kernel is 5.14 plus backports); the history\'s changes with those commits then apply to it. A commit that is no change of the history (catalog/kernels.yaml, or the `--history` file) changes nothing, so the profile\'s register list is not what its author meant. Add the change to a `--history` file, or correct the commit.',
  },
});

export type CatalogCode = keyof typeof catalogCodes;
