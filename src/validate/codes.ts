import { codeTable } from '../diagnostics/codes.js';

/** Structural checks (MTC10xx): what can be checked without the register catalog. */
export const structuralCodes = codeTable({
  MTC1001: {
    name: 'duplicate-machine-type',
    severity: 'error',
    summary: 'A machine type is declared more than once',
    docs: 'Each machine type is declared once in the whole rule tree (all files and includes). Merge the rules of both declarations into one `machine` block.',
  },
  MTC1002: {
    name: 'unknown-parent',
    severity: 'error',
    summary: '`inherits` names a machine type that is not declared',
    docs: 'In QEMU an older machine type inherits the compat entries of the next newer one (`virt_machine_10_1_options()` calls `virt_machine_10_2_options()`). `inherits` must name a machine type declared in the rule tree; declare it, even without rules: `machine virt-10.2;`.',
  },
  MTC1003: {
    name: 'inheritance-cycle',
    severity: 'error',
    summary: 'Machine types inherit from each other in a cycle',
    docs: 'A chain of `inherits` must end at the newest machine type of its family. A cycle would make QEMU recurse forever in its options functions.',
  },
  MTC1004: {
    name: 'ambiguous-chain',
    severity: 'error',
    summary: 'Two machine types of one family have the same version, so the chain cannot be inferred',
    docs: 'Without `inherits`, a machine type inherits from the next newer version of its family (`virt-10.1` from `virt-10.2`). Two names with equal versions (`virt-10.1` and `virt-10.1.0`) make that order ambiguous. Rename one, or write `inherits` explicitly on the machine types concerned.',
  },
  MTC1005: {
    name: 'repeated-rule',
    severity: 'warning',
    summary: 'The same rule is written twice in one machine type',
    docs: 'A register hidden or tolerated twice, the same CPU allowed twice, or `requires` given twice in one machine type. The second one has no effect; remove it.',
  },
  MTC1006: {
    name: 'hidden-and-tolerated',
    severity: 'error',
    summary: 'A register is both hidden and tolerated on one machine type',
    docs: 'A hidden register is never migrated (`x-mig-hidden-regs`), so tolerating it (`x-mig-safe-missing-regs`, cpreg tolerances) contradicts the hide. The check runs on the merged chain: the two rules may sit on different machine types of it. Keep one of them.',
  },
  MTC1007: {
    name: 'invalid-midr',
    severity: 'error',
    summary: 'An `allow cpu` MIDR is not a valid 32-bit MIDR_EL1 value',
    docs: 'MIDR_EL1 is 32 bits: implementer [31:24] (non-zero, e.g. 0x41 Arm), variant [23:20], architecture [19:16] (0xf on every Armv8 and later CPU), part number [15:4], revision [3:0]. A value wider than 32 bits or with implementer 0 is an error; an architecture field other than 0xf is a warning.',
  },
  MTC1008: {
    name: 'unknown-attribute',
    severity: 'error',
    summary: 'A rule has an attribute mtc does not know',
    docs: 'Rule blocks accept `reason "...";` and `ref KIND "VALUE";` (KIND is `linux`, `qemu`, `msgid`, `bug` or `url`). A misspelt attribute would silently lose information that flows into the generated C and docs, so it is an error.',
  },
  MTC1009: {
    name: 'repeated-clause',
    severity: 'error',
    summary: 'A clause or attribute is given twice in one rule, or is not allowed on it',
    docs: 'A rule takes at most one kernel range, one value test (only on `tolerate`), one `reason`, and for `allow cpu` at most one `revidr` and one `aidr`.',
  },
  MTC1010: {
    name: 'missing-reason',
    severity: 'warning',
    summary: 'A `hide` or `tolerate` rule has no reason',
    docs: 'Reasons flow into the comments of the generated C and into the docs; reviewers of QEMU patches expect one. Add `{ reason "..."; }` to the rule.',
  },
  MTC1011: {
    name: 'invalid-reference',
    severity: 'error',
    summary: 'A `ref` attribute is malformed',
    docs: 'References are `ref linux "c0000e58c74e";` or `ref qemu "4f2b82f60431";` (a commit hash of 7 to 40 hex digits), `ref msgid "20251222134110.3649287-11-eric.auger@redhat.com";` (a Message-ID, without `<>`), `ref bug "RHEL-174858";`, or `ref url "https://...";` (http or https).',
  },
  MTC1012: {
    name: 'empty-kernel-range',
    severity: 'error',
    summary: 'A kernel range whose lower bound is above its upper bound',
    docs: '`kernel 6.12..6.5` contains no kernel. Ranges are inclusive at both ends: `kernel 6.5..6.12`.',
  },
  MTC1013: {
    name: 'unknown-target',
    severity: 'error',
    summary: '`target` names an interface mtc cannot emit',
    docs: 'Two C targets exist: `target x-mig;` (the `x-mig-hidden-regs` / `x-mig-safe-missing-regs` CPU array properties of the downstream series) and `target tolerances;` (the `arm_register_cpreg_mig_tolerance()` calls merged upstream).',
  },
  MTC1014: {
    name: 'repeated-target',
    severity: 'error',
    summary: 'A file has more than one `target` statement',
    docs: 'A file chooses one C target for all its machine types. Split the machine types into two files to use both targets.',
  },
  MTC1015: {
    name: 'include-not-found',
    severity: 'error',
    summary: 'An included file does not exist',
    docs: 'Include paths are relative to the including file: `include "common/arm.mtc";`.',
  },
  MTC1016: {
    name: 'include-outside-root',
    severity: 'error',
    summary: 'An include, or a path given to mtc, leaves the project root',
    docs: 'Rule files come from pull requests, so an include may not read files outside the project root, neither with `..` nor through a symbolic link. The root is `--root` when given; otherwise the nearest directory at or above the paths given that holds `rules/mtc.yaml` (or `mtc.yaml`), else the current directory when it contains them, else their common ancestor.',
  },
  MTC1017: {
    name: 'include-cycle',
    severity: 'error',
    summary: 'Files include each other in a cycle',
    docs: 'A file is read once however often it is included, but a cycle is still a mistake in the structure of the rule tree. Remove one of the includes.',
  },
  MTC1018: {
    name: 'include-too-deep',
    severity: 'error',
    summary: 'Includes are nested deeper than the limit',
    docs: 'The default limit is 32 levels (`--max-include-depth`).',
  },
  MTC1019: {
    name: 'inherits-older',
    severity: 'warning',
    summary: 'A machine type inherits from an older version of its family',
    docs: 'In QEMU an older machine type inherits from the next newer one, never the reverse. `machine virt-10.2 inherits virt-10.1` is almost certainly the wrong way round.',
  },
  MTC1020: {
    name: 'conflicting-property',
    severity: 'error',
    summary: 'One machine type sets the same property twice',
    docs: 'Within one machine type, `set driver.property` may appear once. (Across the chain, the older machine type\'s value wins, as QEMU applies the compat arrays newest first.)',
  },
  MTC1021: {
    name: 'value-test-never-true',
    severity: 'error',
    summary: 'A `when value & MASK == VALUE` test that no value can pass, or every value passes',
    docs: 'When VALUE has bits outside MASK, `(value & MASK) == VALUE` is never true and the tolerance never applies (error). When MASK is 0 and VALUE is 0, the test always passes: write a plain `tolerate` instead (warning).',
  },
  MTC1022: {
    name: 'invalid-encoding',
    severity: 'error',
    summary: 'A `sysreg(...)` tuple with the wrong number of fields or a field out of range',
    docs: '`sysreg(op0, op1, CRn, CRm, op2)` takes five fields: op0 0-3, op1 0-7, CRn 0-15, CRm 0-15, op2 0-7.',
  },
  MTC1023: {
    name: 'invalid-property',
    severity: 'error',
    summary: 'A `set` whose target is not `driver.property`',
    docs: 'Compat properties are written as with `-global`: `set arm-cpu.pauth = off;`, `set x86_64-cpu.x-migrate-smi-count = off;`.',
  },
  MTC1025: {
    name: 'chain-too-long',
    severity: 'error',
    summary: 'A machine type inheritance chain is longer than the limit',
    docs: 'Every machine type carries the merged rules of its whole chain, so work and output grow with the chain length times the number of machine types. The default limit is 128 machine types per chain (QEMU\'s longest families have a few dozen versions); `--max-chain-length` raises it. The chain is cut at the limit.',
  },
  MTC1026: {
    name: 'machine-version-out-of-range',
    severity: 'error',
    summary: 'A machine type version part is larger than QEMU can take',
    docs: 'The version of a machine type name (`10.1` in `virt-10.1`) becomes the arguments of QEMU\'s `DEFINE_VIRT_MACHINE(10, 1)` and of the generated C names, and each part is a C int. `virt-99999999999999999999.1` would be rounded (to `virt_machine_100000000000000000000_1_options`), so it is refused. Versions are small numbers.',
  },
  MTC1027: {
    name: 'inherits-other-family',
    severity: 'error',
    summary: 'A machine type inherits a machine type of another family',
    docs: 'A machine type inherits the next newer machine type of its own family (`virt-10.1` inherits `virt-10.2`); each family is emitted as its own C file, for its own board, so an options function cannot call one of another family (`machine virt-10.1 inherits pc-q35-2.12` would compile to a call of a function in another file). Inherit a machine type of the same family, or drop `inherits`.',
  },
  MTC1024: {
    name: 'invalid-machine-name',
    severity: 'error',
    summary: 'A machine type name QEMU would not accept',
    docs: 'Machine type names are lower-case letters, digits, `-`, `_` and `.`, starting with a letter (`virt-10.1`, `virt-rhel9.6.0`, `pc-q35-2.11`). The name becomes a C identifier in the generated options functions.',
  },
  MTC1028: {
    name: 'rule-in-compat-set',
    severity: 'error',
    summary: 'A shared compat set holds a rule other than `set`',
    docs: 'A `compat NAME { ... }` set is a list of compat properties, as QEMU\'s `hw_compat_10_1[]` is a `GlobalProperty` array: only `set driver.property = value [optional];` belongs in it. Register rules (`hide`, `tolerate`) are merged over each machine type\'s chain and set once, `allow` and `requires` describe one machine type\'s hosts, and sets do not nest: write those on the machine types.',
  },
  MTC1029: {
    name: 'unknown-compat-set',
    severity: 'error',
    summary: '`use` names a compat set that is not declared',
    docs: '`use hw_compat_10_1;` applies the shared compat set declared with `compat hw_compat_10_1 { ... }` in any file of the project (include the file that declares it). The help suggests a declared set with a similar name.',
  },
  MTC1030: {
    name: 'duplicate-compat-set',
    severity: 'error',
    summary: 'A compat set is declared more than once',
    docs: 'Each shared compat set is declared once in the whole rule tree: it becomes one C array (`GlobalProperty hw_compat_10_1[]`), which QEMU defines once. Merge the two declarations.',
  },
  MTC1031: {
    name: 'unused-compat-set',
    severity: 'warning',
    summary: 'A compat set no machine type uses',
    docs: 'A `compat` set takes effect only through `use NAME;` in a machine type. One that nothing uses generates no C. Use it, or remove it.',
  },
  MTC1032: {
    name: 'repeated-use',
    severity: 'warning',
    summary: 'A machine type uses the same compat set twice',
    docs: 'The second `use` adds every entry of the set again (QEMU\'s compat_props_add() appends, and `query-machines` would list them twice); the effective values do not change. Remove the repeated `use`.',
  },
});

