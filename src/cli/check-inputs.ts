import { hasErrors } from '../diagnostics/diagnostic.js';
import { loadBuiltinCatalog } from '../catalog/builtin.js';
import { loadCatalog } from '../catalog/load.js';
import { loadHistory } from '../catalog/history-file.js';
import { HISTORY_EXTRA } from '../catalog/validate-support.js';
import type { Catalog } from '../catalog/types.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { compile } from '../compile.js';
import { QEMU_EXTRA, type QemuContext } from '../qemu/context.js';
import { loadQemuConfig, selectQemu } from '../qemu/select.js';
import type { CheckOptions } from './commands/check.js';
import { limitsFrom, parseTarget } from './options.js';
import { parseFormat, printDiagnostics, reportUsage } from './report.js';
import { ruleInputs } from './rule-inputs.js';

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

/** The built-in catalog, or it extended by user files (only then is the YAML reader loaded). */
export async function catalogFor(files: readonly string[]): Promise<{ catalog: Catalog; diagnostics: Diagnostic[] }> {
  if (files.length === 0) return { catalog: loadBuiltinCatalog(), diagnostics: [] };
  const { loadCatalog } = await import('../catalog/load.js');
  return loadCatalog({ files });
}

/**
 * The extras the checks take from the command line, for `check`, `build` and
 * each tree of `diff`: the QEMU of the run (`--qemu-tree`, `--qemu`, or
 * mtc.yaml's `qemu`) and, with `--history`, the user's kernel history, read
 * against `catalog` (default: the built-in one extended by `--catalog`). The
 * history's diagnostics come first.
 */
export function checkExtras(
  inputs: readonly string[],
  opts: { qemu?: string; qemuTree?: string; root?: string; history?: string; catalog?: readonly string[] },
  catalog?: Catalog,
): { extras: ReadonlyMap<string, unknown>; context: QemuContext; diagnostics: Diagnostic[] } {
  const cfg = loadQemuConfig(opts.root ?? process.cwd(), inputs);
  const sel = selectQemu({ ...(opts.qemu !== undefined ? { qemu: opts.qemu } : {}), ...(opts.qemuTree !== undefined ? { qemuTree: opts.qemuTree } : {}) }, cfg.config);
  const extras = new Map<string, unknown>([[QEMU_EXTRA, sel.context]]);
  const diagnostics: Diagnostic[] = [];
  if (opts.history !== undefined) {
    const cat = catalog ?? (opts.catalog?.length ? loadCatalog({ files: opts.catalog }).catalog : loadBuiltinCatalog());
    const h = loadHistory(opts.history, { catalog: cat });
    extras.set(HISTORY_EXTRA, h.history);
    diagnostics.push(...h.diagnostics);
  }
  return { extras, context: sel.context, diagnostics: [...diagnostics, ...cfg.diagnostics, ...sel.diagnostics] };
}

/** checkExtras() under the name src/emit/command.ts (`mtc build`) imports. */
export const qemuExtras = checkExtras;
