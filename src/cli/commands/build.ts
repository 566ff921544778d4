/** `mtc build [paths…] --out DIR`: compile rule files into QEMU C, the build document and docs, written atomically. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { hasErrors, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { loadCatalog } from '../../catalog/index.js';
import { compile, withoutSyntaxTrees } from '../../compile.js';
import { collectIfLarge, textSize } from '../../util/memory.js';
import { checkOutputDir, generateStream, writeOutputs } from '../../emit/build.js';
import { PATCH_FILE, parseSignOff } from '../../emit/qemu-tree.js';
import { TreeError, TreeFiles } from '../../qemu/tree-files.js';
import { checkExtras } from '../check-inputs.js';
import { limitsFrom, parseTarget } from '../options.js';
import { parseFormat, printDiagnostics, reportUsage, UsageError } from '../report.js';
import { ruleInputs } from '../rule-inputs.js';
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
    setExit(await runBuild(paths, opts));
  });
}

/** `mtc build`. Returns the exit code. */
export async function runBuild(paths: string[], opts: BuildOptions): Promise<number> {
  try {
    const format = parseFormat(opts.format);
    const limits = limitsFrom(opts);
    const defaultTarget = parseTarget(opts.target);
    if (!opts.out) throw new UsageError('--out needs a directory');
    const { catalog, diagnostics: catalogDiags } = loadCatalog({ files: opts.catalog ?? [] });
    const signoff = opts.signoff !== undefined ? parseSignOff(opts.signoff) : undefined;
    if (opts.signoff !== undefined && !signoff) throw new UsageError(`--signoff takes "Name <mail>", not \`${opts.signoff}\``);
    if (signoff && opts.qemuTree === undefined) throw new UsageError('--signoff needs --qemu-tree (it signs the patch for that tree)');
    const inputs = await ruleInputs(paths, opts, limits);
    const qemu = checkExtras(inputs.paths, { ...opts, root: inputs.root });
    const result = withoutSyntaxTrees(compile(inputs.paths, { catalog, limits, defaultTarget, root: inputs.root, fs: inputs.fs, extras: qemu.extras }));
    // The syntax trees are garbage now (about 9x the rules' size).
    collectIfLarge(textSize(result.project.sources.values()));
    const diags: Diagnostic[] = [...catalogDiags, ...qemu.diagnostics, ...result.diagnostics];
    const report = async (extra: Diagnostic[]) => printDiagnostics([...diags, ...extra], format, result.project.sources, result.project.files.length);
    if (hasErrors(diags) || !result.model) {
      await report([]);
      return 1;
    }
    let treeRead: ((rel: string) => string | undefined) | undefined;
    if (qemu.context.treeDir !== undefined) {
      const tree = new TreeFiles(qemu.context.treeDir);
      treeRead = (rel) => tree.read(rel);
    }
    let gen: ReturnType<typeof generateStream>;
    try {
      gen = generateStream(result.model, { qemu: qemu.context, ...(treeRead ? { treeRead } : {}), ...(signoff ? { signoff } : {}) });
    } catch (e) {
      if (!(e instanceof TreeError)) throw e;
      await report([
        { code: 'MTC3011', severity: 'error', message: `cannot read the QEMU tree ${opts.qemuTree}: ${e.file}: ${e.message}`, help: '--qemu-tree takes the top directory of a QEMU source tree' },
      ]);
      return 1;
    }
    if (hasErrors(gen.diagnostics)) {
      await report([...gen.diagnostics]);
      return 1;
    }
    if (opts.check) {
      const { stale, diagnostics: dirDiags } = checkOutputDir(opts.out, gen);
      const extra: Diagnostic[] = stale.map((s) => ({
        code: 'MTC3021',
        severity: 'error',
        message:
          s.state === 'missing'
            ? `${join(opts.out, s.path)} is missing`
            : s.state === 'extra'
              ? `${join(opts.out, s.path)} is no longer generated and would be removed`
              : `${join(opts.out, s.path)} is stale`,
        help: 'run `mtc build` (or `npm start`) and commit the result',
      }));
      if (format === 'human') for (const s of stale) if (s.diff) process.stderr.write(s.diff);
      await report([...gen.diagnostics, ...dirDiags, ...extra]);
      if (hasErrors(dirDiags)) return 1;
      if (format === 'human') process.stderr.write(stale.length === 0 ? `${opts.out}: ${gen.outputs.length} files up to date\n` : `${opts.out}: ${stale.length} of ${gen.outputs.length} files stale\n`);
      return stale.length > 0 ? 1 : 0;
    }
    const w = writeOutputs(opts.out, gen);
    await report([...gen.diagnostics, ...w.diagnostics]);
    if (hasErrors(w.diagnostics)) return 1;
    if (format === 'human')
      process.stderr.write(
        `${opts.out}: wrote ${w.written.length}, unchanged ${w.unchanged.length}${w.removed.length ? `, removed ${w.removed.length} stale (${w.removed.join(', ')})` : ''}\n` +
          (gen.outputs.some((o) => o.path === PATCH_FILE) ? `${join(opts.out, PATCH_FILE)}: ${signoff ? '`git am`' : '`git apply`'} it at the top of ${opts.qemuTree} (QEMU ${qemu.context.profile?.qemu})\n` : ''),
      );
    return 0;
  } catch (e) {
    return reportUsage(e);
  }
}
