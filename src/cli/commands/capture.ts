import type { Command } from 'commander';
import type { SetExit } from './types.js';
import type { CaptureCliOptions } from '../../capture/command.js';

export function register(program: Command, setExit: SetExit): void {
  program
    .command('capture')
    .description(
      'run a QEMU binary, migrate its stopped machine to a file and read the cpreg list of the cpu section into a host profile (YAML); exit 0 on success, 1 when the capture fails, 2 on usage errors, 130 when interrupted',
    )
    .option('--qemu-binary <path>', 'the QEMU to run (qemu-system-aarch64)')
    .option('-M, --machine <type>', 'machine type (-M), e.g. virt-10.2', 'virt')
    .option('--cpu <model>', 'CPU model (-cpu) (default: max under tcg, host under kvm)')
    .option('--accel <accel>', 'accelerator: tcg, or kvm to record what this host\'s kernel lists', 'tcg')
    .option('--smp <n>', 'number of vCPUs (-smp); every vCPU is checked against vCPU 0')
    .option('--stream <file>', 'read a migration stream QEMU wrote (`migrate file:…`; .gz and .br are decompressed) instead of running QEMU')
    .option('--qemu-version <version>', 'with --stream: the QEMU version that wrote it (a TCG profile needs it)')
    .option('--keep-stream <file>', 'also save the raw migration stream')
    .option('--name <name>', 'profile name (default: from accelerator, QEMU version, machine type and CPU)')
    .option('--description <text>', 'profile description')
    .option('-o, --out <file>', 'write the profile to FILE (atomically) instead of standard output')
    .option('--start-timeout <seconds>', 'time QEMU has to start and answer QMP', '30')
    .option('--migrate-timeout <seconds>', 'time the migration may take', '120')
    .option('--max-stream-size <bytes>', 'largest migration stream read (default 268435456, 256 MiB)')
    .action(async (opts: CaptureCliOptions) => {
      const impl = await import('../../capture/command.js');
      setExit(await impl.runCaptureCommand(opts));
    });
}
