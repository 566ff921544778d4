import type { Command } from 'commander';
import type { SetExit } from './index.js';

export function register(program: Command, setExit: SetExit): void {
  program
    .command('decode')
    .description('everything about registers: id, names, class, fields, QEMU name, kernels that list it, rules that mention it')
    .argument('<register...>', 'ids (0x603000000013c103), names (TCR2_EL1), generic names (S3_0_C2_C0_3), tuples (sysreg(3,0,2,0,3), fw-bmap(3), cp14(3,0,5,0)) or QEMU names ("fw feat reg 3")')
    .option('-f, --format <format>', 'output format: human or json', 'human')
    .option('--catalog <file...>', 'extra register catalog files that extend or override the built-in one')
    .option('--history <file>', 'kernel history file that extends the built-in one')
    .option('--rules <path...>', 'rule files or directories to search for mentions (default: rules/ if present)')
    .action(async (regs: string[], opts: { format: string; catalog?: string[]; history?: string; rules?: string[] }) => {
      const impl = await import('../../catalog/commands/decode.js');
      setExit(await impl.run(regs, opts));
    });
}
