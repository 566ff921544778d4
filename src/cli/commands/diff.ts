import type { Command } from 'commander';
import type { SetExit } from './types.js';
import { ruleTreeOptions, type RuleTreeOptions } from './shared-options.js';

export interface DiffCommandOptions extends RuleTreeOptions {
  readonly base?: string;
  readonly baseDir?: string;
  readonly head?: string;
  readonly headDir?: string;
  readonly format: string;
  readonly config?: string;
  readonly hosts?: string[];
  readonly qemu?: string;
  readonly qemuTree?: string;
  readonly fromQemu?: string;
  readonly toQemu?: string;
  readonly output?: string;
}

export function register(program: Command, setExit: SetExit): void {
  ruleTreeOptions(
    program
      .command('diff')
      .description(
        'compare the rules of two trees (git revisions or directories) for review: semantic changes per machine type, one finding per rule change (with the machine types and migration pairs it affects), generated C; exit 0 no breaking change, 1 breaking changes, 2 usage or internal error',
      )
      .argument('[paths...]', 'rule files or directories inside each tree (default: rules/)')
      .option('--base <rev>', 'the tree before the change: a git revision of this repository, read without checking it out (never a directory)')
      .option('--base-dir <dir>', 'or: the tree before the change is this directory')
      .option('--head <rev>', 'the tree after the change: a git revision (default: the working tree)')
      .option('--head-dir <dir>', 'or: the tree after the change is this directory')
      .option(
        '-f, --format <format>',
        'output format: text, markdown (a PR or MR comment), json, github (Actions annotations), sarif (SARIF 2.1.0) or gitlab (Code Quality report)',
        'text',
      )
      .option('--config <file>', 'review configuration relative to each tree (default: rules/mtc.yaml, then mtc.yaml)')
      .option(
        '--hosts <path...>',
        'host profile files or directories for the migration matrix (default: `hosts:` of the config, else the built-in profiles)',
      )
      .option('--qemu <release>', 'the QEMU both trees are checked against (when it is a built-in tree: 10.0, 10.2, 11.1; default: `qemu:` of each tree\'s mtc.yaml) and the QEMU release on both ends of the matrix\'s KVM pairs (10.0, 10.2, x-mig-series, 11.0, 11.1; default: the newest)')
      .option('--from-qemu <release>', 'QEMU release of the matrix\'s KVM sources (default: --qemu)')
      .option('--to-qemu <release>', 'QEMU release of the matrix\'s KVM destinations (default: --qemu)')
      .option('--qemu-tree <dir>', 'check both trees against the QEMU source tree DIR, read now')
      .option('-o, --output <file>', 'write the report to FILE instead of standard output'),
  ).action(async (paths: string[], opts: DiffCommandOptions) => {
    const impl = await import('../../review/diff-command.js');
    setExit(await impl.runDiffCommand(paths, opts));
  });
}
