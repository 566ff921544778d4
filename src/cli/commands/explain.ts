import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { SetExit } from './index.js';

export function register(program: Command, setExit: SetExit): void {
  program
    .command('explain')
    .description('explain a QEMU migration failure log (name each register, say why the hosts differ, print the rule to add), or a diagnostic code (`mtc explain MTC2001`)')
    .argument('[log]', 'log file, or - for standard input (default: standard input), or a diagnostic code such as MTC2001')
    .option('-m, --machine <machine>', 'machine type the suggested rule is for (e.g. virt-10.1)')
    .option('--target <target>', 'QEMU interface of the suggested rule: x-mig or tolerances (default: the interface of the --qemu release; tolerances for releases with neither)')
    .option('--qemu <release>', 'the QEMU release whose lines mtc prints: 10.0, 10.2, x-mig-series, 11.0 or 11.1 (default: the release whose lines the log has, else the newest)')
    .option('--from <profile>', 'source host profile (built-in name, profile YAML, `mtc capture` output or captured list), to name the registers the log does not')
    .option('--to <profile>', 'destination host profile (with --from)')
    .option('--catalog <file...>', 'extra register catalog files')
    .option('--history <file>', 'kernel history file that extends the built-in one')
    .option('-f, --format <format>', 'output format: human or json', 'human')
    .action(async (log: string | undefined, opts: { machine?: string; target?: string; qemu?: string; from?: string; to?: string; catalog?: string[]; history?: string; format?: string }) => {
      // `mtc explain MTC2001`: the code's documentation (a file of that name still wins).
      if (log !== undefined && /^MTC\d+$/i.test(log) && !existsSync(log)) {
        const codes = await import('../../diagnostics/explain-code.js');
        setExit(codes.runExplainCode(log, opts.format));
        return;
      }
      const impl = await import('../../catalog/commands/explain.js');
      setExit(await impl.run(log, opts));
    });
}
