import { codeTable } from '../diagnostics/codes.js';

/** `mtc capture` diagnostics (MTC80xx): running QEMU and reading its migration stream. */
export const captureCodes = codeTable({
  MTC8001: {
    name: 'qemu-binary-not-found',
    severity: 'error',
    summary: 'The QEMU binary given with `--qemu-binary` does not exist or cannot be executed',
    docs: '`mtc capture` runs the binary it is given (`--qemu-binary /usr/bin/qemu-system-aarch64`). The path must name an executable file; a relative path is relative to the current directory.',
  },
  MTC8002: {
    name: 'qemu-start-failed',
    severity: 'error',
    summary: 'QEMU exited, or did not connect to its QMP socket, before the capture could start',
    docs: 'The message quotes the first lines QEMU printed on standard error, for example `qemu-system-aarch64: unsupported machine type` or `Could not access KVM kernel module`. Check `--machine`, `--cpu` and `--accel` against `qemu-system-aarch64 -M help` and `-cpu help`. A QEMU that prints nothing and does not connect within `--start-timeout` seconds is stopped.',
  },
  MTC8003: {
    name: 'migration-failed',
    severity: 'error',
    summary: 'QEMU could not migrate its state to the capture file',
    docs: 'QEMU reported the migration as failed (the message quotes its `error-desc`, for example a device that blocks migration), or it did not complete within `--migrate-timeout` seconds and was stopped.',
  },
  MTC8004: {
    name: 'stream-too-large',
    severity: 'error',
    summary: 'The migration stream is larger than `--max-stream-size`',
    docs: 'The stream holds the guest RAM too; under `-S` nearly every page is a zero page of 9 bytes, so a capture of the default `virt` machine is under 1 MB. A stream over the limit is not read (a running capture is cancelled). Raise the limit with `--max-stream-size BYTES` when the machine really has that much non-zero memory.',
  },
  MTC8005: {
    name: 'bad-migration-stream',
    severity: 'error',
    summary: 'The migration stream is truncated or malformed',
    docs: 'The reader follows QEMU\'s savevm format (file magic `QEVM`, version 3, the configuration section, section start/full/part/end records with their footers, the RAM records, the end-of-file mark and the JSON VM description) and stops at the first byte that does not fit. The message gives the byte offset. A stream that QEMU wrote completely does not trigger this; a file cut short, or another format (a libvirt save image has a header of its own), does.',
  },
  MTC8006: {
    name: 'no-cpu-section',
    severity: 'error',
    summary: 'The migration stream has no `cpu` section with a cpreg list',
    docs: 'An Arm CPU migrates its system registers in the `cpu` section as `cpreg_vmstate_array_len`, `cpreg_vmstate_indexes` and `cpreg_vmstate_values`. A stream of another architecture, or of a machine without CPUs, has none.',
  },
  MTC8007: {
    name: 'no-vm-description',
    severity: 'error',
    summary: 'The migration stream does not end with QEMU\'s JSON VM description',
    docs: 'QEMU appends a JSON description of every device section (field names and sizes) after the end-of-file mark, unless the machine is started with `suppress-vmdesc=on`. The reader needs it to find the cpreg arrays inside the `cpu` section, whose layout differs between QEMU versions. A stream that is cut short has lost it too. Capture again, without `suppress-vmdesc`.',
  },
  MTC8008: {
    name: 'vcpus-differ',
    severity: 'warning',
    summary: 'The vCPUs of the capture do not migrate the same register list',
    docs: 'With `--smp N` the stream has one `cpu` section per vCPU. The profile records vCPU 0; every other vCPU is compared with it. Values that differ per vCPU by design (MPIDR_EL1, the affinity of each core) are listed in the profile\'s `capture` block; a different list of indexes is unusual and reported with this warning.',
  },
  MTC8009: {
    name: 'capture-interrupted',
    severity: 'error',
    summary: 'The capture was interrupted (SIGINT or SIGTERM)',
    docs: 'QEMU was stopped and the temporary directory removed; nothing was written.',
  },
  MTC8010: {
    name: 'qmp-protocol-error',
    severity: 'error',
    summary: 'QEMU answered a QMP command with an error or with something that is not QMP',
    docs: 'The message names the command and quotes QEMU\'s error class and description. `mtc capture` uses `qmp_capabilities`, `query-version`, `qom-get`, `query-cpus-fast`, `migrate`, `query-migrate` and `quit`, which every QEMU since 8.0 has.',
  },
});
