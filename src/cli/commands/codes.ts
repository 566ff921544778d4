import type { Command } from 'commander';
import type { SetExit } from './types.js';

export function register(program: Command, setExit: SetExit): void {
  program
    .command('codes')
    .description('list every diagnostic code with its severity, name and summary (`mtc explain CODE` prints one in full)')
    .option('-f, --format <format>', 'output format: human or json', 'human')
    .action(async (opts: { format?: string }) => {
      const impl = await import('../../diagnostics/explain-code.js');
      setExit(impl.runCodes(opts.format));
    });
}
