import { codeTable } from '../diagnostics/codes.js';

/** `mtc explain LOG`: reading a QEMU migration log (MTC22xx). */
export const explainCodes = codeTable({
  MTC2201: {
    name: 'log-no-qemu-message',
    severity: 'error',
    summary: 'the log holds no QEMU migration message mtc knows',
    docs:
      'No line of the log is one the destination QEMU prints about the CPU register list, in any form of `catalog/qemu/releases.yaml`: the RFC series\' `kvm_arm_cpu_post_load Unexpected register in input stream: …` and its trace events (`cpu_post_load_unexpected …`), QEMU 11.1\'s `handle_cpreg_only_in_incoming_stream: … fail migration` and its trace events, the length check of QEMU 10.x (`Invalid value 363 expecting positive value <= 276`), the post-load failure (`load of migration failed: … post load hook failed for: cpu …`), or KVM\'s `Could not set register …`. Give the destination\'s log (its standard error, or libvirt\'s `/var/log/libvirt/qemu/GUEST.log` on the destination host). Exit status 1.',
  },
  MTC2202: {
    name: 'log-release-mismatch',
    severity: 'warning',
    summary: 'the log was printed by another QEMU release than --qemu names',
    docs:
      'The log\'s lines match the templates of other releases than the one `--qemu` chose, so the lines mtc prints as that release\'s differ from the log\'s. That is what `--qemu` is for (to see what another release prints for the same registers); the warning says the log itself came from another release. Leave out `--qemu` to take the release the log\'s form shows.',
  },
  MTC2203: {
    name: 'log-failure-unnamed',
    severity: 'note',
    summary: 'the log names no register that explains the failure; what can be inferred',
    docs:
      'QEMU 10.x names no register: the length check (`Invalid value N expecting positive value <= M`) says only that the source lists at least N − M registers the destination does not, and a post-load failure with no other line means the source sent a register the destination lacks (10.x stops at the first one, silently) or, under TCG, that a value did not read back as written (`write_list_to_cpustate()`). QEMU 11.1 names every register it refuses, so an 11.1 post-load failure without a `fail migration` line comes from after the walk: a value TCG did not read back, or one the kernel refused. To name the registers, capture both ends with `mtc capture` (same machine type and `-cpu`) and run `mtc explain LOG --from SOURCE.yaml --to DESTINATION.yaml`, or `mtc simulate --hosts SOURCE.yaml DESTINATION.yaml`.',
  },
  MTC2204: {
    name: 'unknown-qemu-release',
    severity: 'error',
    summary: '--qemu names a QEMU release mtc has no model of',
    docs: '`--qemu` takes a release of `catalog/qemu/releases.yaml` (`10.0`, `10.2`, `x-mig-series`, `11.0`, `11.1`) or a version of one (`11.1.1`). Exit status 2.',
  },
  MTC2205: {
    name: 'log-failure-outside-cpreg',
    severity: 'note',
    summary: 'the migration failed outside the CPU register list',
    docs:
      'The destination refused something other than the cpreg arrays: a subsection it does not know (`VM subsection \'cpu/fpmr\' in \'cpu\' does not exist`, seen loading an 11.1.1 stream into 10.2.2), or a stream it cannot load at all (the 10.2 assertion on 11.1\'s arrays). No `hide` or `tolerate` rule changes that; the destination QEMU must be at least as new as the source, or the source must not send that state.',
  },
  MTC2206: {
    name: 'register-dropped-silently',
    severity: 'warning',
    summary: 'QEMU drops an incoming register without a word: the migration passes and its value is lost',
    docs:
      'QEMU 10.0 and 10.2 walk their own register list and stop at its end (target/arm/machine.c of 10.2.2, :1054-1068), so incoming registers that sort after the destination\'s last one are never looked at: they are neither loaded nor refused. With both host profiles mtc names them (for example `KVM_REG_ARM_VENDOR_HYP_BMAP_2` from a 6.15 source to a 6.12 destination). The guest keeps running with the destination\'s reset value; a rule that hides the register on the newer kernel makes both ends agree.',
  },
  MTC2207: {
    name: 'passes-by-qemu-bug',
    severity: 'warning',
    summary: 'the migration passes only because of QEMU 11.1\'s assignment bug; the refused registers\' values are lost',
    docs:
      'QEMU 11.1.1 keeps only the verdict of the last incoming register the destination lacks: `fail = handle_cpreg_only_in_incoming_stream(…)` assigns where it should or (target/arm/machine.c:1161 and :1186). So when the last such register, in index order, is tolerated, every earlier refusal is forgotten: QEMU prints `… fail migration` for them and the migration passes, with their values lost. mtc says so from the log (a `fail migration` line, a later tolerated one, no failure) or from both host profiles. Tolerate the refused registers on the machine type, or make both ends list them; a later QEMU that fixes the bug fails this migration.',
  },
});

export type ExplainCode = keyof typeof explainCodes;
