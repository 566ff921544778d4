import type { Command } from 'commander';
import type { SetExit } from './index.js';
import { ruleTreeOptions, type RuleTreeOptions } from './shared-options.js';

export interface BuildOptions extends RuleTreeOptions {
  readonly out: string;
  readonly check?: boolean;
  readonly format: string;
  readonly root?: string;
  readonly qemuTree?: string;
}

export function register(program: Command, setExit: SetExit): void {
  ruleTreeOptions(
    program
      .command('build')
      .description(
        'compile rule files into QEMU C, the simulator JSON and docs; exit 0 on success, 1 on errors or stale outputs (--check), 2 on usage errors',
      )
      .argument('[paths...]', 'rule files or directories (default: rules/)')
      .option('-o, --out <dir>', 'output directory', 'out')
      .option('--check', 'write nothing; exit 1 and show a diff when the output directory differs from a fresh build')
      .option(
        '--qemu-tree <dir>',
        'QEMU source tree: also write qemu/virt.patch, a `git apply` patch for DIR/hw/arm/virt.c',
      )
      .option('-f, --format <format>', 'diagnostics format: human, json, github, sarif, gitlab', 'human')
      .option('--root <dir>', 'project root; includes cannot leave it (default: the nearest directory above the paths with rules/mtc.yaml, else the current directory, else their common ancestor)'),
  ).action(async (paths: string[], opts: BuildOptions) => {
    const impl = await import('../../emit/command.js');
    setExit(await impl.runBuild(paths, opts));
  });
}
