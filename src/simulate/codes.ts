import { codeTable } from '../diagnostics/codes.js';

/** Simulator diagnostics (MTC40xx). */
export const simulateCodes = codeTable({
  MTC4001: {
    name: 'bad-build-document',
    severity: 'error',
    summary: 'The build document cannot be read or does not follow the mtc-build format',
    docs: '`mtc simulate` reads the machine types from the build document (`out/mtc-build.json` by default, written by `mtc build`). Run `mtc build` first, or pass `--build FILE`. The document must have `format: "mtc-build"`, a supported `version`, and each machine type an `effective` rule set with 64-bit ids written as `0x` hex strings.',
  },
  MTC4002: {
    name: 'bad-host-profile',
    severity: 'error',
    summary: 'A host profile cannot be read or is not valid',
    docs: 'A host is a profile (YAML or JSON: `name`, `kernel` or `accel: tcg` with `qemu`, `cpu.midr`, optional `features`) or a captured register list with explicit `registers`. Fix the file named in the message; `mtc simulate --hosts DIR` reads every `.yaml`, `.yml`, `.json` and `.txt` file of a directory.',
  },
  MTC4003: {
    name: 'unknown-machine-type',
    severity: 'error',
    summary: '`--machine` names a machine type the build document does not have',
    docs: 'The machine types come from the build document. Check the spelling (`virt-10.1`, `virt-rhel10.0.0`), or rebuild the document after adding the machine type to the rules.',
  },
  MTC4004: {
    name: 'bad-policy',
    severity: 'error',
    summary: 'The policy file or a `--require` flag is not valid',
    docs: 'A policy file is YAML: `format: 1` and `require:` a list of `{ machine, hosts, direction?, accept? }`; `hosts` are host names or kernel versions (`6.12` matches every host on a 6.12 kernel), `direction` is `both` (default), `forward` (older to newer kernel) or `backward`, `accept` the outcomes that count as passing (default `ok`, `warn`). A flag `--require "virt-10.1: 6.6,6.12,6.15,6.18"` states the same in one line.',
  },
  MTC4005: {
    name: 'policy-failed',
    severity: 'error',
    summary: 'A required migration does not hold',
    docs: 'The policy requires a machine type to migrate between two hosts, and the simulator predicts another outcome. The message names the machine type, the pair and the outcome; the matrix output explains the cell with the lines QEMU would print. Add the missing `hide`/`tolerate`/`allow cpu` rule, or relax the policy.',
  },
  MTC4006: {
    name: 'bad-register-value',
    severity: 'error',
    summary: 'A `--reg-value` option is not `REGISTER=VALUE`',
    docs: 'Source-side values for tolerance value tests are given as `--reg-value KVM_REG_ARM_VENDOR_HYP_BMAP_2=0x1`: a catalog name or a `0x` id, `=`, and a number (decimal or `0x` hex, at most 64 bits). Registers without a value use their reset value, 0.',
  },
  MTC4007: {
    name: 'no-hosts',
    severity: 'error',
    summary: 'There are no hosts to simulate',
    docs: 'Without `--hosts` the simulator uses the built-in host profiles of the catalog. Give profile files or directories with `--hosts`, or check that the catalog ships profiles.',
  },
  MTC4008: {
    name: 'duplicate-host',
    severity: 'error',
    summary: 'Two host profiles have the same name',
    docs: 'Host names identify rows and columns of the matrix and the hosts of a policy, so they must be unique. Rename one profile.',
  },
  MTC4010: {
    name: 'stale-build-document',
    severity: 'error',
    summary: 'The build document was built from rule files that have changed since',
    docs: 'The build document records the sha256 of every rule file it was built from (`sources`). When a recorded file now has another content, or is gone, the document no longer says what the rules say, and a simulation of it would answer for the old rules: `mtc simulate` refuses it and names the files. Run `mtc build` (or `npm start`) and simulate again. (When none of the recorded files can be found, for a document copied away from its rules, nothing can be compared and it is used as it is.)',
  },
  MTC4011: {
    name: 'machine-type-not-simulatable',
    severity: 'error',
    summary: '`--machine` names a machine type of an architecture the simulator does not model',
    docs: 'The simulator predicts how an ARM64 destination QEMU loads the list of KVM register ids the source sends (cpreg migration); its host profiles are arm64 KVM and arm TCG hosts. x86 machine types (`pc-q35-*`, `pc-i440fx-*`) migrate CPU state another way, so there is no matrix to draw for them. Without `--machine` they are left out silently; named explicitly they are an error.',
  },
  MTC4009: {
    name: 'unknown-policy-host',
    severity: 'error',
    summary: 'A policy names a host or kernel that matches no host profile',
    docs: 'Each entry of a policy\'s `hosts` must be a host name or a kernel version matching at least one simulated host. Add the profile with `--hosts`, or correct the name.',
  },
});
