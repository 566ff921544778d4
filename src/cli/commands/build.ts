import type { Command } from 'commander';
import type { SetExit } from './types.js';
import { qemuOptions, ruleTreeOptions, type QemuOptions, type RuleTreeOptions } from './shared-options.js';

export interface BuildOptions extends RuleTreeOptions, QemuOptions {
  readonly out: string;
  readonly check?: boolean;
  readonly format: string;
  readonly root?: string;
  readonly signoff?: string;
}

export function register(program: Command, setExit: SetExit): void {
  qemuOptions(ruleTreeOptions(
    program
      .command('build')
      .description(
        'compile rule files into QEMU C, the simulator JSON and docs; exit 0 on success, 1 on errors or stale outputs (--check), 2 on usage errors',
      )
      .argument('[paths...]', 'rule files or directories (default: rules/)')
      .option('-o, --out <dir>', 'output directory', 'out')
      .option('--check', 'write nothing; exit 1 and show a diff when the output directory differs from a fresh build')
      .option('--signoff <who>', 'with --qemu-tree: write the patch as a `git format-patch` mail from and signed off by "Name <mail>" (for `git am`)')
      .option('-f, --format <format>', 'diagnostics format: human, json, github, sarif, gitlab', 'human')
      .option('--root <dir>', 'project root; includes cannot leave it (default: the nearest directory above the paths with rules/mtc.yaml, else the current directory, else their common ancestor)'),
  )).action(async (paths: string[], opts: BuildOptions) => {
    const impl = await import('../../emit/command.js');
    setExit(await impl.runBuild(paths, opts));
  });
}
