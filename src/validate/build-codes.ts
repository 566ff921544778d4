import { codeTable } from '../diagnostics/codes.js';

/**
 * Errors `mtc build` would refuse, found by the checks so that `mtc check`
 * reports them located (MTC3002-MTC3004: their numbers are from the time the
 * emitter found them, and codes are never renumbered).
 */
export const buildCheckCodes = codeTable({
  MTC3002: {
    name: 'mixed-targets-in-chain',
    severity: 'error',
    summary: 'A machine type inherits from a machine type that uses the other C target',
    docs: 'Every older options function calls the next newer one, so a chain must use one QEMU interface: CPU array properties (`x-mig`) or cpreg tolerances (`tolerances`). Put the whole family in files with the same `target`. Each file has its own `target`, so this is found on the resolved chain; `mtc check` reports it at the machine type (or its `inherits`), and `mtc build` refuses to generate C.',
  },
  MTC3003: {
    name: 'set-of-managed-array',
    severity: 'error',
    summary: 'A `set` writes a register array property that `hide` / `tolerate` manage',
    docs: 'QEMU accepts an array property only once per object ("array size property ... may not be set more than once"). mtc merges `x-mig-hidden-regs` and `x-mig-safe-missing-regs` over the chain and sets each exactly once; a `set` of the same property would set it a second time. Write `hide REG` or `tolerate REG` instead. The managed properties are `x-mig-hidden-regs`, `x-mig-safe-missing-regs`, `kvm-hidden-regs`, `kvm-enforced-regs` and `kvm-fake-regs`.',
  },
  MTC3004: {
    name: 'c-name-collision',
    severity: 'error',
    summary: 'Two machine types map to the same C identifier',
    docs: 'Generated C names are derived from the machine type name (`virt-10.1` gives `virt_machine_10_1_options` and `arm_virt_compat_10_1`). Two names that differ only in punctuation (`my-box`, `my_box`) would define the same function twice. Every name a machine type can have (options function, compat array, tolerance function) is checked, also one it does not need yet, so that adding a rule never turns a clean tree into a collision. Rename one of them.',
  },
});
