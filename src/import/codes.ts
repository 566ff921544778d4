import { codeTable } from '../diagnostics/codes.js';

/** `mtc import` (MTC71xx): reading a QEMU tree's machine types and compat arrays into rule files. */
export const importCodes = codeTable({
  MTC7101: {
    name: 'import-family-missing',
    severity: 'error',
    summary: 'The QEMU tree defines no machine family of that name',
    docs: '`mtc import --family NAME` takes mtc\'s family names as `mtc qemu-profile DIR` lists them (`virt`, `pc-q35`, `pc-i440fx`; `virt-rhel` in a RHEL tree). The help lists the families the tree defines.',
  },
  MTC7102: {
    name: 'import-array-missing',
    severity: 'error',
    summary: 'An options function adds a compat array mtc cannot find',
    docs: 'mtc reads file-level `GlobalProperty NAME[] = { ... };` arrays from the machine file (hw/arm/virt.c), hw/core/machine.c (`hw_compat_X_Y`) and hw/i386/pc.c (`pc_compat_X_Y`). An array defined elsewhere, or a local array inside the options function, is not imported; nothing is written.',
  },
  MTC7103: {
    name: 'import-entry-unreadable',
    severity: 'error',
    summary: 'An entry of a compat array cannot be read',
    docs: 'An entry is `{ driver, property, value }` with string literals or macros that the tree\'s headers define as one string literal (`#define TYPE_VIRTIO_NET "virtio-net-device"`), and optionally `.optional = true`. A macro that is not defined, is defined twice differently, or is not a string, or another expression (`"486-" TYPE_X86_CPU`), cannot be imported exactly; nothing is written, so that no entry is silently lost.',
  },
  MTC7104: {
    name: 'import-entry-inexpressible',
    severity: 'warning',
    summary: 'An entry of a compat array cannot be written as a `set` rule',
    docs: '`set driver.property = value;` needs a driver without a dot and a name the rule language can write. The entry stays in the tree and is listed in the report, but the imported set lacks it.',
  },
});
