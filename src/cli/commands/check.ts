import type { Command } from 'commander';
import type { SetExit } from './index.js';
import { qemuOptions, ruleTreeOptions, type QemuOptions, type RuleTreeOptions } from './shared-options.js';

export interface CheckOptions extends RuleTreeOptions, QemuOptions {
  readonly format: string;
  readonly root?: string;
  readonly history?: string;
}

export function register(program: Command, setExit: SetExit): void {
  qemuOptions(ruleTreeOptions(
    program
      .command('check')
      .description('parse and validate rule files; exit 0 when clean or warnings only, 1 on errors, 2 on usage errors')
      .argument('[paths...]', 'rule files or directories (default: rules/)')
      .option(
        '-f, --format <format>',
        'diagnostics format: human, json, github (Actions annotations) or sarif (SARIF 2.1.0)',
        'human',
      )
      .option('--root <dir>', 'project root; includes cannot leave it (default: current directory)')
      .option('--history <file>', 'a kernel-history file that extends the built-in one, for the catalog-based checks'),
  )).action(async (paths: string[], opts: CheckOptions) => {
    const impl = await import('../check-command.js');
    setExit(await impl.runCheck(paths, opts));
  });
}