/** Input/output and internal failures (MTC90xx). */
export const ioCodes = codeTable({
  MTC9001: {
    name: 'internal-error',
    severity: 'error',
    summary: 'mtc hit a bug',
    docs: 'An unexpected exception. Nothing was written. Please report it with the input that caused it.',
  },
  MTC9002: {
    name: 'io-error',
    severity: 'error',
    summary: 'A file or directory cannot be read or written',
    docs: 'The path does not exist or permissions forbid access. For outputs, nothing is written unless every output could be produced.',
  },
  MTC9003: {
    name: 'too-many-files',
    severity: 'error',
    summary: 'More rule files than the limit',
    docs: 'The default limit is 10,000 files per run (`--max-files`).',
  },
  MTC9005: {
    name: 'no-rule-files',
    severity: 'error',
    summary: 'The paths given hold no rule file',
    docs: '`mtc check`, `mtc build` and `mtc diff` read the `*.mtc` files under the paths they are given (default `rules/`). A directory without any is an error: checking nothing is not a success, and building nothing would remove every output. Give the directory that holds the rule files, or a file.',
  },
  MTC9004: {
    name: 'usage-error',
    severity: 'error',
    summary: 'A command-line option has a bad value',
    docs: 'The message says which option and what values it takes.',
  },
});
