import type { Command } from 'commander';
import type { SetExit } from './types.js';
import { qemuOptions, ruleTreeOptions, type QemuOptions, type RuleTreeOptions } from './shared-options.js';

export interface CheckOptions extends RuleTreeOptions, QemuOptions {
  readonly format: string;
  readonly root?: string;
  readonly stdinFilename?: string;
}

export function register(program: Command, setExit: SetExit): void {
  qemuOptions(ruleTreeOptions(
    program
      .command('check')
      .description('parse and validate rule files; exit 0 when clean or warnings only, 1 on errors, 2 on usage errors')
      .argument('[paths...]', 'rule files or directories (default: rules/); - reads standard input')
      .option(
        '-f, --format <format>',
        'diagnostics format: human, json, github (Actions annotations), sarif (SARIF 2.1.0) or gitlab (Code Quality report)',
        'human',
      )
      .option('--root <dir>', 'project root; includes cannot leave it (default: the nearest directory above the paths with rules/mtc.yaml, else the current directory, else their common ancestor)')
      .option('--stdin-filename <path>', 'with `-`: the file name standard input stands for (diagnostics, includes, project root)'),
  )).action(async (paths: string[], opts: CheckOptions) => {
    const impl = await import('../check-command.js');
    setExit(await impl.runCheck(paths, opts));
  });
}
