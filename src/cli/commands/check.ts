/** `mtc check [paths…]`: parse and validate rule files, print the diagnostics. */
import type { Command } from 'commander';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { compile } from '../../compile.js';
import { catalogFor, checkExtras } from '../check-inputs.js';
import { limitsFrom, parseTarget } from '../options.js';
import { parseFormat, printDiagnostics, reportUsage } from '../report.js';
import { ruleInputs } from '../rule-inputs.js';
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
    setExit(await runCheck(paths, opts));
  });
}

export async function runCheck(paths: string[], opts: CheckOptions): Promise<number> {
  try {
    const format = parseFormat(opts.format);
    const limits = limitsFrom(opts);
    const defaultTarget = parseTarget(opts.target);
    const { catalog, diagnostics: catalogDiags } = await catalogFor(opts.catalog ?? []);
    const inputs = await ruleInputs(paths, { ...opts, allowStdin: true }, limits);
    const run = checkExtras(inputs.paths, { ...opts, root: inputs.root }, catalog);
    const result = compile(inputs.paths, { catalog, limits, defaultTarget, root: inputs.root, fs: inputs.fs, extras: run.extras });
    const diags = [...catalogDiags, ...run.diagnostics, ...result.diagnostics];
    await printDiagnostics(diags, format, result.project.sources, result.project.files.length);
    return hasErrors(diags) ? 1 : 0;
  } catch (e) {
    return reportUsage(e);
  }
}
