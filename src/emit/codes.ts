import { codeTable } from '../diagnostics/codes.js';

/** Build and emitter diagnostics (MTC30xx). */
export const emitCodes = codeTable({
  MTC3001: {
    name: 'emit-not-expressible',
    severity: 'error',
    summary: 'A rule the machine type\'s C target cannot express reached the emitter',
    docs: 'The `x-mig` target has no value test (a `tolerate ... when value & MASK == VALUE` rule needs `target tolerances;`), and the `tolerances` target cannot hide a register. The validator reports this as MTC2006; the emitter refuses to generate C that would silently drop or weaken the rule.',
  },
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
  MTC3005: {
    name: 'nul-in-property',
    severity: 'error',
    summary: 'A property driver, name or value contains a NUL or control character',
    docs: 'QEMU reads compat property strings as C strings: a NUL would silently truncate the value, and control characters cannot be part of a QOM name or a property value QEMU parses. Remove the character.',
  },
  MTC3010: {
    name: 'qemu-tree-function-missing',
    severity: 'warning',
    summary: 'Retired: a machine type missing from the QEMU tree is now MTC7005',
    docs: 'No longer reported (mtc 0.2). A machine type the chosen QEMU does not define is checked against the tree before any patch is built, with the tree\'s own version order: MTC7005 (an error when the machine type carries rules, a note when it is only newer than the tree). The code stays reserved.',
  },
  MTC3011: {
    name: 'qemu-tree-unreadable',
    severity: 'error',
    summary: 'The QEMU tree given with --qemu-tree cannot be read',
    docs: '`--qemu-tree DIR` takes the top directory of a QEMU source tree (with VERSION and hw/). mtc reads the files it needs (VERSION, boards.h, the machine files, target/arm/*.c, include/hw/arm/virt.h) only as regular files inside the tree (symlinks must stay inside), each at most 8 MiB, as UTF-8; the message names the file and what is wrong with it, never its content. With a readable tree, `mtc build` writes out/qemu/mtc.patch.',
  },
  MTC3012: {
    name: 'qemu-tree-unparsable',
    severity: 'error',
    summary: 'An options function in the QEMU tree ends in a way mtc cannot append to',
    docs: 'mtc finds each options function (`static void NAME(MachineClass *mc)`, `{` on the next line or the same one) and its body by matching braces, skipping comments, strings and `#if 0` regions, and appends its calls before the closing brace. A closing brace that does not stand on a line of its own stops it; the patch is not written.',
  },
  MTC3020: {
    name: 'output-write-failed',
    severity: 'error',
    summary: 'An output file could not be written',
    docs: 'Every output is first written to a temporary file next to its final place and renamed only when all of them were written, so a failed build leaves the previous outputs untouched. Check permissions and free space of the output directory.',
  },
  MTC3021: {
    name: 'stale-output',
    severity: 'error',
    summary: '`mtc build --check`: a generated file on disk differs from what the build would write',
    docs: 'The committed outputs must equal a fresh build of the rules. Run `mtc build` (or `npm start`) and commit the result.',
  },
  MTC3022: {
    name: 'output-not-owned',
    severity: 'error',
    summary: 'The build would overwrite a file it did not generate',
    docs: 'mtc only replaces or removes files it generated: files listed in OUT/.mtc-manifest, or carrying its "Generated by mtc" marker. Move the file away or choose another `--out` directory.',
  },
  MTC3023: {
    name: 'output-path-unsafe',
    severity: 'error',
    summary: 'A path in the output directory is a symlink, or not a regular file or directory where mtc needs one',
    docs: 'mtc never reads, writes or removes through a symlink in the output directory, and the output directory itself must not be a symlink: a symlinked `out/c` or `out/evil` committed in a pull request would otherwise let a build overwrite or delete files anywhere, or print their content in `--check` diffs. Outputs are regular files in plain directories; remove the symlink (or whatever is in the way) and build again. Nothing was written.',
  },
  MTC3024: {
    name: 'output-locked',
    severity: 'error',
    summary: 'Another mtc build is writing the same output directory and did not finish in time',
    docs: 'Builds into one output directory are serialised by the lock file OUT/.mtc-lock: a build waits while another one changes the directory (for up to ten minutes). A lock left by a process that no longer runs, by another boot of the machine, or committed to the repository is broken automatically; this error means a live process holds it. Wait for it or stop it.',
  },
  MTC3025: {
    name: 'bad-manifest',
    severity: 'error',
    summary: 'OUT/.mtc-manifest lists something mtc never writes',
    docs: 'The manifest lists the files the previous build generated, so that the next build can remove the ones it no longer produces. mtc only writes plain relative paths of regular files there. A line with an absolute path, `..`, a hidden name or a directory was not written by mtc (a hand edit, or a pull request trying to make the build remove other files); the build stops and changes nothing. Remove the line, or the whole manifest.',
  },
  MTC3026: {
    name: 'interrupted-build-restored',
    severity: 'warning',
    summary: 'An earlier build was killed while changing the outputs; mtc restored the previous outputs first',
    docs: 'A build that is killed (SIGKILL, power loss of the process, a crash) while it replaces its outputs leaves a journal in OUT/.mtc-txn. The next `mtc build`, with or without `--check`, undoes that change before anything else, so the directory holds the complete previous build again, and then carries on. Nothing needs to be done.',
  },
  MTC3027: {
    name: 'compat-set-differs-from-tree',
    severity: 'error',
    summary: 'A shared compat set cannot be put into the QEMU tree without changing QEMU\'s own entries',
    docs: 'With `--qemu-tree`, a `compat` set whose name the tree already defines (`hw_compat_10_1[]` in hw/core/machine.c) must start with the tree\'s entries, in order: mtc appends the rules\' further entries to the array, but never changes or removes one of QEMU\'s (as it never removes a statement of an options function). `mtc import` writes the sets that way. A set the tree does not define is written `static` in the machine file when one family uses it, and after the last `hw_compat_X_Y[]` of hw/core/machine.c (declared in boards.h) when several do; refused when the tree has no such place, and when a tree array\'s entries cannot be read.',
  },
});
