import { hasErrors } from '../diagnostics/diagnostic.js';
import { loadBuiltinCatalog } from '../catalog/builtin.js';
import type { Catalog } from '../catalog/types.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { compile } from '../compile.js';
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
    const history = await historyExtras(opts.history, catalog);
    const inputs = await ruleInputs(paths, { ...opts, allowStdin: true }, limits);
    const result = compile(inputs.paths, { catalog, limits, defaultTarget, root: inputs.root, fs: inputs.fs, extras: history.extras });
    const diags = [...catalogDiags, ...history.diagnostics, ...result.diagnostics];
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

/** A user's kernel-history file for the catalog-based checks (`--history`); none: the built-in one. */
export async function historyExtras(
  file: string | undefined,
  catalog: Catalog,
): Promise<{ extras: ReadonlyMap<string, unknown>; diagnostics: Diagnostic[] }> {
  if (file === undefined) return { extras: new Map(), diagnostics: [] };
  const { loadHistory } = await import('../catalog/history-file.js');
  const { HISTORY_EXTRA } = await import('../catalog/validate-support.js');
  const { history, diagnostics } = loadHistory(file, { catalog });
  return { extras: new Map([[HISTORY_EXTRA, history]]), diagnostics };
}
