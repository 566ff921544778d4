import type { Command } from 'commander';
import type { SetExit } from './types.js';

export interface QemuProfileOptions {
  readonly qemu?: string;
  readonly format: string;
}

export function register(program: Command, setExit: SetExit): void {
  program
    .command('qemu-profile')
    .description(
      "print what mtc reads from a QEMU source tree (version, compat interfaces, QEMU's own tolerances, machine families and types, names), as JSON; exit 0, 1 when the tree cannot be read, 2 on usage errors",
    )
    .argument('[dir]', 'top directory of a QEMU source tree')
    .option('--qemu <version>', 'print a built-in profile instead: 10.0, 10.2 or 11.1')
    .option('-f, --format <format>', 'diagnostics format: human, json, github, sarif', 'human')
    .action(async (dir: string | undefined, opts: QemuProfileOptions) => {
      const impl = await import('../qemu-profile-command.js');
      setExit(await impl.runQemuProfile(dir, opts));
    });
}
