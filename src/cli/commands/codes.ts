/** `mtc codes`: every diagnostic code, one line each (or JSON). */
import type { Command } from 'commander';
import { allCodes } from '../../diagnostics/registry.js';
import type { SetExit } from './types.js';

export function register(program: Command, setExit: SetExit): void {
  program
    .command('codes')
    .description('list every diagnostic code with its severity, name and summary (`mtc explain CODE` prints one in full)')
    .option('-f, --format <format>', 'output format: human or json', 'human')
    .action(async (opts: { format?: string }) => {
      setExit(runCodes(opts.format));
    });
}

/** `mtc codes`: every code, one line each (or JSON). */
export function runCodes(format: string | undefined, out: (t: string) => void = (t) => process.stdout.write(t), err: (t: string) => void = (t) => process.stderr.write(t)): number {
  if (format !== undefined && format !== 'human' && format !== 'json') {
    err(`error[MTC9004]: --format must be human or json, not \`${format}\`\n`);
    return 2;
  }
  const codes = allCodes();
  if (format === 'json') {
    out(JSON.stringify({ format: 'mtc-codes', version: 1, codes }, null, 2) + '\n');
    return 0;
  }
  const w = Math.max(...codes.map((c) => c.name.length));
  const lines = codes.map((c) => `${c.code}  ${c.severity.padEnd(7)}  ${c.name.padEnd(w)}  ${c.summary}`);
  out([...lines, '', 'Run `mtc explain CODE` for the documentation of one code.', ''].join('\n'));
  return 0;
}
