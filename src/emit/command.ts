import { join } from 'node:path';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { loadCatalog } from '../catalog/index.js';
import { compile } from '../compile.js';
import type { BuildOptions } from '../cli/commands/build.js';
import { limitsFrom, parseTarget } from '../cli/options.js';
import { parseFormat, printDiagnostics, reportUsage, UsageError } from '../cli/report.js';
import { checkOutputDir, generate, writeOutputs } from './build.js';
import { VIRT_C } from './qemu-tree.js';
import { ReadError, readRegularText } from '../util/read-file.js';

/** Largest hw/arm/virt.c read with --qemu-tree (QEMU's is about 130 KB). */
const MAX_VIRT_C_BYTES = 16 * 1024 * 1024;

/** `mtc build`. Returns the exit code. */
export async function runBuild(paths: string[], opts: BuildOptions): Promise<number> {
  try {
    const format = parseFormat(opts.format);
    const limits = limitsFrom(opts);
    const defaultTarget = parseTarget(opts.target);
    if (!opts.out) throw new UsageError('--out needs a directory');
    const { catalog, diagnostics: catalogDiags } = loadCatalog({ files: opts.catalog ?? [] });
    const result = compile(paths.length > 0 ? paths : ['rules'], { catalog, limits, defaultTarget, root: opts.root });
    const diags: Diagnostic[] = [...catalogDiags, ...result.diagnostics];
    const report = async (extra: Diagnostic[]) => printDiagnostics([...diags, ...extra], format, result.project.sources, result.project.files.length);
    if (hasErrors(diags) || !result.model) {
      await report([]);
      return 1;
    }
    let virtC: string | undefined;
    if (opts.qemuTree !== undefined) {
      try {
        virtC = readRegularText(join(opts.qemuTree, VIRT_C), { maxBytes: MAX_VIRT_C_BYTES, within: opts.qemuTree });
      } catch (e) {
        await report([
          {
            code: 'MTC3011',
            severity: 'error',
            message: `cannot read ${join(opts.qemuTree, VIRT_C)}: ${e instanceof ReadError ? e.detail : String(e)}`,
            help: '--qemu-tree takes the top directory of a QEMU source tree',
          },
        ]);
        return 1;
      }
    }
    const gen = generate(result.model, virtC !== undefined ? { virtC } : {});
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
      if (format === 'human') process.stderr.write(stale.length === 0 ? `${opts.out}: ${gen.files.size} files up to date\n` : `${opts.out}: ${stale.length} of ${gen.files.size} files stale\n`);
      return stale.length > 0 ? 1 : 0;
    }
    const w = writeOutputs(opts.out, gen);
    await report([...gen.diagnostics, ...w.diagnostics]);
    if (hasErrors(w.diagnostics)) return 1;
    if (format === 'human')
      process.stderr.write(
        `${opts.out}: wrote ${w.written.length}, unchanged ${w.unchanged.length}${w.removed.length ? `, removed ${w.removed.length} stale (${w.removed.join(', ')})` : ''}\n`,
      );
    return 0;
  } catch (e) {
    return reportUsage(e);
  }
}
