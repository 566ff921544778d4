import type { Command } from 'commander';
import type { SetExit } from './index.js';

export interface CheckOptions {
  readonly format: string;
  readonly root?: string;
  readonly catalog?: string[];
  readonly history?: string;
  readonly target?: string;
  readonly maxFileSize?: string;
  readonly maxTokens?: string;
  readonly maxFiles?: string;
}

export function register(program: Command, setExit: SetExit): void {
  program
    .command('check')
    .description('parse and validate rule files; exit 0 when clean or warnings only, 1 on errors, 2 on usage errors')
    .argument('[paths...]', 'rule files or directories (default: rules/)')
    .option('-f, --format <format>', 'diagnostics format: human, json, github (Actions annotations) or sarif (SARIF 2.1.0)', 'human')
    .option('--root <dir>', 'project root; includes cannot leave it (default: current directory)')
    .option('--catalog <file...>', 'extra register catalog files that extend or override the built-in one')
    .option('--history <file>', 'a kernel-history file that extends the built-in one, for the catalog-based checks')
    .option('--target <target>', 'C target for files without a `target` statement: x-mig or tolerances', 'x-mig')
    .option('--max-file-size <bytes>', 'largest rule file read')
    .option('--max-tokens <n>', 'most tokens per file')
    .option('--max-files <n>', 'most rule files read, through directories and includes')
    .action(async (paths: string[], opts: CheckOptions) => {
      const impl = await import('../check-command.js');
      setExit(await impl.runCheck(paths, opts));
    });
}
