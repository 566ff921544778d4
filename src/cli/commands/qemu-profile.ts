/** `mtc qemu-profile [DIR] [--qemu VERSION]`: what mtc reads from a QEMU tree, as JSON. */
import type { Command } from 'commander';
import { selectQemu } from '../../qemu/select.js';
import { emptyQemuConfig } from '../../qemu/families.js';
import { profileJson } from '../../qemu/profile-json.js';
import { parseFormat, printDiagnostics, reportUsage, UsageError } from '../report.js';
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
      setExit(await runQemuProfile(dir, opts));
    });
}

/** `mtc qemu-profile [DIR] [--qemu VERSION]`. */
export async function runQemuProfile(dir: string | undefined, opts: QemuProfileOptions): Promise<number> {
  try {
    const format = parseFormat(opts.format);
    if ((dir === undefined) === (opts.qemu === undefined)) throw new UsageError('give a QEMU tree directory or --qemu VERSION (one of them)');
    const sel = selectQemu(dir !== undefined ? { qemuTree: dir } : { qemu: opts.qemu! }, emptyQemuConfig);
    if (sel.diagnostics.length > 0 || !sel.context.profile) {
      await printDiagnostics(sel.diagnostics, format, new Map(), 0);
      return 1;
    }
    process.stdout.write(profileJson(sel.context.profile));
    return 0;
  } catch (e) {
    return reportUsage(e);
  }
}
