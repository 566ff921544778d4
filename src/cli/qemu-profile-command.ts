import type { QemuProfileOptions } from './commands/qemu-profile.js';
import { parseFormat, printDiagnostics, reportUsage, UsageError } from './report.js';
import { selectQemu } from '../qemu/select.js';
import { emptyQemuConfig } from '../qemu/families.js';
import { profileJson } from '../qemu/profile-json.js';

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
