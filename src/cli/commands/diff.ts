/** `mtc diff`: options → the review stage (src/review) → the chosen format on stdout (or --output). */
import type { Command } from 'commander';
import { writeOutputFile } from '../../util/write-output.js';
import { renderHuman, renderOneLine, useColor } from '../../diagnostics/render.js';
import { loadBuiltinCatalog } from '../../catalog/index.js';
import { findBuiltinVersion } from '../../qemu/builtin.js';
import { runDiff } from '../../review/diff.js';
import { diffFormats, renderReport, type DiffFormat } from '../../review/render.js';
import { limitsFrom, parseTarget, releasesFrom } from '../options.js';
import { UsageError, reportUsage } from '../report.js';
import { loadRunInputs } from '../run-inputs.js';
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
    setExit(await runDiffCommand(paths, opts));
  });
}

export async function runDiffCommand(paths: string[], opts: DiffCommandOptions, cwd = process.cwd()): Promise<number> {
  try {
    if (!(diffFormats as readonly string[]).includes(opts.format)) throw new UsageError(`--format must be one of ${diffFormats.join(', ')}, not \`${opts.format}\``);
    if (opts.base === undefined && opts.baseDir === undefined) throw new UsageError('give the tree before the change: --base REV (a git revision) or --base-dir DIR (a directory)');
    if (opts.base !== undefined && opts.baseDir !== undefined) throw new UsageError('give --base (a git revision) or --base-dir (a directory), not both');
    if (opts.head !== undefined && opts.headDir !== undefined) throw new UsageError('give --head (a git revision) or --head-dir (a directory), not both');
    // --qemu: the release of the matrix (both ends, unless --from-qemu/--to-qemu) and, when it is a built-in tree, the checks' QEMU.
    // Without them, the matrix takes the releases of the base tree's mtc.yaml (runDiff).
    const ends = (() => {
      try {
        const r = releasesFrom(opts);
        return { ...(opts.fromQemu ?? opts.qemu ? { from: r.from } : {}), ...(opts.toQemu ?? opts.qemu ? { to: r.to } : {}) };
      } catch (e) {
        throw new UsageError(e instanceof Error ? e.message : String(e));
      }
    })();
    const qemuSelection = {
      ...(opts.qemu !== undefined && findBuiltinVersion(opts.qemu) ? { qemu: opts.qemu } : {}),
      ...(opts.qemuTree !== undefined ? { qemuTree: opts.qemuTree } : {}),
    };
    // --catalog and --history: the checks of both trees and the matrix's host models take them.
    const { catalog, history, diagnostics } = await loadRunInputs({ catalog: opts.catalog ?? [], ...(opts.history !== undefined ? { history: opts.history } : {}) });
    if (diagnostics.some((d) => d.severity === 'error')) {
      for (const d of diagnostics) process.stderr.write(renderOneLine(d) + '\n');
      return 2;
    }
    const { report, exitCode } = runDiff({
      cwd,
      ...(opts.base !== undefined ? { base: opts.base } : {}),
      ...(opts.baseDir !== undefined ? { baseDir: opts.baseDir } : {}),
      ...(opts.head !== undefined ? { head: opts.head } : {}),
      ...(opts.headDir !== undefined ? { headDir: opts.headDir } : {}),
      paths,
      ...(opts.config !== undefined ? { config: opts.config } : {}),
      ...(opts.hosts !== undefined ? { hosts: opts.hosts } : {}),
      ...ends,
      qemuSelection,
      catalog: catalog ?? loadBuiltinCatalog(),
      ...(history ? { history } : {}),
      defaultTarget: parseTarget(opts.target),
      limits: limitsFrom(opts),
    });
    const text = renderReport(report, opts.format as DiffFormat);
    if (opts.output !== undefined) {
      const failed = writeOutputFile(opts.output, text);
      if (failed) {
        process.stderr.write(renderHuman(failed, { color: useColor(process.stderr), sources: new Map() }) + '\n');
        return 2;
      }
    } else process.stdout.write(text);
    return exitCode;
  } catch (e) {
    return reportUsage(e);
  }
}
