import type { Command } from 'commander';
import type { SetExit } from './types.js';

export interface FmtCommandOptions {
  readonly check?: boolean;
  readonly stdinFilename?: string;
  readonly root?: string;
}

export function register(program: Command, setExit: SetExit): void {
  program
    .command('fmt')
    .description(
      'format rule files in place (the canonical layout of the Prettier plugin); with --check, list unformatted files and exit 1',
    )
    .argument('[paths...]', 'rule files or directories (default: rules/); - formats standard input to standard output')
    .option('--check', 'change nothing; list the files that are not formatted and exit 1 if there are any')
    .option('--stdin-filename <path>', 'with `-`: the file name standard input stands for (diagnostics, Prettier config)')
    .option('--root <dir>', 'project root: files, symlink targets and Prettier configs outside it are not touched (default: current directory)')
    .action(async (paths: string[], opts: FmtCommandOptions) => {
      const impl = await import('../../format/fmt-command.js');
      setExit(
        await impl.runFmt(paths, {
          check: opts.check === true,
          ...(opts.stdinFilename !== undefined ? { stdinFilename: opts.stdinFilename } : {}),
          ...(opts.root !== undefined ? { root: opts.root } : {}),
        }),
      );
    });
}
